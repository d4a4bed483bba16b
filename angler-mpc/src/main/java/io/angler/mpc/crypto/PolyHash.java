package io.angler.mpc.crypto;

/**
 * Polynomial evaluation in GF(2^128) ({@link Gf128}'s representation) at a fixed point h: the fast
 * form of a random linear combination with coefficients h^n, h^(n-1), ..., h. Consistency checks
 * (KOS, and the WRK engine's) use it to compress n blocks into one; a nonzero combination of n
 * blocks vanishes for at most n of the 2^128 values of h.
 *
 * <p>Multiplication by the fixed h is a GF(2)-linear map, applied with 16 byte-indexed tables of
 * 256 entries (64 KiB, built in microseconds), so a block costs 16 table look-ups instead of a
 * carry-less multiplication, which Java cannot do natively. The look-ups are indexed by the data:
 * this is not constant time with respect to cache timing, acceptable for remote peers.
 *
 * <p>An instance is not thread-safe ({@link #evalBits} builds its tables on first use).
 */
public final class PolyHash {
    private final long hLo;
    private final long hHi;
    /** mulH[256*b + v] = (v * x^(8b)) * h, two longs per entry. */
    private final long[] mulH;
    /** The same for h^4. */
    private final long[] mulH4;
    private long[] mulH128;
    private long[] bitTables;
    private final boolean reflected;

    public PolyHash(long hLo, long hHi) {
        this(hLo, hHi, false);
    }

    private PolyHash(long hLo, long hHi, boolean reflected) {
        this.hLo = hLo;
        this.hHi = hHi;
        this.reflected = reflected;
        long[] m1 = table(hLo, hHi);
        long[] h4 = {hLo, hHi};
        for (int i = 0; i < 3; i++) {
            mulTable(m1, h4[0], h4[1], h4);
        }
        long[] m4 = table(h4[0], h4[1]);
        this.mulH = reflected ? reflect(m1) : m1;
        this.mulH4 = reflected ? reflect(m4) : m4;
    }

    /**
     * The same evaluation at h (given in {@link Gf128}'s representation) for blocks in AES-GCM's
     * bit order: each byte's bits reversed (GHASH's x^0 is the top bit of byte 0), the form
     * {@link Ghash} uses. Blocks in and results out are in that order; {@link #evalBits} is not
     * available.
     */
    public static PolyHash reflected(long hLo, long hHi) {
        return new PolyHash(hLo, hHi, true);
    }

    /** A block with the bits of each of its bytes reversed: between Gf128's and GCM's bit orders. */
    public static long reflect(long w) {
        return Long.reverse(Long.reverseBytes(w));
    }

    /** A table indexed by GCM-order bytes and giving GCM-order products. */
    private static long[] reflect(long[] t) {
        long[] r = new long[t.length];
        for (int b = 0; b < 16; b++) {
            for (int v = 0; v < 256; v++) {
                int from = 512 * b + 2 * (Integer.reverse(v) >>> 24);
                r[512 * b + 2 * v] = reflect(t[from]);
                r[512 * b + 2 * v + 1] = reflect(t[from + 1]);
            }
        }
        return r;
    }

    /** A point derived from a 16-byte seed (both parties of a check derive the same h). */
    public static PolyHash fromSeed(byte[] seed) {
        Prg prg = Prg.fromSeed(seed);
        long[] h = new long[2];
        prg.nextLongs(h, 0, 2);
        return new PolyHash(h[0], h[1]);
    }

    public long hLo() {
        return hLo;
    }

    public long hHi() {
        return hHi;
    }

    /** The table of multiplication by (lo, hi): entry (b, v) is v*x^(8b)*(lo, hi). */
    private static long[] table(long lo, long hi) {
        long[] t = new long[16 * 256 * 2];
        long bLo = lo;
        long bHi = hi;
        for (int b = 0; b < 16; b++) {
            int base = 512 * b;
            for (int bit = 0; bit < 8; bit++) {
                // entry for v = 1 << bit is x^(8b+bit) * h
                int v = 1 << bit;
                t[base + 2 * v] = bLo;
                t[base + 2 * v + 1] = bHi;
                long carry = bHi >> 63; // all ones if x^127 is set
                bHi = (bHi << 1) | (bLo >>> 63);
                bLo = (bLo << 1) ^ (carry & 0x87);
            }
            for (int v = 3; v < 256; v++) {
                int low = v & -v;
                if (low != v) {
                    t[base + 2 * v] = t[base + 2 * (v ^ low)] ^ t[base + 2 * low];
                    t[base + 2 * v + 1] = t[base + 2 * (v ^ low) + 1] ^ t[base + 2 * low + 1];
                }
            }
        }
        return t;
    }

    /** (lo, hi) times the element of {@code table}, into r[0], r[1]. */
    private static void mulTable(long[] table, long lo, long hi, long[] r) {
        long rLo = 0;
        long rHi = 0;
        for (int b = 0; b < 8; b++) {
            int i = 512 * b + 2 * (int) ((lo >>> (8 * b)) & 0xff);
            rLo ^= table[i];
            rHi ^= table[i + 1];
            int j = 512 * (b + 8) + 2 * (int) ((hi >>> (8 * b)) & 0xff);
            rLo ^= table[j];
            rHi ^= table[j + 1];
        }
        r[0] = rLo;
        r[1] = rHi;
    }

    /** out = (lo, hi) * h. */
    public void mulH(long lo, long hi, long[] out, int outOff) {
        long[] r = new long[2];
        mulTable(mulH, lo, hi, r);
        out[outOff] = r[0];
        out[outOff + 1] = r[1];
    }

    /**
     * {@code out = sum over k < n of v_k * h^(n-k)}, where v_k is the block at long offset
     * {@code off + 2k}. Four interleaved Horner chains in h^4 (so the table look-ups of one block
     * do not wait for the previous block's), joined at the end.
     */
    public void eval(long[] v, int off, int n, long[] out, int outOff) {
        long[] t = mulH4;
        // virtual zero blocks in front make n a multiple of 4 without changing the sum
        int z = (4 - (n & 3)) & 3;
        int groups = (n + z) >>> 2;
        long[] acc = new long[8];
        for (int g = 0; g < groups; g++) {
            for (int l = 0; l < 4; l++) {
                int k = 4 * g + l - z;
                long lo = acc[2 * l];
                long hi = acc[2 * l + 1];
                long rLo = 0;
                long rHi = 0;
                for (int b = 0; b < 8; b++) {
                    int i = 512 * b + 2 * (int) ((lo >>> (8 * b)) & 0xff);
                    int j = 4096 + 512 * b + 2 * (int) ((hi >>> (8 * b)) & 0xff);
                    rLo ^= t[i] ^ t[j];
                    rHi ^= t[i + 1] ^ t[j + 1];
                }
                if (k >= 0) {
                    rLo ^= v[off + 2 * k];
                    rHi ^= v[off + 2 * k + 1];
                }
                acc[2 * l] = rLo;
                acc[2 * l + 1] = rHi;
            }
        }
        // sum of acc_l * h^(4-l), by Horner in h
        long[] r = new long[2];
        long aLo = 0;
        long aHi = 0;
        for (int l = 0; l < 4; l++) {
            mulTable(mulH, aLo ^ acc[2 * l], aHi ^ acc[2 * l + 1], r);
            aLo = r[0];
            aHi = r[1];
        }
        out[outOff] = aLo;
        out[outOff + 1] = aHi;
    }

    /**
     * The evaluation of the concatenation of {@code na} blocks of {@code a} and {@code nb} blocks
     * of {@code b} (both from offset 0): eval(a) * h^nb xor eval(b).
     */
    public void eval(long[] a, int na, long[] b, int nb, long[] out, int outOff) {
        long[] ea = new long[2];
        eval(a, 0, na, ea, 0);
        long[] r = {ea[0], ea[1]};
        for (int i = 0; i < nb; i++) {
            mulTable(mulH, r[0], r[1], r);
        }
        long[] eb = new long[2];
        eval(b, 0, nb, eb, 0);
        out[outOff] = r[0] ^ eb[0];
        out[outOff + 1] = r[1] ^ eb[1];
    }

    /**
     * {@code out = sum over k < n of b_k * h^(n-k)} for the packed bits b (bit k is bit k%64 of
     * {@code bits[k/64]}): the same combination as {@link #eval} applied to the blocks b_k * 1,
     * at a cost of 16 look-ups per 128 bits.
     *
     * @param n a multiple of 128
     */
    public void evalBits(long[] bits, int n, long[] out, int outOff) {
        if (reflected) {
            throw new IllegalStateException("evalBits works in Gf128's bit order only");
        }
        if ((n & 127) != 0) {
            throw new IllegalArgumentException("evalBits needs a multiple of 128 bits, got " + n);
        }
        prepareBitTables();
        long[] r = new long[2];
        long aLo = 0;
        long aHi = 0;
        for (int j = 0; j < n / 128; j++) {
            // chunk value: sum over r < 128 of b_(128j+r) h^(128-r)
            long lo = bits[2 * j];
            long hi = bits[2 * j + 1];
            long cLo = 0;
            long cHi = 0;
            for (int b = 0; b < 8; b++) {
                int i = 512 * b + 2 * (int) ((lo >>> (8 * b)) & 0xff);
                int k = 4096 + 512 * b + 2 * (int) ((hi >>> (8 * b)) & 0xff);
                cLo ^= bitTables[i] ^ bitTables[k];
                cHi ^= bitTables[i + 1] ^ bitTables[k + 1];
            }
            // Horner over chunks with h^128
            mulTable(mulH128, aLo, aHi, r);
            aLo = r[0] ^ cLo;
            aHi = r[1] ^ cHi;
        }
        out[outOff] = aLo;
        out[outOff + 1] = aHi;
    }

    private void prepareBitTables() {
        if (bitTables != null) {
            return;
        }
        // powers h^1 .. h^128
        long[] pow = new long[2 * 129];
        pow[2] = hLo;
        pow[3] = hHi;
        long[] r = new long[2];
        for (int e = 2; e <= 128; e++) {
            mulTable(mulH, pow[2 * (e - 1)], pow[2 * (e - 1) + 1], r);
            pow[2 * e] = r[0];
            pow[2 * e + 1] = r[1];
        }
        long[] t = new long[16 * 256 * 2];
        for (int b = 0; b < 16; b++) {
            int base = 512 * b;
            for (int bit = 0; bit < 8; bit++) {
                int e = 128 - (8 * b + bit);
                t[base + 2 * (1 << bit)] = pow[2 * e];
                t[base + 2 * (1 << bit) + 1] = pow[2 * e + 1];
            }
            for (int v = 3; v < 256; v++) {
                int low = v & -v;
                if (low != v) {
                    t[base + 2 * v] = t[base + 2 * (v ^ low)] ^ t[base + 2 * low];
                    t[base + 2 * v + 1] = t[base + 2 * (v ^ low) + 1] ^ t[base + 2 * low + 1];
                }
            }
        }
        mulH128 = table(pow[256], pow[257]);
        bitTables = t;
    }
}
