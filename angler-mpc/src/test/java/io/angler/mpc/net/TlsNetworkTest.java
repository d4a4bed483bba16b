package io.angler.mpc.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.angler.mpc.MpcAbortException;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

class TlsNetworkTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final TlsNetwork.Timeouts QUICK = new TlsNetwork.Timeouts(Duration.ofSeconds(20), Duration.ofSeconds(20));

    @Test
    void everyPairExchangesDataInBothDirectionsAtOnce() throws Exception {
        for (int n = 2; n <= 9; n++) {
            List<Network> nets = TlsNetwork.local(n, QUICK);
            try {
                List<CompletableFuture<Void>> runs = new ArrayList<>();
                for (Network net : nets) {
                    runs.add(CompletableFuture.runAsync(() -> exchangeWithAll(net)));
                }
                for (CompletableFuture<Void> r : runs) {
                    r.get(60, TimeUnit.SECONDS);
                }
                ChannelStats s01 = nets.get(0).channel(1).stats();
                assertThat(s01.bytesSent()).isEqualTo(messageLength(0, 1) * 8L + 4);
                assertThat(s01.bytesReceived()).isEqualTo(messageLength(1, 0) * 8L + 4);
                assertThat(s01.messagesSent()).isEqualTo(1);
            } finally {
                nets.forEach(Network::close);
            }
        }
    }

    /** Party i sends party j a message of its own length and content; sizes span several frames' worth of buffers. */
    private static int messageLength(int from, int to) {
        return 1 + (from * 7919 + to * 104729) % 40000;
    }

    private static long word(int from, int to, int k) {
        return new SplittableRandom(from * 1000L + to).split().nextLong() ^ k;
    }

    private static void exchangeWithAll(Network net) {
        int self = net.self();
        for (int p = 0; p < net.parties(); p++) {
            if (p != self) {
                long[] msg = new long[messageLength(self, p)];
                for (int k = 0; k < msg.length; k++) {
                    msg[k] = word(self, p, k);
                }
                net.channel(p).writeInt(msg.length);
                net.channel(p).writeLongs(msg);
            }
        }
        net.flushAll();
        for (int p = 0; p < net.parties(); p++) {
            if (p != self) {
                int len = net.channel(p).readInt();
                assertThat(len).isEqualTo(messageLength(p, self));
                long[] got = new long[len];
                net.channel(p).readLongs(got);
                for (int k = 0; k < len; k++) {
                    if (got[k] != word(p, self, k)) {
                        throw new AssertionError("party " + self + " got a wrong word " + k + " from party " + p);
                    }
                }
            }
        }
    }

    @Test
    void aPeerWithAnUnexpectedCertificateIsRefused() throws Exception {
        TlsIdentity a = TlsIdentity.ephemeral("a");
        TlsIdentity b = TlsIdentity.ephemeral("b");
        TlsIdentity impostor = TlsIdentity.ephemeral("impostor");
        try (MpcListener la = MpcListener.bind(a, LOOPBACK); MpcListener lb = MpcListener.bind(impostor, LOOPBACK)) {
            // Party 1 is listed with b's certificate but the node at its address (and connecting) holds another.
            List<PartyEndpoint> parties = List.of(new PartyEndpoint(la.address(), a.fingerprint()),
                    new PartyEndpoint(lb.address(), b.fingerprint()));
            List<PartyEndpoint> impostorView = List.of(parties.get(0),
                    new PartyEndpoint(lb.address(), impostor.fingerprint()));
            TlsNetwork.Timeouts t = new TlsNetwork.Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5));
            CompletableFuture<TlsNetwork> honest = CompletableFuture.supplyAsync(
                    () -> TlsNetwork.connect(la, "s1", 0, parties, t));
            CompletableFuture<TlsNetwork> bad = CompletableFuture.supplyAsync(
                    () -> TlsNetwork.connect(lb, "s1", 1, impostorView, t));
            assertThatThrownBy(honest::get).hasCauseInstanceOf(MpcAbortException.class)
                    .hasMessageContaining("connect").hasMessageContaining("party 1");
            assertThatThrownBy(bad::get).hasCauseInstanceOf(MpcAbortException.class)
                    .hasMessageContaining("refused");
        }
        // The client side pins too: a node listening where party 0 should be, with another certificate.
        try (MpcListener fake = MpcListener.bind(impostor, LOOPBACK); MpcListener lb = MpcListener.bind(b, LOOPBACK)) {
            List<PartyEndpoint> parties = List.of(new PartyEndpoint(fake.address(), a.fingerprint()),
                    new PartyEndpoint(lb.address(), b.fingerprint()));
            assertThatThrownBy(() -> TlsNetwork.connect(lb, "s2", 1, parties,
                    new TlsNetwork.Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5))))
                    .isInstanceOf(MpcAbortException.class).hasMessageContaining("party 0")
                    .hasMessageContaining("presented");
        }
    }

    @Test
    void clientsWithoutACertificateOrBelowTls13AreRefused() throws Exception {
        TlsIdentity a = TlsIdentity.ephemeral("a");
        try (MpcListener la = MpcListener.bind(a, LOOPBACK, Duration.ofMillis(300))) {
            SSLContext noCert = SSLContext.getInstance("TLSv1.3");
            noCert.init(null, new TrustManager[] {trustAll()}, null);
            assertThatThrownBy(() -> handshake(noCert, la.address(), "TLSv1.3")).isInstanceOf(IOException.class);
            SSLContext tls12 = SSLContext.getInstance("TLSv1.2");
            tls12.init(null, new TrustManager[] {trustAll()}, null);
            assertThatThrownBy(() -> handshake(tls12, la.address(), "TLSv1.2")).isInstanceOf(IOException.class);
        }
        SSLContext pinned = a.pinnedContext(Set.of(a.fingerprint()));
        assertThat(pinned.getDefaultSSLParameters().getProtocols()).containsExactly("TLSv1.3");
        assertThat(pinned.getDefaultSSLParameters().getNeedClientAuth()).isTrue();
    }

    private static void handshake(SSLContext ctx, InetSocketAddress to, String protocol) throws IOException {
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(to.getAddress(), to.getPort())) {
            s.setEnabledProtocols(new String[] {protocol});
            s.setSoTimeout(5000);
            s.startHandshake();
            // TLS 1.3 reports a missing client certificate after the client's handshake completes;
            // a server that let us in would answer this hello with a status byte (unknown session)
            new Hello("probe", 1, 0).writeTo(s.getOutputStream());
            if (s.getInputStream().read() < 0) {
                throw new IOException("closed by the server");
            }
        }
    }

    private static X509TrustManager trustAll() {
        return new X509TrustManager() {
            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {
            }

            @Override
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        };
    }

    /** A party played by hand: connects to party 0 of session {@code sid} as party 1 and passes the hello. */
    private static SSLSocket dialByHand(TlsIdentity me, PartyEndpoint target, String sid) throws IOException {
        SSLContext ctx = me.pinnedContext(Set.of(target.fingerprint()));
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(target.address().getAddress(),
                target.address().getPort());
        s.setSoTimeout(10_000);
        s.startHandshake();
        new Hello(sid, 1, 0).writeTo(s.getOutputStream());
        assertThat(s.getInputStream().read()).isEqualTo(Hello.OK);
        return s;
    }

    @Test
    void anOversizedFrameAnnouncementIsRefusedWithoutAllocating() throws Exception {
        TlsIdentity a = TlsIdentity.ephemeral("a");
        TlsIdentity b = TlsIdentity.ephemeral("b");
        try (MpcListener la = MpcListener.bind(a, LOOPBACK)) {
            List<PartyEndpoint> parties = List.of(new PartyEndpoint(la.address(), a.fingerprint()),
                    new PartyEndpoint(new InetSocketAddress(InetAddress.getLoopbackAddress(), 1), b.fingerprint()));
            CompletableFuture<TlsNetwork> party0 = CompletableFuture.supplyAsync(
                    () -> TlsNetwork.connect(la, "big", 0, parties, QUICK));
            try (SSLSocket byHand = dialByHand(b, parties.get(0), "big"); TlsNetwork net = party0.get(20, TimeUnit.SECONDS)) {
                DataOutputStream out = new DataOutputStream(byHand.getOutputStream());
                // A 2 GiB announcement: allocating it would exhaust the test JVM's heap.
                out.writeInt(Integer.MAX_VALUE);
                out.flush();
                assertThatThrownBy(() -> net.channel(1).readInt()).isInstanceOf(MpcAbortException.class)
                        .hasMessageContaining("frame-size").hasMessageContaining("party 1");
            }
        }
    }

    @Test
    void readsTimeOutAndMissingPartiesFailTheSetUp() throws Exception {
        List<Network> nets = TlsNetwork.local(2, new TlsNetwork.Timeouts(Duration.ofSeconds(20), Duration.ofMillis(300)));
        try {
            long start = System.nanoTime();
            assertThatThrownBy(() -> nets.get(0).channel(1).readInt()).isInstanceOf(MpcAbortException.class)
                    .hasMessageContaining("timeout").hasMessageContaining("party 1");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        } finally {
            nets.forEach(Network::close);
        }
        TlsIdentity a = TlsIdentity.ephemeral("a");
        TlsIdentity b = TlsIdentity.ephemeral("b");
        try (MpcListener la = MpcListener.bind(a, LOOPBACK)) {
            List<PartyEndpoint> parties = List.of(new PartyEndpoint(la.address(), a.fingerprint()),
                    new PartyEndpoint(new InetSocketAddress(InetAddress.getLoopbackAddress(), 1), b.fingerprint()));
            long start = System.nanoTime();
            assertThatThrownBy(() -> TlsNetwork.connect(la, "lonely", 0, parties,
                    new TlsNetwork.Timeouts(Duration.ofMillis(500), Duration.ofSeconds(5))))
                    .isInstanceOf(MpcAbortException.class).hasMessageContaining("connect").hasMessageContaining("party 1");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void closingAPartyFailsItsPeersReadsAtOnceAfterDeliveringWhatItSent() throws Exception {
        List<Network> nets = TlsNetwork.local(3, new TlsNetwork.Timeouts(Duration.ofSeconds(20), Duration.ofSeconds(30)));
        try {
            Network leaving = nets.get(2);
            leaving.channel(0).writeLongs(new long[100_000]);
            leaving.channel(0).flush();
            leaving.close(); // right after the flush: the queued message must still arrive
            long[] got = new long[100_000];
            nets.get(0).channel(2).readLongs(got);
            long start = System.nanoTime();
            for (int reader : new int[] {0, 1}) {
                assertThatThrownBy(() -> nets.get(reader).channel(2).readInt()).isInstanceOf(MpcAbortException.class)
                        .hasMessageContaining("disconnect").hasMessageContaining("party 2");
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThatThrownBy(() -> {
                leaving.channel(1).writeInt(1);
                leaving.channel(1).flush();
            }).isInstanceOf(MpcAbortException.class);
            // the others still talk to each other
            nets.get(0).channel(1).writeInt(42);
            nets.get(0).channel(1).flush();
            assertThat(nets.get(1).channel(0).readInt()).isEqualTo(42);
        } finally {
            nets.forEach(Network::close);
        }
    }

    @Test
    void concurrentSessionsShareOneListenerPerNode() throws Exception {
        int n = 3;
        List<TlsIdentity> ids = new ArrayList<>();
        List<MpcListener> listeners = new ArrayList<>();
        List<PartyEndpoint> parties = new ArrayList<>();
        try {
            for (int p = 0; p < n; p++) {
                ids.add(TlsIdentity.ephemeral("node " + p));
                listeners.add(MpcListener.bind(ids.get(p), LOOPBACK));
                parties.add(new PartyEndpoint(listeners.get(p).address(), ids.get(p).fingerprint()));
            }
            List<CompletableFuture<Integer>> runs = new ArrayList<>();
            for (String sid : new String[] {"alpha", "beta", "gamma"}) {
                for (int p = 0; p < n; p++) {
                    int self = p;
                    runs.add(CompletableFuture.supplyAsync(() -> {
                        try (TlsNetwork net = TlsNetwork.connect(listeners.get(self), sid, self, parties, QUICK)) {
                            // each session's parties sum the session's tag: crossed wires would show
                            int tag = sid.hashCode() + self;
                            for (int q = 0; q < n; q++) {
                                if (q != self) {
                                    net.channel(q).writeInt(tag);
                                }
                            }
                            net.flushAll();
                            int sum = tag;
                            for (int q = 0; q < n; q++) {
                                if (q != self) {
                                    int got = net.channel(q).readInt();
                                    assertThat(got).isEqualTo(sid.hashCode() + q);
                                    sum += got;
                                }
                            }
                            return sum;
                        }
                    }));
                }
            }
            for (CompletableFuture<Integer> r : runs) {
                assertThat(r.get(60, TimeUnit.SECONDS)).isNotNull();
            }
            // a session nobody registered is dropped after the listener's grace period
            try (MpcListener quick = MpcListener.bind(ids.get(0), LOOPBACK, Duration.ofMillis(300))) {
                PartyEndpoint target = new PartyEndpoint(quick.address(), ids.get(0).fingerprint());
                SSLContext ctx = ids.get(1).pinnedContext(Set.of(target.fingerprint()));
                try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(
                        target.address().getAddress(), target.address().getPort())) {
                    s.setSoTimeout(10_000);
                    s.startHandshake();
                    new Hello("nobody", 1, 0).writeTo(s.getOutputStream());
                    assertThat(s.getInputStream().read()).isEqualTo(Hello.UNKNOWN_SESSION);
                }
            }
        } finally {
            listeners.forEach(MpcListener::close);
        }
    }

    /** Nodes with their listeners, for sessions between the same nodes. */
    private record Nodes(List<MpcListener> listeners, List<PartyEndpoint> parties) implements AutoCloseable {
        static Nodes start(int n, int maxIdle) {
            List<MpcListener> ls = new ArrayList<>();
            List<PartyEndpoint> ps = new ArrayList<>();
            for (int p = 0; p < n; p++) {
                TlsIdentity id = TlsIdentity.ephemeral("node " + p);
                ls.add(MpcListener.bind(id, LOOPBACK, MpcListener.DEFAULT_HANDSHAKE_TIMEOUT, maxIdle));
                ps.add(new PartyEndpoint(ls.get(p).address(), id.fingerprint()));
            }
            return new Nodes(ls, ps);
        }

        /** One session: every party exchanges data with all, then releases (or closes) its network; each party's links. */
        List<TlsLink[]> session(String sid, boolean release) throws Exception {
            int n = parties.size();
            List<CompletableFuture<TlsLink[]>> runs = new ArrayList<>();
            for (int p = 0; p < n; p++) {
                int self = p;
                runs.add(CompletableFuture.supplyAsync(() -> {
                    TlsNetwork net = TlsNetwork.connect(listeners.get(self), sid, self, parties, QUICK);
                    exchangeWithAll(net);
                    TlsLink[] links = new TlsLink[n];
                    for (int q = 0; q < n; q++) {
                        if (q != self) {
                            links[q] = ((TlsChannel) net.channel(q)).link();
                        }
                    }
                    if (release) {
                        net.release();
                    } else {
                        net.close();
                    }
                    return links;
                }));
            }
            List<TlsLink[]> out = new ArrayList<>();
            for (CompletableFuture<TlsLink[]> r : runs) {
                out.add(r.get(60, TimeUnit.SECONDS));
            }
            return out;
        }

        @Override
        public void close() {
            listeners.forEach(MpcListener::close);
        }
    }

    @Test
    void aLaterSessionBetweenTheSameNodesCarriesOnOverTheirConnections() throws Exception {
        try (Nodes nodes = Nodes.start(4, MpcListener.DEFAULT_MAX_IDLE_LINKS)) {
            List<TlsLink[]> first = nodes.session("one", true);
            assertThat(nodes.listeners()).allSatisfy(l -> assertThat(l.idleLinks()).isEqualTo(3));
            List<TlsLink[]> second = nodes.session("two", true);
            for (int p = 0; p < 4; p++) {
                for (int q = 0; q < 4; q++) {
                    if (p != q) {
                        assertThat(second.get(p)[q]).as("party %d's link to %d", p, q).isSameAs(first.get(p)[q]);
                    }
                }
            }
            // A session that did not end cleanly keeps nothing; the next one connects anew and works.
            List<TlsLink[]> aborted = nodes.session("three", false);
            assertThat(aborted.get(0)[1]).isSameAs(first.get(0)[1]);
            assertThat(nodes.listeners()).allSatisfy(l -> assertThat(l.idleLinks()).isZero());
            List<TlsLink[]> fresh = nodes.session("four", true);
            assertThat(fresh.get(0)[1]).isNotSameAs(first.get(0)[1]);
        }
    }

    @Test
    void whenOneSideKeptNoLinkOrTwoSessionsCrossTheyFallBackToNewConnections() throws Exception {
        try (Nodes nodes = Nodes.start(3, MpcListener.DEFAULT_MAX_IDLE_LINKS)) {
            nodes.session("one", true);
            // Node 2 forgets its links (as after a restart or its idle timeout): the others' kept links
            // find the other end gone and they connect anew.
            for (int q = 0; q < 2; q++) {
                TlsLink l = nodes.listeners().get(2).takeIdle(nodes.parties().get(q).fingerprint());
                assertThat(l).isNotNull();
                l.close();
            }
            nodes.session("two", true);
            // Two sessions at once between the same nodes: at most one of them gets each kept link.
            List<CompletableFuture<List<TlsLink[]>>> both = List.of(
                    CompletableFuture.supplyAsync(() -> uncheck(() -> nodes.session("three", true))),
                    CompletableFuture.supplyAsync(() -> uncheck(() -> nodes.session("four", true))));
            for (CompletableFuture<List<TlsLink[]>> f : both) {
                assertThat(f.get(60, TimeUnit.SECONDS)).hasSize(3);
            }
            nodes.session("five", true);
        }
    }

    /**
     * Two sessions between the same two nodes end in a different order at each side. Kept both, each
     * side's next session would take the link whose other end the peer keeps unread and both would
     * wait for each other until the deadline; a node keeps one idle link per peer, so the next
     * session meets a closed link, connects anew at once, and the session after that carries on.
     */
    @Test
    void twoSessionsEndingInADifferentOrderAtEachSideDoNotStallTheNext() throws Exception {
        try (Nodes nodes = Nodes.start(2, MpcListener.DEFAULT_MAX_IDLE_LINKS)) {
            List<CompletableFuture<TlsNetwork>> made = new ArrayList<>();
            for (String sid : List.of("one", "two")) {
                for (int p = 0; p < 2; p++) {
                    int self = p;
                    made.add(CompletableFuture.supplyAsync(() -> {
                        TlsNetwork net = TlsNetwork.connect(nodes.listeners().get(self), sid, self, nodes.parties(), QUICK);
                        exchangeWithAll(net);
                        return net;
                    }));
                }
            }
            TlsNetwork a1 = made.get(0).get(60, TimeUnit.SECONDS);
            TlsNetwork b1 = made.get(1).get(60, TimeUnit.SECONDS);
            TlsNetwork a2 = made.get(2).get(60, TimeUnit.SECONDS);
            TlsNetwork b2 = made.get(3).get(60, TimeUnit.SECONDS);
            a1.release();
            a2.release();
            b2.release();
            b1.release();
            assertThat(nodes.listeners()).allSatisfy(l -> assertThat(l.idleLinks()).isEqualTo(1));
            long start = System.nanoTime();
            nodes.session("three", true);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                    .as("no side waited for a link the other side does not read")
                    .isLessThan(MpcListener.DEFAULT_HANDSHAKE_TIMEOUT.toMillis() / 2);
            List<TlsLink[]> four = nodes.session("four", true);
            List<TlsLink[]> five = nodes.session("five", true);
            assertThat(five.get(0)[1]).as("the link made anew is kept and carries on").isSameAs(four.get(0)[1]);
        }
    }

    /**
     * Over an idle link, the party that dialed sends the new session's hello and takes the link only
     * on the answer for that session: a frame of one zero byte (an empty round of another session, or
     * the dial path's OK) is not it, so the party falls back to a new connection, which the peer,
     * not in that session, does not take.
     */
    @Test
    void aResumedLinkNeedsTheAnswerForItsOwnSession() throws Exception {
        try (Nodes nodes = Nodes.start(2, MpcListener.DEFAULT_MAX_IDLE_LINKS)) {
            nodes.session("one", true);
            TlsLink server = nodes.listeners().get(0).takeIdle(nodes.parties().get(1).fingerprint());
            assertThat(server).isNotNull();
            server.send(new FramedChannel.Frame(false, new byte[] {0}), 1);
            TlsNetwork.Timeouts quick = new TlsNetwork.Timeouts(Duration.ofSeconds(3), Duration.ofSeconds(3));
            assertThatThrownBy(() -> TlsNetwork.connect(nodes.listeners().get(1), "two", 1, nodes.parties(), quick))
                    .isInstanceOfSatisfying(MpcAbortException.class, e -> assertThat(e.check()).isEqualTo("connect"));
            server.close();
        }
    }

    /**
     * A session that ends with something left on a link at one side, released there as if it had
     * ended cleanly: that side keeps no idle link (the next session over it would start in the
     * middle of the old one's bytes), and the next session between the two nodes connects anew and
     * works. Left over: the rest of an extra message the party read only in part; an abort notice.
     */
    @Test
    void aLinkWithSomethingLeftOnItIsNotKeptAndTheNextSessionConnectsAnew() throws Exception {
        try (Nodes nodes = Nodes.start(2, MpcListener.DEFAULT_MAX_IDLE_LINKS)) {
            TlsLink[] extra = leaveSomethingAtParty0(nodes, "one", net -> {
                net.channel(0).writeInt(1);
                net.channel(0).writeInt(2);
                net.flushAll();
                net.release();
            }, net -> assertThat(net.channel(1).readInt()).isEqualTo(1));
            assertThat(nodes.listeners().get(0).idleLinks()).as("party 0 left 4 bytes unread").isZero();
            List<TlsLink[]> two = nodes.session("two", true);
            assertThat(two.get(0)[1]).isNotSameAs(extra[0]);
            assertThat(nodes.listeners()).allSatisfy(l -> assertThat(l.idleLinks()).isEqualTo(1));

            TlsLink[] noticed = leaveSomethingAtParty0(nodes, "three", net -> {
                net.channel(0).sendNotice(MpcAbortException.Evidence.NONE, "test-check", -1);
                net.close();
            }, net -> assertThat(net.channel(1).awaitNotice(System.nanoTime() + TimeUnit.SECONDS.toNanos(20)))
                    .isNotNull().extracting(MpcAbortException.Report::check).isEqualTo("test-check"));
            assertThat(noticed[0]).as("the session carried on over the kept link").isSameAs(two.get(0)[1]);
            assertThat(nodes.listeners().get(0).idleLinks()).as("party 0 got an abort notice").isZero();
            List<TlsLink[]> four = nodes.session("four", true);
            assertThat(four.get(0)[1]).isNotSameAs(noticed[0]);
            List<TlsLink[]> five = nodes.session("five", true);
            assertThat(five.get(0)[1]).as("the new link is kept again").isSameAs(four.get(0)[1]);
        }
    }

    /**
     * Session {@code sid} between two nodes: both exchange data, then party 1 runs {@code atParty1}
     * (which ends its network) while party 0 runs {@code atParty0} and releases its network. Returns
     * party 0's link to party 1 and party 1's link to party 0.
     */
    private static TlsLink[] leaveSomethingAtParty0(Nodes nodes, String sid, java.util.function.Consumer<TlsNetwork> atParty1,
                                                    java.util.function.Consumer<TlsNetwork> atParty0) throws Exception {
        List<CompletableFuture<TlsLink>> runs = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            int self = p;
            runs.add(CompletableFuture.supplyAsync(() -> {
                TlsNetwork net = TlsNetwork.connect(nodes.listeners().get(self), sid, self, nodes.parties(), QUICK);
                exchangeWithAll(net);
                TlsLink link = ((TlsChannel) net.channel(1 - self)).link();
                if (self == 1) {
                    atParty1.accept(net);
                } else {
                    atParty0.accept(net);
                    net.release();
                }
                return link;
            }));
        }
        return new TlsLink[] {runs.get(0).get(60, TimeUnit.SECONDS), runs.get(1).get(60, TimeUnit.SECONDS)};
    }

    @Test
    void idleLinksAreBoundedAndClosedWithTheListener() throws Exception {
        long threadsBefore = mpcThreads();
        try (Nodes nodes = Nodes.start(4, 1)) {
            nodes.session("one", true);
            assertThat(nodes.listeners()).allSatisfy(l -> assertThat(l.idleLinks()).isEqualTo(1));
        }
        try (Nodes none = Nodes.start(3, 0)) {
            none.session("one", true);
            assertThat(none.listeners()).allSatisfy(l -> assertThat(l.idleLinks()).isZero());
            none.session("two", true);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (mpcThreads() > threadsBefore && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(mpcThreads()).isLessThanOrEqualTo(threadsBefore);
    }

    private interface Io<T> {
        T get() throws Exception;
    }

    private static <T> T uncheck(Io<T> io) {
        try {
            return io.get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void noThreadOrSocketOutlivesTheNetworks() throws Exception {
        // warm up the JDK's own lazily started threads
        TlsNetwork.local(2, QUICK).forEach(Network::close);
        Thread.sleep(200);
        long threadsBefore = mpcThreads();
        long socketsBefore = openSockets();
        for (int round = 0; round < 2; round++) {
            List<Network> nets = TlsNetwork.local(5, QUICK);
            List<CompletableFuture<Void>> runs = new ArrayList<>();
            for (Network net : nets) {
                runs.add(CompletableFuture.runAsync(() -> exchangeWithAll(net)));
            }
            for (CompletableFuture<Void> r : runs) {
                r.get(60, TimeUnit.SECONDS);
            }
            assertThat(mpcThreads()).isGreaterThan(threadsBefore);
            nets.forEach(Network::close);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((mpcThreads() > threadsBefore || openSockets() > socketsBefore) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(mpcThreads()).isEqualTo(threadsBefore);
        assertThat(openSockets()).isEqualTo(socketsBefore);
    }

    private static long mpcThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("mpc-")).count();
    }

    private static long openSockets() throws IOException {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(fds)) {
            return s.filter(p -> {
                try {
                    return Files.readSymbolicLink(p).toString().startsWith("socket:");
                } catch (IOException e) {
                    return false;
                }
            }).count();
        }
    }

    /** The simple form: each party listens on its own port for the set-up only. */
    @Test
    void partiesWithTheirOwnPortsConnectWithoutASharedListener() throws Exception {
        int n = 3;
        List<TlsIdentity> ids = new ArrayList<>();
        List<PartyEndpoint> parties = new ArrayList<>();
        for (int p = 0; p < n; p++) {
            ids.add(TlsIdentity.ephemeral("own port " + p));
            int port;
            try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort(); // a port the OS just handed out
            }
            parties.add(new PartyEndpoint(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), ids.get(p).fingerprint()));
        }
        List<CompletableFuture<TlsNetwork>> nets = new ArrayList<>();
        for (int p = 0; p < n; p++) {
            int self = p;
            nets.add(CompletableFuture.supplyAsync(() -> TlsNetwork.connect(ids.get(self), "own", self, parties, QUICK)));
        }
        List<Network> got = new ArrayList<>();
        for (CompletableFuture<TlsNetwork> f : nets) {
            got.add(f.get(30, TimeUnit.SECONDS));
        }
        try {
            List<CompletableFuture<Void>> runs = new ArrayList<>();
            for (Network net : got) {
                runs.add(CompletableFuture.runAsync(() -> exchangeWithAll(net)));
            }
            for (CompletableFuture<Void> r : runs) {
                r.get(30, TimeUnit.SECONDS);
            }
        } finally {
            got.forEach(Network::close);
        }
    }

    @Test
    void badArgumentsAreRejectedClearly() {
        TlsIdentity a = TlsIdentity.ephemeral("a");
        try (MpcListener la = MpcListener.bind(a, LOOPBACK)) {
            PartyEndpoint pa = new PartyEndpoint(la.address(), a.fingerprint());
            assertThatThrownBy(() -> TlsNetwork.connect(la, "s", 0, List.of(pa, pa), QUICK))
                    .hasMessageContaining("same certificate");
            PartyEndpoint other = new PartyEndpoint(la.address(), TlsIdentity.ephemeral("b").fingerprint());
            assertThatThrownBy(() -> TlsNetwork.connect(la, "s", 1, List.of(pa, other), QUICK))
                    .hasMessageContaining("not party 1's");
            assertThatThrownBy(() -> TlsNetwork.connect(la, "", 0, List.of(pa, other), QUICK))
                    .hasMessageContaining("session id");
        }
    }
}
