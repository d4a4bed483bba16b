package io.angler.mpc.circuit;

/**
 * Standard test and benchmark circuits, built with {@link CircuitBuilder}. Two parties each give one
 * n-bit integer (least significant bit first); the Bristol Fashion files under the test resources
 * are these circuits exported by {@link BristolWriter}.
 */
public final class StandardCircuits {
    private StandardCircuits() {
    }

    /** {@code a + b mod 2^n}: n - 1 AND gates. */
    public static Circuit adder(int n) {
        CircuitBuilder b = new CircuitBuilder(2);
        int[][] xy = inputs(b, n);
        b.output(b.add(xy[0], xy[1]));
        return b.build();
    }

    /** {@code a < b} unsigned, one output bit: n AND gates. */
    public static Circuit lessThan(int n) {
        CircuitBuilder b = new CircuitBuilder(2);
        int[][] xy = inputs(b, n);
        b.output(b.lessThan(xy[0], xy[1]));
        return b.build();
    }

    /** {@code a * b mod 2^n}, schoolbook. */
    public static Circuit multiplier(int n) {
        CircuitBuilder b = new CircuitBuilder(2);
        int[][] xy = inputs(b, n);
        b.output(b.multiply(xy[0], xy[1]));
        return b.build();
    }

    /**
     * AES-128 encryption of one block (FIPS-197), key schedule included. Party slot 0 gives the
     * 128-bit key, slot 1 the 128-bit plaintext block; the one output value is the ciphertext.
     * Blocks and keys are bytes in FIPS-197 order and wire {@code 8i + j} is bit j (least
     * significant first) of byte i. The S-box is a Boolean circuit over the tower field (36 AND
     * gates each, 200 S-boxes: 7200 AND gates).
     */
    public static Circuit aes128() {
        CircuitBuilder b = new CircuitBuilder(2);
        int[] key = b.input(0, 128);
        int[] block = b.input(1, 128);
        b.output(Aes128.encrypt(b, key, block));
        return b.build();
    }

    private static int[][] inputs(CircuitBuilder b, int n) {
        if (n < 1 || n > 1024) {
            throw new IllegalArgumentException("standard circuit: width " + n + " is outside 1..1024");
        }
        return new int[][] {b.input(0, n), b.input(1, n)};
    }
}
