package io.angler.node.mpc;

import io.angler.mpc.net.Channel;
import io.angler.mpc.net.ForwardingChannel;
import io.angler.mpc.net.ForwardingNetwork;
import io.angler.mpc.net.Network;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * TEST DOUBLE. One party's view of a real session network with its outgoing traffic tampered
 * with, so that the party deviates while otherwise following the protocol. {@code onFlush} is told
 * every flush (the party's rounds). Ways to deviate:
 * <ul>
 *   <li>from flush number {@code corruptFrom} on, the first long of every {@code writeLongs} has its
 *       lowest bit flipped (towards every peer, or only towards the node {@link #towards} names);</li>
 *   <li>{@link #garbledTables}: in a {@code writeLongs} of exactly that many longs to the evaluator
 *       (its garbled tables), the evaluator's MAC block of every row of the first AND gate is
 *       corrupted;</li>
 *   <li>{@link #rowsFor}: in the same message, the MAC block meant for another garbler (the victim) in
 *       every row of the given AND gates, once (the first session with the victim in it): the
 *       evaluator cannot check those blocks, so only the victim's output labels come out wrong;</li>
 *   <li>{@link #lying}: at its first flush the party sends every peer an abort notice falsely
 *       blaming another provider (one it has not blamed before), and stops.</li>
 * </ul>
 */
final class TappedNetwork extends ForwardingNetwork {
    private final int corruptFrom;
    private final Runnable onFlush;
    private final AtomicInteger flushes = new AtomicInteger();
    private String towards;
    private int tableLongs;
    private java.util.Set<String> blamed;
    private String victim;
    private int[] victimGates;
    private AtomicBoolean once;

    TappedNetwork(Network net, int corruptFrom, Runnable onFlush) {
        super(net);
        this.corruptFrom = corruptFrom;
        this.onFlush = onFlush;
    }

    /** Corrupts (from {@code corruptFrom} on) only what goes to the node with this certificate fingerprint. */
    TappedNetwork towards(String fingerprint) {
        this.towards = fingerprint;
        return this;
    }

    /** Corrupts the garbled tables (a writeLongs of {@code longs} longs to party 0). */
    TappedNetwork garbledTables(int longs) {
        this.tableLongs = longs;
        return this;
    }

    /**
     * Corrupts, in the garbled tables (a writeLongs of {@code longs} longs to party 0), the MAC block
     * for the garbler with this fingerprint in every row of the AND gates {@code andGates} (numbered
     * among the AND gates), in one session only: the first that sets {@code once}.
     */
    TappedNetwork rowsFor(String victimFingerprint, int[] andGates, int longs, AtomicBoolean once) {
        this.victim = victimFingerprint;
        this.victimGates = andGates;
        this.tableLongs = longs;
        this.once = once;
        return this;
    }

    /** Lies at the first flush, blaming a provider not in {@code alreadyBlamed} (which it then joins). */
    TappedNetwork lying(java.util.Set<String> alreadyBlamed) {
        this.blamed = alreadyBlamed;
        return this;
    }

    private boolean corrupts(int peer) {
        return corruptFrom >= 0 && flushes.get() >= corruptFrom
                && (towards == null || towards.equals(identity(peer)));
    }

    private void lie() {
        int victim = -1;
        for (int p = 1; p < parties() && victim < 0; p++) {
            if (p != self() && !blamed.contains(identity(p))) {
                victim = p;
            }
        }
        blamed.add(identity(victim));
        for (int p = 0; p < parties(); p++) {
            if (p != self()) {
                delegate.channel(p).sendNotice(io.angler.mpc.MpcAbortException.Evidence.CHECK, "cot-consistency", victim);
            }
        }
        throw new io.angler.mpc.MpcAbortException("channel", -1, "this test party lied and left");
    }

    int flushes() {
        return flushes.get();
    }

    @Override
    public Channel channel(int peer) {
        Channel ch = delegate.channel(peer);
        return new ForwardingChannel(ch) {
            @Override
            public void writeLongs(long[] src, int off, int len) {
                if (corrupts(peer) && len > 0) {
                    long[] copy = java.util.Arrays.copyOfRange(src, off, off + len);
                    copy[0] ^= 1;
                    ch.writeLongs(copy, 0, len);
                } else if (victim != null && peer == 0 && len == tableLongs) {
                    int j = -1;
                    for (int p = 1; p < parties(); p++) {
                        if (victim.equals(identity(p))) {
                            j = p;
                        }
                    }
                    if (j < 0 || !once.compareAndSet(false, true)) {
                        ch.writeLongs(src, off, len);
                        return;
                    }
                    long[] copy = java.util.Arrays.copyOfRange(src, off, off + len);
                    int n = parties();
                    int block = j < self() ? j : j - 1; // a garbler's row: MACs for the others in order, then its label
                    for (int g : victimGates) {
                        for (int row = 0; row < 4; row++) {
                            copy[(g * 4 + row) * n * 2 + 2 * block] ^= 1L << 9;
                        }
                    }
                    ch.writeLongs(copy, 0, len);
                } else if (tableLongs > 0 && peer == 0 && len == tableLongs) {
                    long[] copy = java.util.Arrays.copyOfRange(src, off, off + len);
                    for (int row = 0; row < 4; row++) {
                        copy[row * parties() * 2] ^= 1L << 9; // the evaluator's MAC block of gate 0
                    }
                    ch.writeLongs(copy, 0, len);
                } else {
                    ch.writeLongs(src, off, len);
                }
            }

            @Override
            public void flush() {
                if (blamed != null && flushes.get() == 0) {
                    lie();
                }
                ch.flush();
                flushes.incrementAndGet();
                onFlush.run();
            }
        };
    }
}
