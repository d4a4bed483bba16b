package io.angler.mpc.net;

import io.angler.mpc.MpcAbortException;
import java.nio.charset.StandardCharsets;

/**
 * The payload of an abort notice frame: how the sender came to abort (its evidence), the check it
 * names and the party it blames. A notice travels as its own frame, flagged in the frame header,
 * so it can replace a party's next message in any phase (base OT and OT extension included) and
 * a reader recognises it wherever it stands in the protocol.
 *
 * <pre>
 *   version (1) | evidence (1) | blamed (4, little-endian, -1 for nobody) | check length (1) | check (ASCII)
 * </pre>
 * Decoding never trusts the sender: an unknown version or evidence, a party index out of range or
 * a check name with other characters than [a-z0-9-] is replaced by a neutral value.
 */
final class AbortNotice {
    private static final byte VERSION = 1;
    private static final int MAX_CHECK = 40;

    private AbortNotice() {
    }

    static byte[] encode(MpcAbortException.Evidence evidence, String check, int blamed) {
        byte[] c = sanitize(check).getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[7 + c.length];
        b[0] = VERSION;
        b[1] = evidence.code();
        b[2] = (byte) blamed;
        b[3] = (byte) (blamed >>> 8);
        b[4] = (byte) (blamed >>> 16);
        b[5] = (byte) (blamed >>> 24);
        b[6] = (byte) c.length;
        System.arraycopy(c, 0, b, 7, c.length);
        return b;
    }

    /** The notice {@code payload} from {@code reporter}, in a session of {@code parties} parties. */
    static MpcAbortException.Report decode(byte[] payload, int reporter, int parties) {
        if (payload.length < 7 || payload[0] != VERSION) {
            return new MpcAbortException.Report(reporter, MpcAbortException.Evidence.NONE, "unknown", -1);
        }
        MpcAbortException.Evidence evidence = MpcAbortException.Evidence.ofCode(payload[1]);
        int blamed = (payload[2] & 0xff) | (payload[3] & 0xff) << 8 | (payload[4] & 0xff) << 16 | (payload[5] & 0xff) << 24;
        int len = Math.min(payload[6] & 0xff, payload.length - 7);
        String check = sanitize(new String(payload, 7, len, StandardCharsets.US_ASCII));
        if (blamed < 0 || blamed >= parties || blamed == reporter) {
            blamed = -1;
        }
        if (blamed < 0 && evidence != MpcAbortException.Evidence.NONE) {
            evidence = MpcAbortException.Evidence.NONE;
        }
        return new MpcAbortException.Report(reporter, evidence, check, blamed);
    }

    static String sanitize(String check) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < check.length() && sb.length() < MAX_CHECK; i++) {
            char c = check.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') {
                sb.append(c);
            }
        }
        return sb.length() == 0 ? "unknown" : sb.toString();
    }
}
