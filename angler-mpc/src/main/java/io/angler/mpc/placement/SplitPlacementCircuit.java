package io.angler.mpc.placement;

import io.angler.mpc.circuit.CircuitBuilder;
import java.util.Arrays;

/**
 * Split placement: the request is filled greedily by ascending price over at most m providers with
 * capacity left, each winner taking min(its capacity, what is left); all or nothing.
 *
 * <p>Construction: each provider's key is (no capacity, price, index), the index a constant of
 * ceil(log2 K) bits that makes keys distinct and breaks price ties towards the lower index; a
 * provider with capacity 0 sorts after every other and so never takes one of the m places. A
 * Batcher odd-even merge network sorts (key, capacity) pairs, one comparator and one conditional
 * swap per network comparator. Then a single pass over the sorted slots: slot p is active when
 * p < m, takes {@code min(capacity, left)} (one subtraction with borrow gives both the comparison and
 * the new remainder) and the request is served when nothing is left after the last slot. Finally
 * the units are routed back to the providers by running the network backwards on the recorded swap
 * bits.
 *
 * <p>With minimums, a provider is usable only when it has capacity and the request's total units
 * reach its minimum ({@code request >= min}, n AND gates); an unusable provider sorts after every
 * usable one exactly as one with capacity 0 does, and a slot holding one gives nothing (one AND per
 * slot on its "active" bit), so it never takes one of the m places.
 */
final class SplitPlacementCircuit {
    private SplitPlacementCircuit() {
    }

    /** Bits needed for the numbers 0..n-1. */
    static int bitsFor(int n) {
        return 32 - Integer.numberOfLeadingZeros(Math.max(n - 1, 0));
    }

    static PlacementCircuit build(PlacementSpec spec) {
        int k = spec.providers();
        int u = spec.widths().unitBits();
        int pb = spec.widths().priceBits();
        boolean minimum = spec.withMinimum();
        CircuitBuilder b = new CircuitBuilder(k + 1);
        int mBits = bitsFor(k);
        int idxBits = bitsFor(k);
        int[] request = b.input(0, u);
        int[] maxMinusOne = b.input(0, mBits);

        // key, least significant first: index, price, then the "no capacity" flag on top
        int[][] keys = new int[k][];
        int[][] caps = new int[k][];
        for (int i = 0; i < k; i++) {
            caps[i] = b.input(i + 1, u);
            int[] price = b.input(i + 1, pb);
            int usable = b.orAll(caps[i]);
            if (minimum) {
                // below the minimum: sorted after every usable provider, and its capacity unused (below)
                int[] min = b.input(i + 1, u);
                usable = b.and(usable, b.greaterOrEqual(request, min));
            }
            int[] key = new int[idxBits + pb + 1];
            System.arraycopy(b.constant(i, idxBits), 0, key, 0, idxBits);
            System.arraycopy(price, 0, key, idxBits, pb);
            key[idxBits + pb] = b.not(usable);
            keys[i] = key;
        }

        int[][] network = SortingNetwork.comparators(k);
        int[] swapped = new int[network.length];
        for (int c = 0; c < network.length; c++) {
            int i = network[c][0];
            int j = network[c][1];
            int s = b.lessThan(keys[j], keys[i]);
            swapped[c] = s;
            swap(b, s, keys, i, j);
            swap(b, s, caps, i, j);
        }

        int[] left = request;
        int[][] take = new int[k][];
        for (int p = 0; p < k; p++) {
            int active = p == 0 ? CircuitBuilder.ONE : b.greaterOrEqual(maxMinusOne, b.constant(p, mBits));
            if (minimum) {
                // a provider below its minimum may hold capacity: its slot gives nothing
                active = b.and(active, b.not(keys[p][idxBits + pb]));
            }
            int[] cap = b.and(caps[p], active);
            int[] diff = b.subtractWithBorrow(left, cap);
            int shortOfCapacity = diff[u]; // less is left than this slot could give: it takes what is left
            take[p] = b.mux(shortOfCapacity, cap, left);
            left = b.and(Arrays.copyOf(diff, u), b.not(shortOfCapacity));
        }
        int served = b.not(b.orAll(left));

        OutputRouting out = new OutputRouting(b);
        long requester = OutputRouting.party(0);
        int[][] slotIndex = new int[k][];
        int[][] slotUnits = new int[k][];
        int[][] slotPrice = new int[k][];
        int[][] units = new int[k][];
        for (int p = 0; p < k; p++) {
            units[p] = b.and(take[p], served);
            int won = b.orAll(units[p]);
            slotIndex[p] = out.add(b.and(Arrays.copyOfRange(keys[p], 0, idxBits), won), requester);
            slotUnits[p] = out.add(units[p], requester);
            slotPrice[p] = out.add(b.and(Arrays.copyOfRange(keys[p], idxBits, idxBits + pb), won), requester);
        }
        // back from sorted slots to providers: the same swaps in reverse order
        for (int c = network.length - 1; c >= 0; c--) {
            swap(b, swapped[c], units, network[c][0], network[c][1]);
        }
        int[][] providerUnits = new int[k][];
        for (int i = 0; i < k; i++) {
            providerUnits[i] = out.add(units[i], OutputRouting.party(i + 1));
        }
        PlacementCircuit.Layout layout = new PlacementCircuit.Layout(null, providerUnits, null, null,
                slotIndex, slotUnits, slotPrice, mBits);
        return new PlacementCircuit(spec, b.build(), out.plan(), layout);
    }

    /** Swaps rows i and j when s is 1: one AND per bit ({@code t = s AND (x XOR y)}, both XOR t). */
    private static void swap(CircuitBuilder b, int s, int[][] rows, int i, int j) {
        int[] t = b.and(b.xor(rows[i], rows[j]), s);
        rows[i] = b.xor(rows[i], t);
        rows[j] = b.xor(rows[j], t);
    }
}
