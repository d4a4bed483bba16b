package io.angler.mpc.circuit;

import java.util.Arrays;

/**
 * AES-128 encryption (FIPS-197) as a circuit. A byte is 8 wires, least significant bit first; a
 * block or key is 16 bytes in FIPS-197 order (state column by column). Only SubBytes costs AND
 * gates; ShiftRows is wiring, MixColumns and AddRoundKey are XORs.
 */
public final class Aes128 {
    private static final int AFFINE_CONSTANT = 0x63;
    private static final int[] RCON = {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1b, 0x36};

    private Aes128() {
    }

    /** Encrypts {@code block} under {@code key} (128 wires each); returns the 128 ciphertext wires. */
    public static int[] encrypt(CircuitBuilder b, int[] key, int[] block) {
        if (key.length != 128 || block.length != 128) {
            throw new IllegalArgumentException("aes-128: key and block must be 128 bits, got " + key.length + " and "
                    + block.length);
        }
        int[][][] roundKeys = expandKey(b, bytes(key));
        int[][] s = addRoundKey(b, bytes(block), roundKeys[0]);
        for (int round = 1; round <= 10; round++) {
            for (int i = 0; i < 16; i++) {
                s[i] = sbox(b, s[i]);
            }
            s = shiftRows(s);
            if (round < 10) {
                s = mixColumns(b, s);
            }
            s = addRoundKey(b, s, roundKeys[round]);
        }
        int[] out = new int[128];
        for (int i = 0; i < 16; i++) {
            System.arraycopy(s[i], 0, out, 8 * i, 8);
        }
        return out;
    }

    /**
     * The AES S-box on one byte: the inverse in GF(2^8) (computed in the tower field: 36 AND gates)
     * followed by the affine map. The basis changes into and out of the tower are merged with the
     * affine map's linear part, so each side is a single XOR layer.
     */
    public static int[] sbox(CircuitBuilder b, int[] x) {
        int[] t = TowerField.linear(b, x, TowerField::toTower, 8);
        int[] inv = TowerField.inv256(b, t);
        int[] y = TowerField.linear(b, inv, v -> affineLinear(TowerField.fromTower(v)), 8);
        for (int i = 0; i < 8; i++) {
            if (((AFFINE_CONSTANT >>> i) & 1) != 0) {
                y[i] = b.not(y[i]);
            }
        }
        return y;
    }

    /** The linear part of the S-box's affine map: bit i is b_i ^ b_{i+4} ^ b_{i+5} ^ b_{i+6} ^ b_{i+7}. */
    static int affineLinear(int v) {
        int r = 0;
        for (int i = 0; i < 8; i++) {
            int bit = 0;
            for (int k : new int[] {0, 4, 5, 6, 7}) {
                bit ^= (v >>> ((i + k) % 8)) & 1;
            }
            r |= bit << i;
        }
        return r;
    }

    private static int[][] bytes(int[] bits) {
        int[][] r = new int[bits.length / 8][];
        for (int i = 0; i < r.length; i++) {
            r[i] = Arrays.copyOfRange(bits, 8 * i, 8 * i + 8);
        }
        return r;
    }

    /** The 11 round keys, 16 bytes each, from the FIPS-197 key expansion. */
    private static int[][][] expandKey(CircuitBuilder b, int[][] key) {
        int[][][] w = new int[44][][];
        for (int i = 0; i < 4; i++) {
            w[i] = new int[][] {key[4 * i], key[4 * i + 1], key[4 * i + 2], key[4 * i + 3]};
        }
        for (int i = 4; i < 44; i++) {
            int[][] temp = w[i - 1];
            if (i % 4 == 0) {
                int[][] rotated = {temp[1], temp[2], temp[3], temp[0]};
                temp = new int[4][];
                for (int j = 0; j < 4; j++) {
                    temp[j] = sbox(b, rotated[j]);
                }
                temp[0] = b.xor(temp[0], b.constant(RCON[i / 4 - 1], 8));
            }
            w[i] = new int[4][];
            for (int j = 0; j < 4; j++) {
                w[i][j] = b.xor(w[i - 4][j], temp[j]);
            }
        }
        int[][][] roundKeys = new int[11][16][];
        for (int r = 0; r < 11; r++) {
            for (int j = 0; j < 16; j++) {
                roundKeys[r][j] = w[4 * r + j / 4][j % 4];
            }
        }
        return roundKeys;
    }

    private static int[][] addRoundKey(CircuitBuilder b, int[][] s, int[][] k) {
        int[][] r = new int[16][];
        for (int i = 0; i < 16; i++) {
            r[i] = b.xor(s[i], k[i]);
        }
        return r;
    }

    /** Byte {@code row + 4 col} moves to column {@code col - row}: pure wiring. */
    private static int[][] shiftRows(int[][] s) {
        int[][] r = new int[16][];
        for (int col = 0; col < 4; col++) {
            for (int row = 0; row < 4; row++) {
                r[row + 4 * col] = s[row + 4 * ((col + row) % 4)];
            }
        }
        return r;
    }

    /** Multiplication by x in the AES field: a shift and a conditional XOR of 0x1b. */
    private static int[] xtime(CircuitBuilder b, int[] a) {
        return new int[] {a[7], b.xor(a[0], a[7]), a[1], b.xor(a[2], a[7]), b.xor(a[3], a[7]), a[4], a[5], a[6]};
    }

    /** Each column (s0..s3) becomes s_i ^ t ^ xtime(s_i ^ s_{i+1}) with t the XOR of the column. */
    private static int[][] mixColumns(CircuitBuilder b, int[][] s) {
        int[][] r = new int[16][];
        for (int col = 0; col < 4; col++) {
            int[][] c = {s[4 * col], s[4 * col + 1], s[4 * col + 2], s[4 * col + 3]};
            int[] t = b.xor(b.xor(c[0], c[1]), b.xor(c[2], c[3]));
            for (int i = 0; i < 4; i++) {
                r[4 * col + i] = b.xor(b.xor(c[i], t), xtime(b, b.xor(c[i], c[(i + 1) % 4])));
            }
        }
        return r;
    }
}
