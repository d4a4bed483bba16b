package io.angler.mpc.wrk;

import io.angler.mpc.MpcAbortException;
import io.angler.mpc.circuit.Circuit;
import io.angler.mpc.circuit.OutputPlan;
import io.angler.mpc.crypto.Prg;
import io.angler.mpc.net.Network;
import io.angler.mpc.ot.CotCache;
import io.angler.mpc.ot.PairwiseCot;
import java.util.Objects;

/**
 * Maliciously secure n-party computation of a Boolean circuit by authenticated garbling (Wang,
 * Ranellucci, Katz: "Global-Scale Secure Multiparty Computation", CCS 2017), security with abort
 * against any n-1 corrupted parties. docs/mpc.md describes the protocol phase by phase.
 *
 * <p>Every party of a session calls {@link #run} at the same time with the same circuit, output
 * plan and options, on its own view of the same network; party 0 evaluates the garbled circuit,
 * every other party garbles. Each party gets the output bits the plan gives it, authenticated, and
 * nothing about the others; or, if any check fails or any peer disconnects or times out, an
 * {@link MpcAbortException} naming the check, after which it must discard the session. The run
 * uses only the calling thread; the caller owns and closes the network.
 */
public final class WrkEngine {
    /** How long an aborting party waits for the other parties' abort notices (see MpcAbortException#reports). */
    static final long NOTICE_GRACE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);

    private WrkEngine() {
    }

    /**
     * Runs one session as party {@code net.self()}.
     *
     * @param net the session's network; its size is the number of parties (2 to 64)
     * @param circuit the circuit; its input slots are parties 0.. (slots beyond are parties without inputs)
     * @param plan who learns which output bit
     * @param myInputs this party's input bits, in the order of {@link Circuit#inputs(int)}
     * @param options settings, the same for all parties
     * @return this party's outputs and per-phase figures
     * @throws IllegalArgumentException if the arguments do not fit together (checked before any traffic)
     * @throws MpcAbortException if the session aborted
     */
    public static WrkResult run(Network net, Circuit circuit, OutputPlan plan, boolean[] myInputs,
                                WrkOptions options) {
        return run(net, circuit, plan, myInputs, options, null);
    }

    /**
     * As {@link #run(Network, Circuit, OutputPlan, boolean[], WrkOptions)}, keeping this node's OT
     * state between sessions in {@code cache} (null, or {@link WrkOptions#reuseOt()} off: none). With every peer that kept the same state
     * ({@link Network#identity} names the peers) the session skips the base OTs; the others are done
     * afresh. Any abort rotates the cache's Δ and drops its pairs (docs/mpc.md explains why).
     */
    public static WrkResult run(Network net, Circuit circuit, OutputPlan plan, boolean[] myInputs,
                                WrkOptions options, CotCache cache) {
        return run(net, circuit, plan, myInputs, options, new PairwiseCotSource(), Deviation.NONE, cache);
    }

    /** The test seam: a different OT source, and one party's deliberate deviation. */
    static WrkResult run(Network net, Circuit circuit, OutputPlan plan, boolean[] myInputs, WrkOptions options,
                         CorrelatedOt cot, Deviation deviation) {
        return run(net, circuit, plan, myInputs, options, cot, deviation, null);
    }

    static WrkResult run(Network net, Circuit circuit, OutputPlan plan, boolean[] myInputs, WrkOptions options,
                         CorrelatedOt cot, Deviation deviation, CotCache cache) {
        return run(net, circuit, plan, myInputs, options, cot, deviation, cache, null);
    }

    /** As above, showing {@code tweaks} (if not null) the tweak of every hash this party computes under its Δ. */
    static WrkResult run(Network net, Circuit circuit, OutputPlan plan, boolean[] myInputs, WrkOptions options,
                         CorrelatedOt cot, Deviation deviation, CotCache cache, TweakObserver tweaks) {
        validate(net, circuit, plan, myInputs);
        Objects.requireNonNull(options, "options");
        Layout lay = Layout.of(circuit, net.parties(), options.statisticalSecurity());
        if (lay.count() > PairwiseCot.MAX_COUNT) {
            throw new IllegalArgumentException("wrk: the circuit (" + circuit.andGates() + " AND gates) needs "
                    + lay.count() + " authenticated bits per party, more than one session can make ("
                    + PairwiseCot.MAX_COUNT + ")");
        }
        Prg prg = Prg.secure();
        CotCache.Lease lease = cache == null || !options.reuseOt() ? null : cache.tryAcquire();
        long[] delta = lease != null ? new long[] {lease.deltaLo(), lease.deltaHi()} : Session.freshDelta(prg);
        Session s = new Session(net, prg, deviation, delta[0], delta[1], tweaks);
        boolean committed = false;
        try {
            s.phase("base-ot");
            cot.setup(s.net, s.deltaLo, s.deltaHi, s.prg, lease);
            AuthenticatedBits abits = new AuthenticatedBits(s, lay);
            s.phase("ot-extension");
            Shares a = abits.extend(cot);

            // Rounds 1-3: the checks of the authenticated bits, with the leaky-AND messages riding along.
            s.phase(Triples.PHASE);
            Shares masks = WireMasks.compute(s, lay, circuit, a);
            Triples triples = new Triples(s, lay, a, abits.tripleCoin());
            Session.Part halfAnd = triples.halfAnd();
            s.phase(AuthenticatedBits.PHASE);
            s.round(abits.commit(), halfAnd);
            abits.afterCommit();
            s.phase(Triples.PHASE);
            triples.afterHalfAnd();
            Session.Part corrections = triples.corrections();
            s.phase(AuthenticatedBits.PHASE);
            s.round(abits.openCoinAndBits(), corrections);
            abits.afterOpenCoinAndBits();
            s.phase(Triples.PHASE);
            Session.Part coin = triples.openCoin();
            s.phase(AuthenticatedBits.PHASE);
            s.round(abits.combinationsAndKeySums(), coin);
            abits.afterCombinationsAndKeySums();

            // Rounds 4-5: the triples' check, bucketing and conversion; garbled tables and input
            // masks ride with the last one (neither depends on the inputs).
            s.phase(Triples.PHASE);
            triples.afterCorrections(); // only now: the checks above ran on the bits as the OT made them
            triples.afterOpenCoin();
            s.round(triples.commitAndOpen(circuit, masks));
            Shares sigma = triples.afterCommitAndOpen();
            Session.Part check = triples.openCheck();
            s.phase("garbling");
            Garbler garbler = s.self == 0 ? null : new Garbler(s, circuit);
            long[][] tables = new long[s.parties][];
            long[][] nonces = new long[s.parties][];
            Session.Part garbling = garbling(s, garbler, masks, sigma, circuit.andGates(), tables, nonces);
            Inputs inputs = new Inputs(s, circuit, lay, masks);
            s.phase(Inputs.PHASE);
            Session.Part inputMasks = inputs.masks();
            s.round(check, garbling, inputMasks);
            triples.afterOpenCheck(); // before anything that depends on the inputs

            // Rounds 6-7: masked inputs, then the transcripts and the input labels; evaluation.
            s.phase(Inputs.PHASE);
            s.round(inputs.maskedInputs(myInputs));
            inputs.afterMaskedInputs();
            s.round(inputs.labels(garbler));
            long[][] inputLabels = inputs.afterLabels();
            Evaluator evaluator = null;
            if (s.self == 0) {
                evaluator = new Evaluator(s, circuit);
                load(evaluator, circuit, inputs, inputLabels);
                evaluator.evaluate(masks, sigma, tables, nonces);
            }

            // Rounds 8-9: outputs to their recipients, then the confirmation.
            s.phase(Outputs.PHASE);
            Outputs outputs = new Outputs(s, circuit, plan, masks);
            s.round(outputs.outputs(evaluator, garbler));
            s.finalRound = true;
            s.round(outputs.confirm());
            byte[] result = outputs.result();
            s.phase(null);
            if (lease != null) {
                lease.commit();
            }
            committed = true;
            return new WrkResult(result, s.phaseStats(), cot.reusedPairs());
        } catch (MpcAbortException e) {
            s.announceAbort(e, NOTICE_GRACE_NANOS);
            throw e;
        } catch (RuntimeException e) {
            s.announceAbort(new MpcAbortException("internal-error", -1, "unexpected failure"), 0);
            throw e;
        } finally {
            if (lease != null && !committed) {
                lease.abort(); // whatever ended the session: a new Δ and no cached pairs for the next one
            }
        }
    }

    /**
     * Garbler j's tables (computed now) and session nonce to the evaluator, which keeps them per
     * garbler in {@code tables} and {@code nonces}.
     */
    private static Session.Part garbling(Session s, Garbler garbler, Shares masks, Shares sigma, int ands,
                                         long[][] tables, long[][] nonces) {
        long[] mine = garbler == null ? null : garbler.garble(masks, sigma);
        return new Session.Part("garbling", (p, ch) -> {
            if (mine != null && p == 0) {
                ch.writeLongs(new long[] {s.nonceLo, s.nonceHi});
                ch.writeLongs(mine);
            }
        }, (p, ch) -> {
            if (s.self == 0) {
                nonces[p] = new long[2];
                ch.readLongs(nonces[p]);
                tables[p] = new long[ands * 4 * s.parties * 2];
                ch.readLongs(tables[p]);
            }
        });
    }

    /** Puts the masked inputs and the garblers' input labels on the evaluator's wires. */
    private static void load(Evaluator ev, Circuit c, Inputs inputs, long[][] inputLabels) {
        for (int p = 0, k = 0; p < c.parties(); p++) {
            for (int w : c.inputs(p)) {
                if (inputs.masked(k)) {
                    ev.masked[w >>> 6] |= 1L << (w & 63);
                }
                for (int j = 1; j < inputLabels.length; j++) {
                    ev.labels[j][2 * w] = inputLabels[j][2 * k];
                    ev.labels[j][2 * w + 1] = inputLabels[j][2 * k + 1];
                }
                k++;
            }
        }
    }

    private static void validate(Network net, Circuit circuit, OutputPlan plan, boolean[] myInputs) {
        Objects.requireNonNull(net, "net");
        Objects.requireNonNull(circuit, "circuit");
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(myInputs, "myInputs");
        int n = net.parties();
        if (n < 2 || n > OutputPlan.MAX_PARTIES) {
            throw new IllegalArgumentException("wrk: " + n + " parties is outside 2.." + OutputPlan.MAX_PARTIES);
        }
        if (circuit.parties() > n) {
            throw new IllegalArgumentException("wrk: the circuit has inputs for " + circuit.parties()
                    + " parties but the session has only " + n);
        }
        plan.check(circuit, n);
        int self = net.self();
        int expected = self < circuit.parties() ? circuit.inputBits(self) : 0;
        if (myInputs.length != expected) {
            throw new IllegalArgumentException("wrk: party " + self + " gave " + myInputs.length
                    + " input bits but the circuit expects " + expected);
        }
    }
}
