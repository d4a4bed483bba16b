package io.angler.node.protocol;

import io.angler.core.placement.PlacementMode;
import io.angler.node.provision.CredentialRequest;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The control protocol's wire format: a frame is a 4-byte big-endian body length followed by the
 * body; the body is the protocol version (1 byte), the message type (1 byte) and the message's
 * fields. Integers are big-endian; a string is a 2- or 4-byte length and that many bytes of
 * UTF-8. A frame longer than {@link #MAX_FRAME} is refused before anything is allocated, so one
 * connection costs at most that much memory. Every decoding error is a {@link ProtocolException}
 * saying what was wrong; nothing else escapes.
 */
public final class FrameCodec {
    /** Largest frame body: room for a kubeconfig with certificates, nothing near a memory problem. */
    public static final int MAX_FRAME = 64 * 1024;

    private FrameCodec() {
    }

    /** Writes one frame and flushes. */
    public static void write(OutputStream out, Message m) throws IOException {
        writeBody(out, encode(m));
    }

    /**
     * Writes the reply to a frame that could not be read. A peer of an older version is told why
     * in its own version (an {@link Message.Error} is laid out the same in every version), so it
     * shows "this node speaks version N" instead of failing on a frame it cannot read.
     */
    public static void writeRefusal(OutputStream out, ProtocolException e) throws IOException {
        byte[] body = encode(e.toMessage());
        int peer = e.peerVersion();
        if (e.code() == ErrorCode.UNSUPPORTED_VERSION && peer >= Message.OLDEST_KNOWN_VERSION
                && peer < Message.VERSION) {
            body[0] = (byte) peer;
        }
        writeBody(out, body);
    }

    private static void writeBody(OutputStream out, byte[] body) throws IOException {
        byte[] header = ByteBuffer.allocate(4).putInt(body.length).array();
        out.write(header);
        out.write(body);
        out.flush();
    }

    /**
     * Reads one frame.
     *
     * @throws EOFException if the stream ends cleanly before a frame starts
     * @throws ProtocolException if the frame is too large, truncated or invalid
     */
    public static Message read(InputStream in) throws IOException {
        int b0 = in.read();
        if (b0 < 0) {
            throw new EOFException("connection closed");
        }
        byte[] rest = in.readNBytes(3);
        if (rest.length < 3) {
            throw new ProtocolException(ErrorCode.MALFORMED, "truncated frame header");
        }
        long length = ((long) b0 << 24) | ((rest[0] & 0xffL) << 16) | ((rest[1] & 0xffL) << 8) | (rest[2] & 0xffL);
        if (length > MAX_FRAME) {
            throw new ProtocolException(ErrorCode.TOO_LARGE, "frame of " + length + " bytes exceeds the limit of "
                    + MAX_FRAME);
        }
        if (length < 2) {
            throw new ProtocolException(ErrorCode.MALFORMED, "frame of " + length + " bytes has no version and type");
        }
        byte[] body = in.readNBytes((int) length);
        if (body.length < length) {
            throw new ProtocolException(ErrorCode.MALFORMED, "truncated frame: " + body.length + " of " + length
                    + " bytes");
        }
        return decode(body);
    }

    /** The frame body of a message. */
    public static byte[] encode(Message m) {
        Writer w = new Writer();
        w.u8(Message.VERSION);
        if (m instanceof Message.Probe p) {
            w.u8(1).i64(p.nonce());
        } else if (m instanceof Message.ProbeReply p) {
            w.u8(2).i64(p.nonce()).str(p.fingerprint()).u16(p.mpcPort()).str(p.software());
        } else if (m instanceof Message.SessionSetup s) {
            w.u8(3).str(s.sessionId()).str(s.poolKey()).u8(modeWire(s.mode())).u8(s.unitBits()).u8(s.priceBits())
                    .u8(s.parties().size());
            for (Message.Party p : s.parties()) {
                w.str(p.host()).u16(p.port()).str(p.fingerprint());
            }
            w.i64(s.deadlineEpochMs());
        } else if (m instanceof Message.SetupAck a) {
            w.u8(4).str(a.sessionId()).u8(a.partyIndex());
        } else if (m instanceof Message.SetupReject r) {
            w.u8(5).str(r.sessionId()).u8(r.code().wire()).str(r.reason());
        } else if (m instanceof Message.Claim c) {
            credentials(w.u8(6).str(c.sessionId()).i64(c.leaseSeconds()), c.credentials());
        } else if (m instanceof Message.ClaimReply r) {
            w.u8(7).str(r.leaseId()).str(r.namespace()).i64(r.expiresAtEpochMs()).i64(r.units()).i64(r.price())
                    .longStr(r.kubeconfig());
        } else if (m instanceof Message.Renew r) {
            credentials(w.u8(8).str(r.leaseId()).i64(r.seconds()), r.credentials());
        } else if (m instanceof Message.RenewReply r) {
            w.u8(9).str(r.leaseId()).i64(r.expiresAtEpochMs()).longStr(r.kubeconfig());
        } else if (m instanceof Message.Release r) {
            w.u8(10).str(r.leaseId());
        } else if (m instanceof Message.ReleaseReply r) {
            w.u8(11).str(r.leaseId());
        } else if (m instanceof Message.Error e) {
            w.u8(12).u8(e.code().wire()).str(e.message());
        } else if (m instanceof Message.Abort a) {
            w.u8(13).str(a.sessionId());
        } else if (m instanceof Message.AbortReply a) {
            w.u8(14).str(a.sessionId());
        } else {
            throw new IllegalArgumentException("unknown message " + m.getClass().getSimpleName());
        }
        byte[] body = w.bytes();
        if (body.length > MAX_FRAME) {
            throw new ProtocolException(ErrorCode.TOO_LARGE, m.getClass().getSimpleName() + " of " + body.length
                    + " bytes exceeds the frame limit of " + MAX_FRAME);
        }
        return body;
    }

    /** Decodes a frame body. */
    public static Message decode(byte[] body) {
        if (body.length > MAX_FRAME) {
            throw new ProtocolException(ErrorCode.TOO_LARGE, "frame of " + body.length + " bytes exceeds the limit of "
                    + MAX_FRAME);
        }
        Reader r = new Reader(body);
        int version = r.u8("version");
        if (version != Message.VERSION && !olderError(version, body)) {
            throw new ProtocolException(ErrorCode.UNSUPPORTED_VERSION, "protocol version " + version
                    + " is not supported; this node speaks version " + Message.VERSION
                    + " (both ends must run the same protocol version: upgrade the older one)", version);
        }
        int type = r.u8("type");
        Message m;
        try {
            m = switch (type) {
                case 1 -> new Message.Probe(r.i64("nonce"));
                case 2 -> new Message.ProbeReply(r.i64("nonce"), r.str("fingerprint", 64), r.u16("mpcPort"),
                        r.str("software", Message.MAX_SOFTWARE));
                case 3 -> setup(r);
                case 4 -> new Message.SetupAck(r.str("sessionId", 32), r.u8("partyIndex"));
                case 5 -> new Message.SetupReject(r.str("sessionId", 32), ErrorCode.fromWire(r.u8("code")),
                        r.str("reason", Message.MAX_REASON));
                case 6 -> claim(r);
                case 7 -> new Message.ClaimReply(r.str("leaseId", 63), r.str("namespace", 63), r.i64("expiresAt"),
                        r.i64("units"), r.i64("price"), r.longStr("kubeconfig", Message.MAX_KUBECONFIG));
                case 8 -> new Message.Renew(r.str("leaseId", 63), r.i64("seconds"), credentials(r, "Renew"));
                case 9 -> new Message.RenewReply(r.str("leaseId", 63), r.i64("expiresAt"),
                        r.longStr("kubeconfig", Message.MAX_KUBECONFIG));
                case 10 -> new Message.Release(r.str("leaseId", 63));
                case 11 -> new Message.ReleaseReply(r.str("leaseId", 63));
                case 12 -> new Message.Error(ErrorCode.fromWire(r.u8("code")), r.str("message", Message.MAX_REASON));
                case 13 -> new Message.Abort(r.str("sessionId", 32));
                case 14 -> new Message.AbortReply(r.str("sessionId", 32));
                default -> throw new ProtocolException(ErrorCode.MALFORMED, "unknown message type " + type);
            };
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(ErrorCode.INVALID_FIELD, e.getMessage());
        }
        if (r.remaining() != 0) {
            throw new ProtocolException(ErrorCode.MALFORMED, m.getClass().getSimpleName() + " has " + r.remaining()
                    + " unexpected trailing bytes");
        }
        return m;
    }

    private static Message.SessionSetup setup(Reader r) {
        String id = r.str("sessionId", 32);
        String key = r.str("poolKey", 40);
        int modeCode = r.u8("mode");
        PlacementMode mode = switch (modeCode) {
            case 1 -> PlacementMode.FIRST_PRICE;
            case 2 -> PlacementMode.SECOND_PRICE;
            case 3 -> PlacementMode.SPLIT;
            default -> throw new ProtocolException(ErrorCode.INVALID_FIELD, "SessionSetup.mode: " + modeCode
                    + " is not 1 (first-price), 2 (second-price) or 3 (split)");
        };
        int unitBits = r.u8("unitBits");
        int priceBits = r.u8("priceBits");
        int count = r.u8("parties");
        if (count > Message.MAX_PARTIES) {
            throw new ProtocolException(ErrorCode.INVALID_FIELD, "SessionSetup.parties: " + count
                    + " parties, a session has 2.." + Message.MAX_PARTIES);
        }
        List<Message.Party> parties = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            try {
                parties.add(new Message.Party(r.str("host", Message.MAX_HOST), r.u16("port"), r.str("fingerprint", 64)));
            } catch (IllegalArgumentException e) {
                throw new ProtocolException(ErrorCode.INVALID_FIELD, "SessionSetup.parties[" + i + "]: " + e.getMessage());
            }
        }
        return new Message.SessionSetup(id, key, mode, unitBits, priceBits, parties, r.i64("deadline"));
    }

    private static int modeWire(PlacementMode mode) {
        return switch (mode) {
            case FIRST_PRICE -> 1;
            case SECOND_PRICE -> 2;
            case SPLIT -> 3;
        };
    }

    /**
     * An older peer's {@link Message.Error}: the one frame every version lays out the same, read so
     * that a node can show why an older peer refused it (its version, typically).
     */
    private static boolean olderError(int version, byte[] body) {
        return version >= Message.OLDEST_KNOWN_VERSION && version < Message.VERSION && body.length > 1 && body[1] == 12;
    }

    private static Message.Claim claim(Reader r) {
        String id = r.str("sessionId", 32);
        long seconds = r.i64("leaseSeconds");
        return new Message.Claim(id, seconds, credentials(r, "Claim"));
    }

    /** A credential request: kind (0 token, 1 client certificate) and, for a certificate, the CSR. */
    private static CredentialRequest credentials(Reader r, String message) {
        int kind = r.u8("credentials");
        return switch (kind) {
            case 0 -> new CredentialRequest.ServiceAccountToken();
            case 1 -> {
                String csr = r.longStr("csr", Message.MAX_CSR);
                try {
                    yield new CredentialRequest.ClientCertificate(csr);
                } catch (IllegalArgumentException e) {
                    throw new ProtocolException(ErrorCode.INVALID_FIELD, message + "." + e.getMessage());
                }
            }
            default -> throw new ProtocolException(ErrorCode.INVALID_FIELD, message + ".credentials: kind " + kind
                    + " is not 0 (token) or 1 (client certificate)");
        };
    }

    private static Writer credentials(Writer w, CredentialRequest credentials) {
        if (credentials instanceof CredentialRequest.ClientCertificate cert) {
            return w.u8(1).longStr(cert.csrPem());
        }
        return w.u8(0);
    }

    private static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(128);

        Writer u8(int v) {
            out.write(v);
            return this;
        }

        Writer u16(int v) {
            out.write(v >>> 8);
            out.write(v);
            return this;
        }

        Writer i64(long v) {
            for (int s = 56; s >= 0; s -= 8) {
                out.write((int) (v >>> s));
            }
            return this;
        }

        Writer str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            if (b.length > 0xffff) {
                throw new IllegalArgumentException("string of " + b.length + " bytes is too long for a short field");
            }
            u16(b.length);
            out.writeBytes(b);
            return this;
        }

        Writer longStr(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            for (int sh = 24; sh >= 0; sh -= 8) {
                out.write(b.length >>> sh);
            }
            out.writeBytes(b);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    private static final class Reader {
        private final byte[] b;
        private int pos;

        Reader(byte[] b) {
            this.b = b;
        }

        int remaining() {
            return b.length - pos;
        }

        private void need(int n, String field) {
            if (n < 0 || remaining() < n) {
                throw new ProtocolException(ErrorCode.MALFORMED, "frame ends inside field '" + field + "'");
            }
        }

        int u8(String field) {
            need(1, field);
            return b[pos++] & 0xff;
        }

        int u16(String field) {
            need(2, field);
            int v = ((b[pos] & 0xff) << 8) | (b[pos + 1] & 0xff);
            pos += 2;
            return v;
        }

        long i64(String field) {
            need(8, field);
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (b[pos++] & 0xff);
            }
            return v;
        }

        String str(String field, int maxChars) {
            return utf8(u16(field), field, maxChars);
        }

        String longStr(String field, int maxChars) {
            need(4, field);
            long len = ((b[pos] & 0xffL) << 24) | ((b[pos + 1] & 0xffL) << 16) | ((b[pos + 2] & 0xffL) << 8)
                    | (b[pos + 3] & 0xffL);
            pos += 4;
            if (len > remaining()) {
                throw new ProtocolException(ErrorCode.MALFORMED, "field '" + field + "' claims " + len
                        + " bytes, the frame has " + remaining() + " left");
            }
            return utf8((int) len, field, maxChars);
        }

        private String utf8(int len, String field, int maxChars) {
            if (len > 4 * maxChars) {
                throw new ProtocolException(ErrorCode.INVALID_FIELD, "field '" + field + "' is " + len
                        + " bytes, longer than its limit of " + maxChars + " characters");
            }
            need(len, field);
            String s;
            try {
                CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(b, pos, len));
                s = chars.toString();
            } catch (CharacterCodingException e) {
                throw new ProtocolException(ErrorCode.MALFORMED, "field '" + field + "' is not valid UTF-8");
            }
            pos += len;
            if (s.length() > maxChars) {
                throw new ProtocolException(ErrorCode.INVALID_FIELD, "field '" + field + "' is " + s.length()
                        + " characters, its limit is " + maxChars);
            }
            return s;
        }
    }
}
