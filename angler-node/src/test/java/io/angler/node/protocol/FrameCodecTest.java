package io.angler.node.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.angler.core.placement.PlacementMode;
import io.angler.node.provision.CredentialRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameCodecTest {
    static final String FP1 = "1".repeat(64);
    static final String FP2 = "2".repeat(64);
    static final String SID = "0123456789abcdef0123456789abcdef";
    static final String CSR = "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n";

    static List<Message> samples() {
        return List.of(
                new Message.Probe(-7),
                new Message.ProbeReply(42, FP1, 7401, "angler 0.1.0"),
                new Message.SessionSetup(SID, "ab".repeat(20), PlacementMode.SPLIT, 16, 32,
                        List.of(new Message.Party("::1", 9000, FP1), new Message.Party("provider.example.org", 9001, FP2)),
                        1_900_000_000_000L),
                new Message.SetupAck(SID, 3),
                new Message.SetupReject(SID, ErrorCode.RATE_LIMITED, "too many sessions from 192.0.2.1; try in 2 s"),
                new Message.Claim(SID, 3600, new CredentialRequest.ServiceAccountToken()),
                new Message.Claim(SID, 60, new CredentialRequest.ClientCertificate(CSR)),
                new Message.ClaimReply("l0123", "angler-l0123", 1_900_000_000_000L, 5, 95, "apiVersion: v1\n# é ✓\n"),
                new Message.Renew("l0123", 7200, new CredentialRequest.ServiceAccountToken()),
                new Message.Renew("l0123", 60, new CredentialRequest.ClientCertificate(CSR)),
                new Message.RenewReply("l0123", 1_900_000_000_000L, "apiVersion: v1\n# é ✓\n"),
                new Message.Release("l0123"),
                new Message.ReleaseReply("l0123"),
                new Message.Abort(SID),
                new Message.AbortReply(SID),
                new Message.Error(ErrorCode.NOT_FOUND, "no live lease l0123 for this requester"));
    }

    static byte[] frame(byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    @Test
    void everyMessageRoundTripsThroughAStream() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Message m : samples()) {
            FrameCodec.write(out, m);
        }
        InputStream in = new ByteArrayInputStream(out.toByteArray());
        for (Message m : samples()) {
            Message back = FrameCodec.read(in);
            assertThat(back).usingRecursiveComparison().isEqualTo(m);
        }
        assertThatThrownBy(() -> FrameCodec.read(in)).isInstanceOf(EOFException.class);
    }

    @Test
    void oversizedFramesAreRefusedBeforeAnythingIsAllocated() {
        byte[] header = ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array();
        ProtocolException e = catchThrowableOfType(ProtocolException.class,
                () -> FrameCodec.read(new ByteArrayInputStream(header)));
        assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE);
        assertThat(e).hasMessageContaining("frame of 2147483647 bytes exceeds the limit of 65536");
        byte[] negative = ByteBuffer.allocate(4).putInt(-1).array();
        assertThat(catchThrowableOfType(ProtocolException.class, () -> FrameCodec.read(new ByteArrayInputStream(negative))).code())
                .isEqualTo(ErrorCode.TOO_LARGE);
        // A claimed length that the stream never delivers: an endless stream is cut at the cap.
        InputStream endless = new InputStream() {
            int n;

            @Override
            public int read() {
                return n++ < 4 ? (n == 2 ? 0x01 : 0) : 0x41; // header 0x00010000 = 65536, then 'A' forever
            }
        };
        assertThatThrownBy(() -> FrameCodec.read(endless)).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> FrameCodec.encode(new Message.ClaimReply("l1", "n1", 1, 1, 0, "x".repeat(Message.MAX_KUBECONFIG + 1))))
                .hasMessageContaining("ClaimReply.kubeconfig");
    }

    @Test
    void wrongVersionsAndTypesAreNamed() {
        byte[] body = FrameCodec.encode(new Message.Probe(1));
        body[0] = 3;
        assertThat(catchThrowableOfType(ProtocolException.class, () -> FrameCodec.decode(body)))
                .hasMessage("protocol version 3 is not supported; this node speaks version 2 (both ends must run the"
                        + " same protocol version: upgrade the older one)")
                .extracting(ProtocolException::code).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
        body[0] = (byte) Message.VERSION;
        body[1] = 99;
        assertThatThrownBy(() -> FrameCodec.decode(body)).hasMessage("unknown message type 99");
        assertThatThrownBy(() -> FrameCodec.decode(new byte[] {(byte) Message.VERSION})).hasMessageContaining("frame ends inside field 'type'");
    }

    /**
     * Version 1 had no credentials in Renew and no kubeconfig in RenewReply. An old peer's frames
     * are refused by their version; its Error frames (the same layout in every version) are read,
     * and a refusal is written back in its version so that it can read why.
     */
    @Test
    void anOlderPeerIsRefusedInItsOwnVersion() throws IOException {
        byte[] oldRenew = ByteBuffer.allocate(1 + 1 + 2 + 2 + 8).put((byte) 1).put((byte) 8).putShort((short) 2)
                .put("l1".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putLong(3600).array();
        ProtocolException refused = catchThrowableOfType(ProtocolException.class, () -> FrameCodec.decode(oldRenew));
        assertThat(refused.code()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
        assertThat(refused.peerVersion()).isEqualTo(1);
        assertThat(refused).hasMessageContaining("protocol version 1 is not supported; this node speaks version 2");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FrameCodec.writeRefusal(out, refused);
        byte[] reply = out.toByteArray();
        assertThat(reply[4]).as("the refusal is written in the old peer's version").isEqualTo((byte) 1);
        assertThat(reply[5]).as("as an Error").isEqualTo((byte) 12);
        assertThat(FrameCodec.read(new ByteArrayInputStream(reply))).isInstanceOfSatisfying(Message.Error.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
            assertThat(e.message()).contains("this node speaks version 2");
        });
        // Anything else is written in this node's version, and other old messages are not read.
        ByteArrayOutputStream other = new ByteArrayOutputStream();
        FrameCodec.writeRefusal(other, new ProtocolException(ErrorCode.MALFORMED, "x"));
        assertThat(other.toByteArray()[4]).isEqualTo((byte) Message.VERSION);
        byte[] oldReply = FrameCodec.encode(new Message.ReleaseReply("l1"));
        oldReply[0] = 1;
        assertThatThrownBy(() -> FrameCodec.decode(oldReply)).hasMessageContaining("protocol version 1 is not supported");
    }

    /** A Renew body: lease id, seconds, then {@code tail} (the credential fields). */
    private static byte[] renewBody(byte[] tail) {
        return ByteBuffer.allocate(2 + 2 + 2 + 8 + tail.length).put((byte) Message.VERSION).put((byte) 8)
                .putShort((short) 2).put("l1".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putLong(3600)
                .put(tail).array();
    }

    private static byte[] certificateTail(byte[] csr) {
        return ByteBuffer.allocate(1 + 4 + csr.length).put((byte) 1).putInt(csr.length).put(csr).array();
    }

    private static ProtocolException refusal(byte[] body) {
        ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> FrameCodec.decode(body));
        assertThat(e).as("refused").isNotNull();
        return e;
    }

    @Test
    void renewalCredentialsAndKubeconfigAreChecked() {
        // missing: the frame ends where the credentials should be
        assertThat(refusal(renewBody(new byte[0]))).hasMessage("frame ends inside field 'credentials'")
                .extracting(ProtocolException::code).isEqualTo(ErrorCode.MALFORMED);
        assertThat(refusal(renewBody(new byte[] {1}))).hasMessageContaining("frame ends inside field 'csr'");
        // an unknown kind
        assertThat(refusal(renewBody(new byte[] {7})))
                .hasMessage("Renew.credentials: kind 7 is not 0 (token) or 1 (client certificate)")
                .extracting(ProtocolException::code).isEqualTo(ErrorCode.INVALID_FIELD);
        // oversized: one character over the CSR limit, and a length beyond the frame
        byte[] big = ("-----BEGIN CERTIFICATE REQUEST-----\n" + "A".repeat(Message.MAX_CSR))
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(refusal(renewBody(certificateTail(big))))
                .hasMessageContaining("field 'csr' is " + big.length + " characters, its limit is " + Message.MAX_CSR)
                .extracting(ProtocolException::code).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(refusal(renewBody(ByteBuffer.allocate(5).put((byte) 1).putInt(1_000_000).array())))
                .hasMessageContaining("field 'csr' claims 1000000 bytes");
        // malformed: not a PEM request, not UTF-8
        assertThat(refusal(renewBody(certificateTail("hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII)))))
                .hasMessage("Renew.credentials: the CSR is not a PEM certificate request")
                .extracting(ProtocolException::code).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(refusal(renewBody(certificateTail(new byte[] {(byte) 0xc3, (byte) 0x28}))))
                .hasMessage("field 'csr' is not valid UTF-8");
        // the same rules as the message's constructor, which a sender runs
        assertThatThrownBy(() -> new Message.Renew("l1", 60, null)).hasMessage("Renew.credentials: is missing");
        assertThatThrownBy(() -> new Message.Renew("l1", 60, new CredentialRequest.ClientCertificate(new String(big,
                java.nio.charset.StandardCharsets.US_ASCII)))).hasMessageContaining("Renew.credentials: the CSR is longer than");

        // RenewReply: the kubeconfig missing, oversized, malformed
        byte[] reply = FrameCodec.encode(new Message.RenewReply("l1", 1_900_000_000_000L, "k"));
        assertThat(refusal(Arrays.copyOf(reply, reply.length - 5))).hasMessageContaining("frame ends inside field 'kubeconfig'");
        byte[] head = Arrays.copyOf(reply, reply.length - 5);
        byte[] huge = "x".repeat(Message.MAX_KUBECONFIG + 1).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] oversized = ByteBuffer.allocate(head.length + 4 + huge.length).put(head).putInt(huge.length).put(huge).array();
        assertThat(refusal(oversized)).hasMessageContaining("field 'kubeconfig' is " + huge.length
                + " characters, its limit is " + Message.MAX_KUBECONFIG);
        byte[] badUtf8 = ByteBuffer.allocate(head.length + 5).put(head).putInt(1).put((byte) 0xff).array();
        assertThat(refusal(badUtf8)).hasMessage("field 'kubeconfig' is not valid UTF-8");
        assertThatThrownBy(() -> new Message.RenewReply("l1", 1, null))
                .hasMessage("RenewReply.kubeconfig: is missing or longer than " + Message.MAX_KUBECONFIG + " characters");
    }

    @Test
    void truncatedFramesAndTrailingBytesAreMalformed() throws IOException {
        for (Message m : samples()) {
            byte[] body = FrameCodec.encode(m);
            for (int cut = 0; cut < body.length; cut++) {
                byte[] shortBody = Arrays.copyOf(body, cut);
                ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> FrameCodec.decode(shortBody));
                assertThat(e).as(m + " cut at " + cut).isNotNull();
                assertThat(e.code()).isIn(ErrorCode.MALFORMED, ErrorCode.INVALID_FIELD);
            }
            byte[] longer = Arrays.copyOf(body, body.length + 1);
            assertThatThrownBy(() -> FrameCodec.decode(longer)).hasMessageContaining("1 unexpected trailing bytes");
            byte[] f = frame(body);
            byte[] cutFrame = Arrays.copyOf(f, f.length - 1);
            assertThatThrownBy(() -> FrameCodec.read(new ByteArrayInputStream(cutFrame))).hasMessageContaining("truncated frame");
        }
    }

    @Test
    void badFieldsNameTheField() {
        byte[] setup = FrameCodec.encode(samples().get(2));
        String text = new String(setup, java.nio.charset.StandardCharsets.ISO_8859_1);
        byte[] badPort = text.replace("\u0023\u0029", "\u0000\u0000").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1); // 9001 -> 0
        assertThatThrownBy(() -> FrameCodec.decode(badPort)).hasMessageContaining("SessionSetup.parties[1]: Party.port: 0 is outside 1..65535")
                .extracting(e -> ((ProtocolException) e).code()).isEqualTo(ErrorCode.INVALID_FIELD);
        byte[] badFp = text.replace(FP2, "2".repeat(63) + "G").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> FrameCodec.decode(badFp)).hasMessageContaining("Party.fingerprint: '2222");
        byte[] dupFp = text.replace(FP2, FP1).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> FrameCodec.decode(dupFp)).hasMessageContaining("appears twice");
        byte[] badSid = text.replace(SID, SID.toUpperCase()).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> FrameCodec.decode(badSid)).hasMessageContaining("SessionSetup.sessionId");
        byte[] probeReply = FrameCodec.encode(new Message.ProbeReply(1, FP1, 1, "x"));
        probeReply[probeReply.length - 1] = (byte) 0xff;
        assertThatThrownBy(() -> FrameCodec.decode(probeReply)).hasMessageContaining("field 'software' is not valid UTF-8");
        assertThatThrownBy(() -> new Message.Claim(SID, 0, new CredentialRequest.ServiceAccountToken()))
                .hasMessageContaining("Claim.leaseSeconds: 0 is outside");
        assertThatThrownBy(() -> new Message.SessionSetup(SID, "ab".repeat(20), PlacementMode.SPLIT, 16, 32,
                List.of(new Message.Party("h", 1, FP1)), 1)).hasMessageContaining("1 parties, a session has 2..64");
    }

    /** Random bytes and random mutations of valid frames: only ProtocolExceptions or valid messages. */
    @Test
    void fuzzedFramesNeverCrashTheDecoder() throws IOException {
        Random rnd = new Random(2024);
        List<byte[]> seeds = new ArrayList<>();
        for (Message m : samples()) {
            seeds.add(FrameCodec.encode(m));
        }
        int decoded = 0;
        for (int i = 0; i < 50_000; i++) {
            byte[] input;
            if (i % 4 == 0) {
                input = new byte[rnd.nextInt(300)];
                rnd.nextBytes(input);
                if (input.length > 0) {
                    input[0] = (byte) Message.VERSION; // get past the version check most of the time
                }
                if (input.length > 1) {
                    input[1] = (byte) (1 + rnd.nextInt(13));
                }
            } else {
                byte[] seed = seeds.get(rnd.nextInt(seeds.size()));
                input = seed.clone();
                int flips = 1 + rnd.nextInt(4);
                for (int f = 0; f < flips; f++) {
                    int at = rnd.nextInt(input.length);
                    input[at] = rnd.nextInt(3) == 0 ? (byte) rnd.nextInt(256) : (byte) (input[at] ^ (1 << rnd.nextInt(8)));
                }
            }
            try {
                Message m = FrameCodec.decode(input);
                decoded++;
                // Whatever decodes is a valid message and survives a round trip.
                assertThat(FrameCodec.decode(FrameCodec.encode(m))).usingRecursiveComparison().isEqualTo(m);
            } catch (ProtocolException e) {
                assertThat(e.getMessage()).isNotBlank().hasSizeLessThan(400);
                assertThat(e.code()).isNotNull();
            }
            // Through the stream reader too, with a random (possibly lying) length header.
            byte[] f = frame(input);
            if (rnd.nextInt(8) == 0) {
                ByteBuffer.wrap(f).putInt(rnd.nextInt());
            }
            try {
                FrameCodec.read(new ByteArrayInputStream(f));
            } catch (ProtocolException | EOFException e) {
                assertThat(e.getMessage()).isNotBlank();
            }
        }
        assertThat(decoded).as("mutations that keep a message valid do occur").isPositive();
    }
}
