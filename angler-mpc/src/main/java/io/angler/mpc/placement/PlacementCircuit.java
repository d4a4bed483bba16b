package io.angler.mpc.placement;

import io.angler.core.placement.Allocation;
import io.angler.core.placement.Bid;
import io.angler.core.placement.PlacementMode;
import io.angler.core.placement.PlacementOutcome;
import io.angler.core.placement.PlacementRequest;
import io.angler.core.placement.PlacementWidths;
import io.angler.core.placement.ProviderView;
import io.angler.mpc.circuit.Circuit;
import io.angler.mpc.circuit.OutputPlan;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The placement of SPEC 1.6 as a Boolean circuit for one mode, one number of providers K and one
 * set of widths, with its {@link OutputPlan} (who learns which output bit, SPEC 1.7), its input
 * encoders and its output decoders.
 *
 * <p>Parties: slot 0 is the requester, slot i (1..K) is provider i. Inputs, every integer least
 * significant bit first: the requester gives its units ({@code unitBits}) and, in split mode,
 * {@code maxProviders - 1} in {@link #maxProvidersBits()} bits; provider i gives its capacity
 * ({@code unitBits}) then its price ({@code priceBits}), and in a circuit with minimums its minimum
 * request (see {@link #providerInput}). Constants (indices, sorting network positions) are
 * hard-wired into the circuit's shape and are never an input.
 *
 * <p>Outputs (see docs/circuits.md for the construction):
 * <ul>
 *   <li>first-price and second-price: one win bit per provider, learnt by the requester and that
 *       provider; per provider its units (the request) masked by its win bit, learnt by it alone;
 *       the price paid, masked by "served", learnt by the requester; in second-price, per provider
 *       the price paid masked by its win bit, learnt by it alone (in first-price a winner is paid
 *       its own price, which it knows);</li>
 *   <li>split: per provider its units masked by "served" (non-zero exactly when it won), learnt by
 *       it alone (it is paid its own price); for the requester, K slots in ascending (price, index)
 *       order, each the winner's index, units and price, all zero past the last winner.</li>
 * </ul>
 * So a provider that loses receives only zero bits, and every party's bits are a fixed encoding of
 * exactly the view SPEC 1.7 gives it: the decoders check this and reject any other bit pattern.
 */
public final class PlacementCircuit {
    /** At most 64 parties (the output plan's limit): the requester and 63 providers. */
    public static final int MAX_PROVIDERS = OutputPlan.MAX_PARTIES - 1;

    private final PlacementSpec spec;
    private final PlacementMode mode;
    private final int providers;
    private final PlacementWidths widths;
    private final Circuit circuit;
    private final OutputPlan plan;
    private final Layout layout;
    /** Per party, the output bits the plan routes to it. */
    private final int[][] bitsOf;

    /**
     * Where each field of the outputs lies (output bit indices, least significant bit first).
     * Single modes use {@code win}, {@code units}, {@code price} (second-price only) and
     * {@code requesterPrice}; split uses {@code units} and the requester's {@code slot*} arrays.
     * Provider arrays are indexed by provider - 1.
     */
    record Layout(int[] win, int[][] units, int[][] price, int[] requesterPrice,
                  int[][] slotIndex, int[][] slotUnits, int[][] slotPrice, int maxProvidersBits) {
    }

    PlacementCircuit(PlacementSpec spec, Circuit circuit, OutputPlan plan, Layout layout) {
        this.spec = spec;
        this.mode = spec.mode();
        this.providers = spec.providers();
        this.widths = spec.widths();
        this.circuit = circuit;
        this.plan = plan;
        this.layout = layout;
        plan.check(circuit, providers + 1);
        this.bitsOf = new int[providers + 1][];
        for (int p = 0; p <= providers; p++) {
            bitsOf[p] = plan.bitsOf(p);
        }
    }

    /** The circuit for {@code mode} over {@code providers} providers with the default widths, without minimums. */
    public static PlacementCircuit build(PlacementMode mode, int providers) {
        return build(mode, providers, PlacementWidths.DEFAULT);
    }

    /** The circuit without minimums. */
    public static PlacementCircuit build(PlacementMode mode, int providers, PlacementWidths widths) {
        return build(new PlacementSpec(mode, providers, widths, false));
    }

    public static PlacementCircuit build(PlacementSpec spec) {
        return switch (spec.mode()) {
            case FIRST_PRICE, SECOND_PRICE -> SinglePlacementCircuit.build(spec);
            case SPLIT -> SplitPlacementCircuit.build(spec);
        };
    }

    public PlacementSpec spec() {
        return spec;
    }

    /** Whether providers input a minimum request. */
    public boolean withMinimum() {
        return spec.withMinimum();
    }

    public PlacementMode mode() {
        return mode;
    }

    public int providers() {
        return providers;
    }

    /** The requester and the providers. */
    public int parties() {
        return providers + 1;
    }

    public PlacementWidths widths() {
        return widths;
    }

    public Circuit circuit() {
        return circuit;
    }

    public OutputPlan outputPlan() {
        return plan;
    }

    /** Bits of the requester's {@code maxProviders - 1} input in split mode (0 otherwise). */
    public int maxProvidersBits() {
        return layout.maxProvidersBits();
    }

    // ---- inputs ----

    /** The requester's input bits: units, then in split mode {@code maxProviders - 1}. */
    public boolean[] requesterInput(PlacementRequest request) {
        if (request.units() > widths.maxUnits()) {
            throw new IllegalArgumentException("request: units " + request.units() + " exceed the maximum "
                    + widths.maxUnits() + " (" + widths.unitBits() + "-bit units)");
        }
        if (mode == PlacementMode.SPLIT) {
            if (request.maxProviders() > providers) {
                throw new IllegalArgumentException("request: max-providers " + request.maxProviders()
                        + " is outside 1.." + providers + " (the number of providers)");
            }
        } else if (request.maxProviders() != 1) {
            throw new IllegalArgumentException("request: max-providers applies to split mode only");
        }
        boolean[] bits = new boolean[circuit.inputBits(0)];
        put(bits, 0, request.units(), widths.unitBits());
        put(bits, widths.unitBits(), request.maxProviders() - 1L, layout.maxProvidersBits());
        return bits;
    }

    /**
     * Provider {@code index}'s (1-based) input bits. Without minimums: capacity, then price. With
     * minimums, in split mode: capacity, price, minimum; in first-price and second-price the
     * provider gives the range of requests it can serve, [lo, lo + span], as span, price, lo: lo is
     * its minimum and span its capacity minus its minimum, or both 0 when it can serve no request
     * (capacity 0, or below its minimum). The circuit then needs one subtraction and one comparison
     * ({@code (request - lo) mod 2^n <= span}) where the two comparisons would take one AND more
     * each.
     */
    public boolean[] providerInput(int index, Bid bid) {
        checkProvider(index);
        if (bid.capacity() > widths.maxUnits()) {
            throw new IllegalArgumentException("provider " + index + ": capacity " + bid.capacity()
                    + " exceeds the maximum " + widths.maxUnits() + " (" + widths.unitBits() + "-bit units)");
        }
        if (bid.price() > widths.maxPrice()) {
            throw new IllegalArgumentException("provider " + index + ": price " + bid.price() + " exceeds the maximum "
                    + widths.maxPrice() + " (" + widths.priceBits() + "-bit prices)");
        }
        if (bid.minUnits() > widths.maxUnits()) {
            throw new IllegalArgumentException("provider " + index + ": minimum request " + bid.minUnits()
                    + " exceeds the maximum " + widths.maxUnits() + " (" + widths.unitBits() + "-bit units)");
        }
        if (bid.hasMinimum() && !spec.withMinimum()) {
            throw new IllegalArgumentException("provider " + index + ": minimum request " + bid.minUnits()
                    + " needs a placement with minimums; this one has none");
        }
        int u = widths.unitBits();
        boolean[] bits = new boolean[circuit.inputBits(index)];
        if (!spec.withMinimum() || mode == PlacementMode.SPLIT) {
            put(bits, 0, bid.capacity(), u);
            put(bits, u, bid.price(), widths.priceBits());
            if (spec.withMinimum()) {
                put(bits, u + widths.priceBits(), bid.minUnits(), u);
            }
        } else {
            boolean servesSome = bid.capacity() >= bid.minUnits();
            put(bits, 0, servesSome ? bid.capacity() - bid.minUnits() : 0, u);
            put(bits, u, bid.price(), widths.priceBits());
            put(bits, u + widths.priceBits(), servesSome ? bid.minUnits() : 0, u);
        }
        return bits;
    }

    /** Every party's input bits, slot 0 the requester. */
    public boolean[][] inputs(PlacementRequest request, List<Bid> bids) {
        if (bids.size() != providers) {
            throw new IllegalArgumentException("placement: the circuit is for " + providers + " providers, got "
                    + bids.size() + " bids");
        }
        boolean[][] in = new boolean[providers + 1][];
        in[0] = requesterInput(request);
        for (int i = 1; i <= providers; i++) {
            in[i] = providerInput(i, bids.get(i - 1));
        }
        return in;
    }

    private static void put(boolean[] bits, int offset, long value, int width) {
        for (int i = 0; i < width; i++) {
            bits[offset + i] = ((value >>> i) & 1) != 0;
        }
    }

    // ---- outputs ----

    /**
     * The requester's view: the allocations in ascending provider order, empty when the request
     * cannot be served.
     *
     * @param outputs the circuit's output bits; only those the plan routes to the requester are read
     * @param own the requester's own request (its units are the winner's units in single modes)
     * @throws IllegalStateException if the requester's bits are not the encoding of any outcome
     */
    public List<Allocation> requesterView(boolean[] outputs, PlacementRequest own) {
        checkLength(outputs);
        List<Allocation> allocations = new ArrayList<>();
        if (mode == PlacementMode.SPLIT) {
            for (int p = 0; p < providers; p++) {
                long units = value(outputs, layout.slotUnits()[p]);
                if (units > 0) {
                    long index = value(outputs, layout.slotIndex()[p]) + 1;
                    if (index > providers) {
                        throw inconsistent("requester", "slot " + p + " names provider " + index);
                    }
                    allocations.add(new Allocation((int) index, units, value(outputs, layout.slotPrice()[p])));
                }
            }
            allocations.sort(Comparator.comparingInt(Allocation::provider));
        } else {
            for (int i = 1; i <= providers; i++) {
                if (outputs[layout.win()[i - 1]]) {
                    allocations.add(new Allocation(i, own.units(), value(outputs, layout.requesterPrice())));
                }
            }
        }
        boolean[] expected = requesterEncoding(allocations);
        for (int bit : bitsOf[0]) {
            if (outputs[bit] != expected[bit]) {
                throw inconsistent("requester", "output bit " + bit + " does not encode " + allocations);
            }
        }
        return List.copyOf(allocations);
    }

    /**
     * Provider {@code index}'s view: whether it won and, only if so, its units and price.
     *
     * @param outputs the circuit's output bits; only those the plan routes to this provider are read
     * @param own the provider's own bid (its price is what it is paid in first-price and split)
     * @throws IllegalStateException if the provider's bits are not the encoding of any view
     */
    public ProviderView providerView(int index, boolean[] outputs, Bid own) {
        checkProvider(index);
        checkLength(outputs);
        long units = value(outputs, layout.units()[index - 1]);
        ProviderView view;
        if (mode == PlacementMode.SPLIT) {
            view = units > 0 ? new ProviderView(index, true, units, own.price()) : ProviderView.lost(index);
        } else if (outputs[layout.win()[index - 1]]) {
            long price = mode == PlacementMode.SECOND_PRICE ? value(outputs, layout.price()[index - 1]) : own.price();
            view = new ProviderView(index, true, units, price);
        } else {
            view = ProviderView.lost(index);
        }
        boolean[] expected = providerEncoding(view);
        for (int bit : bitsOf[index]) {
            if (outputs[bit] != expected[bit]) {
                throw inconsistent("provider " + index, "output bit " + bit + " does not encode " + view);
            }
        }
        return view;
    }

    /**
     * Evaluates the circuit in the clear and decodes every view: the circuit's answer, for tests and
     * for the no-privacy baseline. It must equal {@link io.angler.core.placement.PlaintextPlacement}.
     */
    public PlacementOutcome evaluateInTheClear(PlacementRequest request, List<Bid> bids) {
        boolean[] out = circuit.evaluate(inputs(request, bids));
        return new PlacementOutcome(providers, requesterView(out, request));
    }

    /** The requester's bits for an outcome (bits routed elsewhere are false). */
    private boolean[] requesterEncoding(List<Allocation> allocations) {
        boolean[] bits = new boolean[circuit.outputBits()];
        if (mode == PlacementMode.SPLIT) {
            List<Allocation> byPrice = new ArrayList<>(allocations);
            byPrice.sort(Comparator.comparingLong(Allocation::price).thenComparingInt(Allocation::provider));
            for (int p = 0; p < byPrice.size(); p++) {
                Allocation a = byPrice.get(p);
                set(bits, layout.slotIndex()[p], a.provider() - 1L);
                set(bits, layout.slotUnits()[p], a.units());
                set(bits, layout.slotPrice()[p], a.price());
            }
        } else if (!allocations.isEmpty()) {
            bits[layout.win()[allocations.get(0).provider() - 1]] = true;
            set(bits, layout.requesterPrice(), allocations.get(0).price());
        }
        return bits;
    }

    /** A provider's bits for its view: all zero when it lost. */
    private boolean[] providerEncoding(ProviderView view) {
        boolean[] bits = new boolean[circuit.outputBits()];
        if (view.won()) {
            int i = view.index() - 1;
            set(bits, layout.units()[i], view.units());
            if (mode != PlacementMode.SPLIT) {
                bits[layout.win()[i]] = true;
            }
            if (mode == PlacementMode.SECOND_PRICE) {
                set(bits, layout.price()[i], view.price());
            }
        }
        return bits;
    }

    private static void set(boolean[] bits, int[] field, long value) {
        for (int k = 0; k < field.length; k++) {
            bits[field[k]] = ((value >>> k) & 1) != 0;
        }
    }

    private static long value(boolean[] bits, int[] field) {
        long v = 0;
        for (int k = 0; k < field.length; k++) {
            v |= (bits[field[k]] ? 1L : 0L) << k;
        }
        return v;
    }

    private void checkProvider(int index) {
        if (index < 1 || index > providers) {
            throw new IllegalArgumentException("provider index " + index + " is outside 1.." + providers);
        }
    }

    private void checkLength(boolean[] outputs) {
        if (outputs.length != circuit.outputBits()) {
            throw new IllegalArgumentException("placement outputs: got " + outputs.length + " bits, the circuit has "
                    + circuit.outputBits());
        }
    }

    private IllegalStateException inconsistent(String party, String detail) {
        return new IllegalStateException("placement outputs for the " + party + " are not a valid " + mode.label()
                + " result: " + detail);
    }

    @Override
    public String toString() {
        return "PlacementCircuit[" + spec + ": " + circuit.andGates() + " AND gates, AND depth " + circuit.andDepth()
                + "]";
    }
}
