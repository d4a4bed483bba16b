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
                new Message.Renew("l0123", 7200),
                new Message.RenewReply("l0123", 1_900_000_000_000L),
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
        body[0] = 2;
        assertThat(catchThrowableOfType(ProtocolException.class, () -> FrameCodec.decode(body)))
                .hasMessage("protocol version 2 is not supported; this node speaks version 1")
                .extracting(ProtocolException::code).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
        body[0] = 1;
        body[1] = 99;
        assertThatThrownBy(() -> FrameCodec.decode(body)).hasMessage("unknown message type 99");
        assertThatThrownBy(() -> FrameCodec.decode(new byte[] {1})).hasMessageContaining("frame ends inside field 'type'");
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
                    input[0] = 1; // get past the version check most of the time
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
