package io.angler.mpc.net;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The first message on an MPC connection, sent by the connecting party right after the TLS
 * handshake: which session and which party it is, and which party it means to reach. The
 * accepting side answers with one status byte. This is what lets one listening port serve several
 * concurrent sessions.
 *
 * <pre>
 * magic "AMP1" | sid length (1 byte, 1..128) | sid (UTF-8) | from (int32 BE) | to (int32 BE)
 * </pre>
 */
record Hello(String sessionId, int from, int to) {
    static final int MAX_SESSION_ID_BYTES = 128;
    private static final byte[] MAGIC = {'A', 'M', 'P', '1'};

    static final byte OK = 0;
    static final byte UNKNOWN_SESSION = 1;
    static final byte UNEXPECTED_PARTY = 2;
    static final byte DUPLICATE = 3;
    static final byte MALFORMED = 4;
    static final byte SHUTTING_DOWN = 5;

    Hello {
        checkSessionId(sessionId);
    }

    static void checkSessionId(String sessionId) {
        int n = sessionId.getBytes(StandardCharsets.UTF_8).length;
        if (n == 0 || n > MAX_SESSION_ID_BYTES) {
            throw new IllegalArgumentException("session id must be 1 to " + MAX_SESSION_ID_BYTES
                    + " bytes of UTF-8, got " + n);
        }
    }

    void writeTo(OutputStream out) throws IOException {
        byte[] sid = sessionId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(4 + 1 + sid.length + 8);
        b.put(MAGIC).put((byte) sid.length).put(sid).putInt(from).putInt(to);
        out.write(b.array());
        out.flush();
    }

    /** Reads a hello; a malformed one is an {@link IOException} saying what is wrong. */
    static Hello readFrom(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        byte[] magic = new byte[4];
        d.readFully(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new IOException("not an Angler MPC connection (bad magic)");
        }
        int len = d.readUnsignedByte();
        if (len == 0 || len > MAX_SESSION_ID_BYTES) {
            throw new IOException("session id length " + len + " outside 1.." + MAX_SESSION_ID_BYTES);
        }
        byte[] sid = new byte[len];
        d.readFully(sid);
        int from = d.readInt();
        int to = d.readInt();
        return new Hello(new String(sid, StandardCharsets.UTF_8), from, to);
    }

    static String describe(int status) {
        switch (status) {
            case OK:
                return "accepted";
            case UNKNOWN_SESSION:
                return "unknown session";
            case UNEXPECTED_PARTY:
                return "this certificate is not the expected one for that party index";
            case DUPLICATE:
                return "that party is already connected";
            case MALFORMED:
                return "malformed hello";
            case SHUTTING_DOWN:
                return "listener shutting down";
            default:
                return "status " + status;
        }
    }
}
