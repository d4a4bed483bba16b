package io.angler.mpc.circuit;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The AES-128 circuit against javax.crypto, and its S-box against the S-box's definition. */
class Aes128Test {
    static final String FIPS_KEY = "000102030405060708090a0b0c0d0e0f";
    static final String FIPS_PLAINTEXT = "00112233445566778899aabbccddeeff";
    static final String FIPS_CIPHERTEXT = "69c4e0d86a7b0430d8cdb78070b4c55a";

    private static Circuit aes;

    @BeforeAll
    static void build() {
        aes = StandardCircuits.aes128();
    }

    /** Bytes to wires: wire 8i + j is bit j of byte i. */
    static boolean[] bits(byte[] bytes) {
        boolean[] r = new boolean[bytes.length * 8];
        for (int i = 0; i < r.length; i++) {
            r[i] = ((bytes[i / 8] >>> (i % 8)) & 1) != 0;
        }
        return r;
    }

    static byte[] bytes(boolean[] bits) {
        byte[] r = new byte[bits.length / 8];
        for (int i = 0; i < bits.length; i++) {
            if (bits[i]) {
                r[i / 8] |= (byte) (1 << (i % 8));
            }
        }
        return r;
    }

    static byte[] javaxAes(byte[] key, byte[] block) throws Exception {
        Cipher c = Cipher.getInstance("AES/ECB/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
        return c.doFinal(block);
    }

    static String encryptWith(Circuit circuit, String keyHex, String blockHex) {
        HexFormat hex = HexFormat.of();
        boolean[] out = circuit.evaluate(new boolean[][] {bits(hex.parseHex(keyHex)), bits(hex.parseHex(blockHex))});
        return hex.formatHex(bytes(out));
    }

    @Test
    void fips197TestVector() {
        assertThat(encryptWith(aes, FIPS_KEY, FIPS_PLAINTEXT)).isEqualTo(FIPS_CIPHERTEXT);
    }

    @Test
    void agreesWithJavaxOnRandomKeysAndBlocks() throws Exception {
        SecureRandom rnd = new SecureRandom();
        // 64 instances at once through evaluate64.
        byte[][] keys = new byte[64][16];
        byte[][] blocks = new byte[64][16];
        long[][] lanes = {new long[128], new long[128]};
        for (int k = 0; k < 64; k++) {
            rnd.nextBytes(keys[k]);
            rnd.nextBytes(blocks[k]);
            boolean[] kb = bits(keys[k]);
            boolean[] bb = bits(blocks[k]);
            for (int i = 0; i < 128; i++) {
                lanes[0][i] |= (kb[i] ? 1L : 0L) << k;
                lanes[1][i] |= (bb[i] ? 1L : 0L) << k;
            }
        }
        long[] out = aes.evaluate64(lanes);
        for (int k = 0; k < 64; k++) {
            boolean[] ob = new boolean[128];
            for (int i = 0; i < 128; i++) {
                ob[i] = ((out[i] >>> k) & 1) != 0;
            }
            assertThat(bytes(ob)).isEqualTo(javaxAes(keys[k], blocks[k]));
        }
    }

    @Test
    void sboxMatchesItsDefinitionOnAllBytes() {
        CircuitBuilder b = new CircuitBuilder(1);
        int[] x = b.input(0, 8);
        b.output(Aes128.sbox(b, x));
        Circuit c = b.build();
        assertThat(c.andGates()).isEqualTo(36);
        assertThat(c.andDepth()).isEqualTo(4);
        for (int v = 0; v < 256; v++) {
            boolean[] in = new boolean[8];
            for (int i = 0; i < 8; i++) {
                in[i] = ((v >>> i) & 1) != 0;
            }
            boolean[] out = c.evaluate(new boolean[][] {in});
            int got = 0;
            for (int i = 0; i < 8; i++) {
                got |= (out[i] ? 1 : 0) << i;
            }
            assertThat(got).as("S(%02x)", v).isEqualTo(referenceSbox(v));
        }
    }

    @Test
    void sizeIs200SboxesOf36AndGates() {
        assertThat(aes.andGates()).isEqualTo(200 * 36);
        assertThat(aes.inputBits(0)).isEqualTo(128);
        assertThat(aes.inputBits(1)).isEqualTo(128);
        assertThat(aes.outputWidths()).containsExactly(128);
    }

    /** S(v) from the definition: inverse in GF(2)[x]/(x^8+x^4+x^3+x+1) by search, then the affine map. */
    static int referenceSbox(int v) {
        int inv = 0;
        for (int c = 1; c < 256 && v != 0; c++) {
            if (gmul(v, c) == 1) {
                inv = c;
            }
        }
        int r = 0;
        for (int i = 0; i < 8; i++) {
            int bit = ((inv >>> i) ^ (inv >>> ((i + 4) % 8)) ^ (inv >>> ((i + 5) % 8)) ^ (inv >>> ((i + 6) % 8))
                    ^ (inv >>> ((i + 7) % 8)) ^ (0x63 >>> i)) & 1;
            r |= bit << i;
        }
        return r;
    }

    private static int gmul(int a, int b) {
        int p = 0;
        for (int i = 0; i < 8; i++) {
            if (((b >>> i) & 1) != 0) {
                p ^= a << i;
            }
        }
        for (int i = 15; i >= 8; i--) {
            if (((p >>> i) & 1) != 0) {
                p ^= 0x11b << (i - 8);
            }
        }
        return p;
    }
}
