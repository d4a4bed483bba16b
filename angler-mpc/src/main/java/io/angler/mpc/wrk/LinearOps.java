package io.angler.mpc.wrk;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A list of local linear operations on authenticated shares (copy an item, XOR an item in, add the
 * constant 1), recorded first and then applied peer by peer. Applying them item by item would touch,
 * for every item, the MAC and key arrays of every peer: with 16 peers that is 64 scattered arrays
 * and the caches thrash. Peer by peer, each pass touches one peer's arrays only.
 */
final class LinearOps {
    private static final int COPY = 0;
    private static final int XOR = 1;
    private static final int ONE = 2;

    private final List<Shares> sources = new ArrayList<>();
    private int[] kind = new int[1024];
    private int[] dst = new int[1024];
    private int[] src = new int[1024];
    private int[] srcIndex = new int[1024];
    private int size;

    private int sourceId(Shares s) {
        for (int i = 0; i < sources.size(); i++) {
            if (sources.get(i) == s) {
                return i;
            }
        }
        sources.add(s);
        return sources.size() - 1;
    }

    private void add(int k, int d, Shares s, int si) {
        if (size == kind.length) {
            int cap = 2 * size;
            kind = Arrays.copyOf(kind, cap);
            dst = Arrays.copyOf(dst, cap);
            src = Arrays.copyOf(src, cap);
            srcIndex = Arrays.copyOf(srcIndex, cap);
        }
        kind[size] = k;
        dst[size] = d;
        src[size] = s == null ? -1 : sourceId(s);
        srcIndex[size] = si;
        size++;
    }

    /** Item {@code d} := item {@code si} of {@code s}. */
    LinearOps copy(int d, Shares s, int si) {
        add(COPY, d, s, si);
        return this;
    }

    /** Item {@code d} ⊕= item {@code si} of {@code s}. */
    LinearOps xor(int d, Shares s, int si) {
        add(XOR, d, s, si);
        return this;
    }

    /** Item {@code d} ⊕= the public constant 1. */
    LinearOps addOne(int d) {
        add(ONE, d, null, 0);
        return this;
    }

    /** Applies the operations, in order, to {@code target} (which may also be a source). */
    void applyTo(Shares target, long deltaLo, long deltaHi) {
        int self = target.self;
        long[] tb = target.bits;
        for (int i = 0; i < size; i++) {
            int d = dst[i];
            switch (kind[i]) {
                case COPY -> {
                    long v = sources.get(src[i]).bitAsLong(srcIndex[i]);
                    tb[d >>> 6] = (tb[d >>> 6] & ~(1L << (d & 63))) | (v << (d & 63));
                }
                case XOR -> tb[d >>> 6] ^= sources.get(src[i]).bitAsLong(srcIndex[i]) << (d & 63);
                default -> {
                    if (self == 0) {
                        tb[d >>> 6] ^= 1L << (d & 63);
                    }
                }
            }
        }
        int ns = sources.size();
        long[][] sm = new long[ns][];
        long[][] sk = new long[ns][];
        for (int p = 0; p < target.parties(); p++) {
            if (p == self) {
                continue;
            }
            for (int j = 0; j < ns; j++) {
                sm[j] = sources.get(j).macs[p];
                sk[j] = sources.get(j).keys[p];
            }
            long[] tm = target.macs[p];
            long[] tk = target.keys[p];
            boolean keyForZero = p == 0; // a constant moves our key for party 0's share
            for (int i = 0; i < size; i++) {
                int d = 2 * dst[i];
                int s = 2 * srcIndex[i];
                switch (kind[i]) {
                    case COPY -> {
                        long[] m = sm[src[i]];
                        long[] k = sk[src[i]];
                        tm[d] = m[s];
                        tm[d + 1] = m[s + 1];
                        tk[d] = k[s];
                        tk[d + 1] = k[s + 1];
                    }
                    case XOR -> {
                        long[] m = sm[src[i]];
                        long[] k = sk[src[i]];
                        tm[d] ^= m[s];
                        tm[d + 1] ^= m[s + 1];
                        tk[d] ^= k[s];
                        tk[d + 1] ^= k[s + 1];
                    }
                    default -> {
                        if (keyForZero) {
                            tk[d] ^= deltaLo;
                            tk[d + 1] ^= deltaHi;
                        }
                    }
                }
            }
        }
    }
}
