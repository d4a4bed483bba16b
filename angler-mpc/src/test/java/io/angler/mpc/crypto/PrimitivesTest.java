package io.angler.mpc.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.angler.mpc.MpcAbortException;
import io.angler.mpc.net.Channel;
import io.angler.mpc.net.InMemoryNetwork;
import io.angler.mpc.net.Network;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class PrimitivesTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void aesMatchesTheFips197Vector() {
        FixedKeyAes aes = new FixedKeyAes(HEX.parseHex("000102030405060708090a0b0c0d0e0f"));
        long[] block = new long[2];
        Blocks.fromBytes(HEX.parseHex("00112233445566778899aabbccddeeff"), 0, block, 0, 2);
        aes.permute(block, 0, block, 0, 1);
        assertThat(HEX.formatHex(Blocks.toBytes(block))).isEqualTo("69c4e0d86a7b0430d8cdb78070b4c55a");
    }

    @Test
    void hashesFollowTheirDefinitions() {
        FixedKeyAes aes = new FixedKeyAes();
        Prg prg = Prg.fromSeed(1, 2);
        int n = 5000; // more than one internal chunk
        long[] x = new long[2 * n];
        prg.nextBlocks(x, 0, n);
        long[] ccr = new long[2 * n];
        aes.ccrHash(x, 0, ccr, 0, n);
        long[] tccr = new long[2 * n];
        aes.tccrHash(x, 0, 100, 7, tccr, 0, n);
        for (int k = 0; k < n; k += 997) {
            long[] sigma = {x[2 * k] ^ x[2 * k + 1], x[2 * k]};
            long[] p = new long[2];
            aes.permute(sigma, 0, p, 0, 1);
            assertThat(new long[] {ccr[2 * k], ccr[2 * k + 1]}).containsExactly(p[0] ^ sigma[0], p[1] ^ sigma[1]);
            long[] px = new long[2];
            aes.permute(x, 2 * k, px, 0, 1);
            long[] inner = {px[0] ^ (100 + k), px[1] ^ 7};
            long[] outer = new long[2];
            aes.permute(inner, 0, outer, 0, 1);
            assertThat(new long[] {tccr[2 * k], tccr[2 * k + 1]}).containsExactly(outer[0] ^ px[0], outer[1] ^ px[1]);
        }
    }

    @Test
    void prgIsDeterministicPerSeedAndUniformEnough() {
        Prg a = Prg.fromSeed(5, 6);
        Prg b = Prg.fromSeed(5, 6);
        long[] x = new long[3000];
        long[] y = new long[3000];
        a.nextLongs(x, 0, x.length);
        b.nextLongs(y, 0, 1);
        b.nextLongs(y, 1, y.length - 1);
        assertThat(x).isEqualTo(y);
        assertThat(Prg.fromSeed(5, 7).nextLong()).isNotEqualTo(Prg.fromSeed(5, 6).nextLong());
        long ones = 0;
        for (long v : x) {
            ones += Long.bitCount(v);
        }
        assertThat(ones).isBetween(3000 * 32L - 2000, 3000 * 32L + 2000);
        Prg s = Prg.secure();
        int[] counts = new int[3];
        for (int i = 0; i < 3000; i++) {
            counts[s.nextInt(3)]++;
        }
        for (int c : counts) {
            assertThat(c).isBetween(850, 1150);
        }
        long[] bits = s.nextBits(70);
        assertThat(bits[1] >>> 6).isZero();
        assertThat(Prg.secure().nextLong()).isNotEqualTo(Prg.secure().nextLong());
    }

    @Test
    void gf128AgreesWithPolynomialArithmetic() {
        SplittableRandom rnd = new SplittableRandom(3);
        BigInteger modulus = BigInteger.ONE.shiftLeft(128).or(BigInteger.valueOf(0x87));
        for (int i = 0; i < 500; i++) {
            long aLo = rnd.nextLong();
            long aHi = i % 50 == 0 ? -1L : rnd.nextLong();
            long bLo = rnd.nextLong();
            long bHi = i % 50 == 0 ? -1L : rnd.nextLong();
            long[] r = new long[2];
            Gf128.mul(aLo, aHi, bLo, bHi, r, 0);
            BigInteger expected = polyMod(polyMul(big(aLo, aHi), big(bLo, bHi)), modulus);
            assertThat(big(r[0], r[1])).isEqualTo(expected);
        }
    }

    private static BigInteger big(long lo, long hi) {
        return new BigInteger(1, HEX.parseHex(String.format("%016x%016x", hi, lo)));
    }

    private static BigInteger polyMul(BigInteger a, BigInteger b) {
        BigInteger r = BigInteger.ZERO;
        for (int i = 0; i < b.bitLength(); i++) {
            if (b.testBit(i)) {
                r = r.xor(a.shiftLeft(i));
            }
        }
        return r;
    }

    private static BigInteger polyMod(BigInteger a, BigInteger m) {
        while (a.bitLength() >= m.bitLength()) {
            a = a.xor(m.shiftLeft(a.bitLength() - m.bitLength()));
        }
        return a;
    }

    @Test
    void commitmentsBindDataRandomnessAndParty() {
        byte[] r = Prg.secure().nextBytes(16);
        byte[] c = Commitment.commit(2, r, new byte[] {1, 2, 3});
        assertThat(Commitment.verify(c, 2, r, new byte[] {1, 2, 3})).isTrue();
        assertThat(Commitment.verify(c, 2, r, new byte[] {1, 2, 4})).isFalse();
        assertThat(Commitment.verify(c, 3, r, new byte[] {1, 2, 3})).isFalse();
        r[0] ^= 1;
        assertThat(Commitment.verify(c, 2, r, new byte[] {1, 2, 3})).isFalse();
    }

    @Test
    void coinTossAgreesAcrossParties() throws Exception {
        List<Network> nets = InMemoryNetwork.create(4, Duration.ofSeconds(10));
        List<CompletableFuture<byte[]>> results = new ArrayList<>();
        for (Network net : nets) {
            results.add(CompletableFuture.supplyAsync(() -> CoinToss.toss(net, 32, Prg.secure())));
        }
        byte[] first = results.get(0).get();
        for (CompletableFuture<byte[]> f : results) {
            assertThat(f.get()).isEqualTo(first);
        }
        assertThat(first).isNotEqualTo(new byte[32]);
    }

    @Test
    void coinTossCatchesAPartyThatChangesItsShare() throws Exception {
        List<Network> nets = InMemoryNetwork.create(3, Duration.ofSeconds(10));
        List<CompletableFuture<byte[]>> honest = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            Network net = nets.get(p);
            honest.add(CompletableFuture.supplyAsync(() -> CoinToss.toss(net, 16, Prg.secure())));
        }
        // Party 2 commits to one share and opens another.
        Network cheat = nets.get(2);
        byte[] r = new byte[16];
        for (int p = 0; p < 2; p++) {
            cheat.channel(p).write(Commitment.commit(2, r, new byte[16]));
        }
        cheat.flushAll();
        for (int p = 0; p < 2; p++) {
            Channel ch = cheat.channel(p);
            ch.readBytes(32);
            ch.write(r);
            byte[] other = new byte[16];
            other[0] = 1;
            ch.write(other);
        }
        cheat.flushAll();
        for (CompletableFuture<byte[]> f : honest) {
            assertThatThrownBy(f::get).hasCauseInstanceOf(MpcAbortException.class)
                    .hasMessageContaining("coin-toss-opening").hasMessageContaining("party 2");
        }
    }
}
