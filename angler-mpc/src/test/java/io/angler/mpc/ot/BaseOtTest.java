package io.angler.mpc.ot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.angler.mpc.MpcAbortException;
import io.angler.mpc.crypto.Blocks;
import io.angler.mpc.crypto.Prg;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class BaseOtTest {
    private static final int N = 40;

    @Test
    void theReceiverGetsExactlyTheKeyItChose() {
        Edwards25519 curve = new Edwards25519();
        Prg prg = Prg.secure();
        long[] choices = prg.nextBits(N);
        BaseOt.Sender s = new BaseOt.Sender(0, 1, N, prg, curve);
        BaseOt.Receiver r = new BaseOt.Receiver(1, 0, choices, N, prg, curve);
        byte[] reply = r.reply(s.firstMessage());
        BaseOt.Keys keys = s.finish(reply);
        long[] got = r.keys();
        for (int i = 0; i < N; i++) {
            long[] chosen = Blocks.bit(choices, i) ? keys.k1() : keys.k0();
            long[] other = Blocks.bit(choices, i) ? keys.k0() : keys.k1();
            assertThat(new long[] {got[2 * i], got[2 * i + 1]}).containsExactly(chosen[2 * i], chosen[2 * i + 1]);
            assertThat(got[2 * i] == other[2 * i] && got[2 * i + 1] == other[2 * i + 1]).isFalse();
        }
        // a repeated B gets unrelated keys (the OT index is hashed in)
        byte[] repeated = reply.clone();
        System.arraycopy(reply, 0, repeated, Edwards25519.POINT_BYTES, Edwards25519.POINT_BYTES);
        BaseOt.Sender s2 = new BaseOt.Sender(0, 1, N, prg, curve);
        BaseOt.Keys k2 = s2.finish(repeated);
        assertThat(k2.k0()[0]).isNotEqualTo(k2.k0()[2]);
    }

    @Test
    void malformedOrSmallOrderPointsAreRefused() {
        Edwards25519 curve = new Edwards25519();
        Prg prg = Prg.secure();
        long[] choices = prg.nextBits(N);
        byte[] a = new BaseOt.Sender(0, 1, N, prg, curve).firstMessage();

        byte[] offCurve = a.clone();
        offCurve[33] ^= 4;
        assertThatThrownBy(() -> new BaseOt.Receiver(1, 0, choices, N, prg, curve).reply(offCurve))
                .isInstanceOf(MpcAbortException.class).hasMessageContaining("base-ot-point").hasMessageContaining("party 0");

        byte[] identity = new byte[64];
        identity[32] = 1; // (0, 1)
        assertThatThrownBy(() -> new BaseOt.Receiver(1, 0, choices, N, prg, curve).reply(identity))
                .isInstanceOf(MpcAbortException.class).hasMessageContaining("prime order");

        // A plus the order-2 point (0, -1): on the curve, but with torsion
        Edwards25519.Point pa = curve.decode(a, 0);
        byte[] t2 = new byte[64];
        byte[] minusOne = Edwards25519.P.subtract(BigInteger.ONE).toByteArray();
        for (int i = 0; i < 32; i++) {
            t2[32 + i] = minusOne[minusOne.length - 1 - i];
        }
        Edwards25519.Cached tc = new Edwards25519.Cached();
        curve.toCached(curve.decode(t2, 0), tc);
        Edwards25519.Point mixed = new Edwards25519.Point();
        curve.addCached(pa, tc, mixed, true);
        byte[] torsion = curve.encode(mixed);
        assertThatThrownBy(() -> new BaseOt.Receiver(1, 0, choices, N, prg, curve).reply(torsion))
                .isInstanceOf(MpcAbortException.class).hasMessageContaining("prime order");

        BaseOt.Sender s = new BaseOt.Sender(0, 1, N, prg, curve);
        byte[] reply = new BaseOt.Receiver(1, 0, choices, N, prg, curve).reply(s.firstMessage());
        byte[] badB = reply.clone();
        badB[64 * 3 + 5] ^= 1;
        assertThatThrownBy(() -> s.finish(badB)).isInstanceOf(MpcAbortException.class)
                .hasMessageContaining("base-ot-point").hasMessageContaining("party 1").hasMessageContaining("point 3");
        byte[] smallB = reply.clone();
        System.arraycopy(identity, 0, smallB, 64 * 7, 64);
        BaseOt.Sender s3 = new BaseOt.Sender(0, 1, N, prg, curve);
        assertThatThrownBy(() -> s3.finish(smallB)).isInstanceOf(MpcAbortException.class)
                .hasMessageContaining("small order");
    }
}
