package io.angler.mpc.wrk;

import io.angler.mpc.MpcAbortException;
import io.angler.mpc.crypto.FixedKeyAes;
import io.angler.mpc.crypto.Prg;
import io.angler.mpc.net.Channel;
import io.angler.mpc.net.Network;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * One party's state for one WRK session: who it is, its global key Δ, its randomness, and the
 * machinery every phase shares.
 *
 * <p><b>Rounds.</b> Every round is all-to-all: each party writes one message to every peer (maybe
 * empty: a tag byte), flushes them all, then reads one message from every peer. A party that
 * aborts sends every peer an abort notice instead ({@link Channel#sendNotice}, a frame of its own,
 * in any phase): so an honest party never waits for a timeout when another party aborted, and it
 * aborts naming the same check.
 *
 * <p><b>Broadcast.</b> WRK assumes a broadcast channel for opened values. Here a "broadcast" is the
 * same bytes sent to every peer, and every party hashes everything it sent and received as
 * broadcast into a transcript; the transcripts are exchanged and compared before anything that
 * depends on the inputs is sent (echo broadcast with abort). A party that sends different values
 * to different peers is caught there.
 */
final class Session {
    private static final byte TAG_OK = 0;

    final Network net;
    final int self;
    final int parties;
    final long deltaLo;
    final long deltaHi;
    /**
     * This party's session nonce, part of the tweak of every hash it computes under its Δ (half-AND,
     * garbled rows): Δ may outlive the session (see CotCache), and tweaks must never repeat under one
     * Δ. Random, and sent to whoever needs it with the message that uses it.
     */
    final long nonceLo;
    final long nonceHi;
    /** Sees the tweaks of the hashes under Δ (tests only; null otherwise). */
    final TweakObserver tweaks;
    final Prg prg;
    final FixedKeyAes aes = new FixedKeyAes();
    final Deviation deviation;

    private final MessageDigest transcript = sha256();
    private final MessageDigest scratchDigest = sha256();
    private byte[] scratch = new byte[1 << 12];
    private boolean announced;
    /** Set for the last round: a peer that passed it may close its connections without a notice. */
    boolean finalRound;


    private final PhaseMeter meter;

    /**
     * @param deltaLo this party's global key Δ (low half); its lowest bit must be set, since the
     *     evaluator reads a share bit r out of a MAC M = K ⊕ r·Δ0 as lsb(M ⊕ K), and a node's Δ may
     *     be long-lived and serve as the evaluator's in a later session
     * @param tweaks sees the tweaks of the hashes under Δ (a test seam), or null
     */
    Session(Network net, Prg prg, Deviation deviation, long deltaLo, long deltaHi, TweakObserver tweaks) {
        if ((deltaLo & 1) == 0) {
            throw new IllegalArgumentException("wrk: the lowest bit of Δ must be set");
        }
        this.meter = new PhaseMeter(net.parties());
        this.net = new MeteredNetwork(net, meter);
        this.self = net.self();
        this.parties = net.parties();
        this.prg = prg;
        this.deviation = deviation;
        this.deltaLo = deltaLo;
        this.deltaHi = deltaHi;
        this.nonceLo = prg.nextLong();
        this.nonceHi = prg.nextLong();
        this.tweaks = tweaks;
    }

    /** A fresh global key for one session (lowest bit set). */
    static long[] freshDelta(Prg prg) {
        long[] d = new long[2];
        prg.nextLongs(d, 0, 2);
        d[0] |= 1;
        return d;
    }

    boolean isPeer(int p) {
        return p != self;
    }

    // ---- rounds ----

    /** Starts a round: every peer's message begins with the protocol tag. */
    void beginRound() {
        for (int p = 0; p < parties; p++) {
            if (p != self) {
                net.channel(p).write(new byte[] {TAG_OK});
            }
        }
    }

    /** Sends this round's messages to every peer at once. */
    void send() {
        net.flushAll();
    }

    /** The channel to read {@code peer}'s message of this round from, once its tag is checked. */
    Channel receive(int peer) {
        Channel ch = net.channel(peer);
        byte[] tag = ch.readBytes(1);
        if (tag[0] != TAG_OK) {
            throw new MpcAbortException("protocol", peer, "message starts with an unknown tag");
        }
        return ch;
    }

    /**
     * Tells every peer, best effort, that this party aborts and why (an abort notice in place of its
     * next message, in any phase), then collects for a short while the notices of the others into
     * {@code e}'s {@link MpcAbortException#reports()}. Never throws.
     */
    void announceAbort(MpcAbortException e, long graceNanos) {
        if (announced) {
            return;
        }
        announced = true;
        int blamed = switch (e.evidence()) {
            case CHECK, DEPARTURE -> e.peer();
            case REPORT -> e.report().reporter();
            case NONE -> -1;
        };
        for (int p = 0; p < parties; p++) {
            if (p != self) {
                net.channel(p).sendNotice(e.evidence(), e.check(), blamed);
            }
        }
        long deadline = System.nanoTime() + graceNanos;
        List<MpcAbortException.Report> reports = new ArrayList<>();
        List<Integer> departed = new ArrayList<>();
        for (int p = 0; p < parties; p++) {
            if (p != self) {
                Channel ch = net.channel(p);
                MpcAbortException.Report r = ch.awaitNotice(deadline);
                if (r != null) {
                    reports.add(r);
                } else if (ch.peerClosed() && !finalRound) {
                    departed.add(p);
                }
            }
        }
        e.withReports(reports, departed);
    }

    // ---- broadcast transcript ----

    /** Adds one broadcast round to the transcript: each party's payload, in party order. */
    void recordBroadcast(String label, long[][] perParty) {
        transcript.update(label.getBytes(StandardCharsets.US_ASCII));
        for (int p = 0; p < parties; p++) {
            long[] v = perParty[p];
            transcript.update(intBytes(v.length));
            ensureScratch(8 * v.length);
            ByteBuffer.wrap(scratch, 0, 8 * v.length).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().put(v);
            transcript.update(scratch, 0, 8 * v.length);
        }
    }

    void recordBroadcast(String label, byte[][] perParty) {
        transcript.update(label.getBytes(StandardCharsets.US_ASCII));
        for (int p = 0; p < parties; p++) {
            transcript.update(intBytes(perParty[p].length));
            transcript.update(perParty[p]);
        }
    }

    /** The digest of everything broadcast so far (the transcript keeps growing). */
    byte[] transcriptDigest() {
        try {
            return ((MessageDigest) transcript.clone()).digest();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 digests are cloneable in every Java runtime", e);
        }
    }

    /**
     * Checks that every peer's transcript digest (exchanged by the caller in one of its rounds)
     * equals this party's.
     */
    void checkTranscript(byte[] mine, byte[][] received) {
        for (int p = 0; p < parties; p++) {
            if (p != self && !MessageDigest.isEqual(mine, received[p])) {
                // Unattributable: whoever sent two parties different values, or p lying about its digest.
                throw new MpcAbortException("broadcast", -1,
                        "what this party and party " + p + " received as broadcast differs");
            }
        }
    }

    private static byte[] intBytes(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    // ---- digests of MAC lists ----

    /** SHA-256 of {@code len} longs of {@code a} from {@code off}: how a batch of MACs is sent and checked. */
    byte[] digest(long[] a, int off, int len) {
        scratchDigest.reset();
        int chunk = 1 << 12;
        for (int done = 0; done < len; done += chunk) {
            int m = Math.min(chunk, len - done);
            ensureScratch(8 * m);
            ByteBuffer.wrap(scratch, 0, 8 * m).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().put(a, off + done, m);
            scratchDigest.update(scratch, 0, 8 * m);
        }
        return scratchDigest.digest();
    }

    private void ensureScratch(int bytes) {
        if (scratch.length < bytes) {
            scratch = new byte[Math.max(bytes, 2 * scratch.length)];
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }

    // ---- phases ----

    /** Makes {@code name} the current phase: time, CPU, bytes and messages from now on count for it. */
    void phase(String name) {
        meter.switchTo(name);
    }

    List<PhaseStats> phaseStats() {
        return meter.stats();
    }

    // ---- rounds carrying several parts ----

    /** What one part of a round writes to, and reads from, each peer. */
    interface PeerIo {
        void apply(int peer, Channel ch);
    }

    /**
     * One phase's messages in a round: the bytes count for {@code phase}.
     *
     * @param writer writes this part's message to a peer
     * @param reader reads the same part of that peer's message (in the order the parts were written)
     */
    record Part(String phase, PeerIo writer, PeerIo reader) {
    }

    /**
     * Runs one round made of {@code parts}: the first part's phase is the round's (its flushes and
     * the waiting count there), each part's messages count for their own phase.
     */
    void round(Part... parts) {
        String main = parts[0].phase();
        phase(main);
        beginRound();
        for (int p = 0; p < parties; p++) {
            if (p != self) {
                Channel ch = net.channel(p);
                for (Part part : parts) {
                    phase(part.phase());
                    part.writer().apply(p, ch);
                }
            }
        }
        phase(main);
        send();
        for (int p = 0; p < parties; p++) {
            if (p != self) {
                phase(main);
                Channel ch = receive(p);
                for (Part part : parts) {
                    phase(part.phase());
                    part.reader().apply(p, ch);
                }
            }
        }
        phase(main);
    }
}
