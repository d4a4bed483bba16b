package io.angler.dht;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** Log lines as libtorrent 2.0.6's DHT writes them (traversal_algorithm.cpp, node.cpp). */
class TraversalsTest {
    private static final byte[] T1 = target(1);
    private static final byte[] T2 = target(2);

    private static byte[] target(int b) {
        byte[] t = new byte[20];
        t[0] = (byte) b;
        t[19] = (byte) (b * 7);
        return t;
    }

    private static String hex(byte[] t) {
        return HexFormat.of().formatHex(t);
    }

    private static InetSocketAddress peer(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }

    @Test
    void aLookupCollectsPeersAndEndsOnCompleted() throws Exception {
        Traversals tr = new Traversals();
        Traversals.Op op = tr.register(Traversals.Kind.LOOKUP, T1);
        tr.onTraversalLog("[7] NEW target: " + hex(T1) + " k: 8");
        tr.onTraversalLog("[7] INVOKE nodes-left: 1 top-invoke-count: 0 invoke-count: 0 branch-factor: 5 distance: 153 id: 23 addr: 127.0.0.1 type: get_peers");
        tr.onTraversalLog("[7] INVOKE nodes-left: 2 top-invoke-count: 0 invoke-count: 0 branch-factor: 5 distance: 152 id: 20 addr: 127.0.0.1 type: get_peers");
        tr.onTraversalLog("[7] RESPONSE id: 121c invoke-count: 1 addr: 127.0.0.1:41000 type: get_peers");
        tr.onPeers(T1, List.of(peer(5555)));
        tr.onPeers(T2, List.of(peer(6666)));
        tr.onPeers(T1, List.of(peer(5555), peer(5556)));
        tr.onTraversalLog("[7] TIMEOUT id: 30 distance: 150 addr: 127.0.0.1 branch-factor: 5 invoke-count: 1 type: get_peers");
        assertThat(op.future()).isNotDone();
        tr.onTraversalLog("[7] get_peers DONE");
        assertThat(op.future()).isNotDone();
        tr.onTraversalLog("[7] COMPLETED distance: 152 type: get_peers");

        Traversals.Traversal t = op.future().get();
        assertThat(t.complete()).isTrue();
        assertThat(t.peers()).containsExactly(peer(5555), peer(5556));
        assertThat(t.messages()).isEqualTo(2);
        assertThat(t.responses()).isEqualTo(1);
        assertThat(t.timeouts()).isEqualTo(1);
        assertThat(t.storedAt()).isEqualTo(-1);
        assertThat(tr.inFlight()).isZero();
    }

    @Test
    void operationsOnOneTargetMatchNewLinesInOrder() throws Exception {
        Traversals tr = new Traversals();
        Traversals.Op first = tr.register(Traversals.Kind.ANNOUNCE, T1);
        Traversals.Op second = tr.register(Traversals.Kind.LOOKUP, T1);
        Traversals.Op other = tr.register(Traversals.Kind.LOOKUP, T2);
        tr.onTraversalLog("[3] NEW target: " + hex(T1) + " k: 8");
        tr.onTraversalLog("[4] NEW target: " + hex(T2) + " k: 8");
        tr.onTraversalLog("[5] NEW target: " + hex(T1) + " k: 8");
        // libtorrent's throw-away traversal for announce_peer messages targets all zeros.
        tr.onTraversalLog("[6] NEW target: 0000000000000000000000000000000000000000 k: 8");
        tr.onNodeLog("sending announce_peer [ ih: " + hex(T1) + "  p: 5555 nodes: 6 ]");
        tr.onTraversalLog("[5] COMPLETED distance: 150 type: get_peers");
        assertThat(first.future()).isNotDone();
        assertThat(second.future().get().storedAt()).isEqualTo(-1);
        tr.onTraversalLog("[3] COMPLETED distance: 150 type: get_peers");
        assertThat(first.future().get().storedAt()).isEqualTo(6);
        assertThat(first.future().get().messages()).isEqualTo(6);
        assertThat(other.future()).isNotDone();
        tr.onTraversalLog("[4] COMPLETED distance: 150 type: get_peers");
        assertThat(other.future()).isDone();
    }

    @Test
    void peersBeforeTheTraversalStartsAreNotCounted() {
        Traversals tr = new Traversals();
        Traversals.Op op = tr.register(Traversals.Kind.LOOKUP, T1);
        tr.onPeers(T1, List.of(peer(1)));
        tr.onTraversalLog("[1] NEW target: " + hex(T1) + " k: 8");
        tr.onPeers(T1, List.of(peer(2)));
        assertThat(tr.snapshot(op).peers()).containsExactly(peer(2));
        assertThat(tr.snapshot(op).complete()).isFalse();
    }

    @Test
    void garbageLinesAreIgnored() {
        Traversals tr = new Traversals();
        Traversals.Op op = tr.register(Traversals.Kind.LOOKUP, T1);
        for (String line : List.of("", "[", "[]", "[x] NEW target: ab", "[1]NEW", "no bracket", "[99999999999999999999] COMPLETED",
                "[1] COMPLETED distance: 1 type: get_peers")) {
            tr.onTraversalLog(line);
        }
        tr.onNodeLog("sending announce_peer [ ih: zz p: x nodes: y ]");
        tr.onNodeLog("sending announce_peer [");
        assertThat(op.future()).isNotDone();
        assertThat(tr.inFlight()).isEqualTo(1);
    }

    @Test
    void failAllFailsPendingAndLaterOperations() {
        Traversals tr = new Traversals();
        Traversals.Op waiting = tr.register(Traversals.Kind.LOOKUP, T1);
        Traversals.Op running = tr.register(Traversals.Kind.LOOKUP, T2);
        tr.onTraversalLog("[1] NEW target: " + hex(T2) + " k: 8");
        tr.failAll(new DhtException("dht: node closed"));
        assertThatThrownBy(() -> waiting.future().get()).isInstanceOf(ExecutionException.class)
                .hasMessageContaining("node closed");
        assertThatThrownBy(() -> running.future().get()).hasMessageContaining("node closed");
        assertThatThrownBy(() -> tr.register(Traversals.Kind.LOOKUP, T1)).isInstanceOf(DhtException.class)
                .hasMessageContaining("node closed");
    }

    @Test
    void inFlightOperationsAreBounded() {
        Traversals tr = new Traversals();
        for (int i = 0; i < Traversals.MAX_IN_FLIGHT; i++) {
            tr.register(Traversals.Kind.LOOKUP, T1);
        }
        assertThatThrownBy(() -> tr.register(Traversals.Kind.LOOKUP, T2)).isInstanceOf(DhtException.class)
                .hasMessageContaining("in flight");
    }

    @Test
    void purgeDropsOperationsThatNeverEnded() throws Exception {
        Traversals tr = new Traversals();
        Traversals.Op never = tr.register(Traversals.Kind.LOOKUP, T1);
        Traversals.Op stuck = tr.register(Traversals.Kind.LOOKUP, T2);
        tr.onTraversalLog("[1] NEW target: " + hex(T2) + " k: 8");
        Thread.sleep(5);
        tr.purge(Duration.ofMillis(1));
        assertThat(tr.inFlight()).isZero();
        assertThatThrownBy(() -> never.future().get()).hasMessageContaining("did not finish");
        assertThatThrownBy(() -> stuck.future().get()).hasMessageContaining("did not finish");
    }

    @Test
    void cancelWithdrawsAnOperationLibtorrentNeverStarted() {
        Traversals tr = new Traversals();
        Traversals.Op a = tr.register(Traversals.Kind.LOOKUP, T1);
        Traversals.Op b = tr.register(Traversals.Kind.LOOKUP, T1);
        tr.cancel(a, new DhtException("refused"));
        tr.onTraversalLog("[1] NEW target: " + hex(T1) + " k: 8");
        tr.onTraversalLog("[1] COMPLETED distance: 1 type: get_peers");
        assertThat(a.future()).isCompletedExceptionally();
        assertThat(b.future()).isCompleted();
    }

    @Test
    void aLookupWaitingOnlyForDeadNodesEndsAfterASilence() throws Exception {
        Traversals tr = new Traversals();
        Traversals.Op op = tr.register(Traversals.Kind.LOOKUP, T1);
        tr.onTraversalLog("[2] NEW target: " + hex(T1) + " k: 8");
        tr.onTraversalLog("[2] INVOKE nodes-left: 2 top-invoke-count: 0 invoke-count: 0 branch-factor: 5 distance: 150 id: aa addr: 127.0.0.1 type: get_peers");
        tr.onTraversalLog("[2] INVOKE nodes-left: 1 top-invoke-count: 1 invoke-count: 1 branch-factor: 5 distance: 151 id: bb addr: 127.0.0.1 type: get_peers");
        Thread.sleep(Traversals.MIN_SILENCE.toMillis() + 10);
        tr.endSilentLookups();
        assertThat(op.future()).as("no answer yet: nothing to end with").isNotDone();
        tr.onTraversalLog("[2] RESPONSE id: aa invoke-count: 2 addr: 127.0.0.1:1 type: get_peers");
        tr.onPeers(T1, List.of(peer(7)));
        tr.onRpcLog("[2] round trip time(ms): 60 from 127.0.0.1:1");
        assertThat(Traversals.silence(op)).isEqualTo(Duration.ofMillis(340));
        tr.onRpcLog("[2] round trip time(ms): 900 from 127.0.0.1:1");
        assertThat(Traversals.silence(op)).isEqualTo(Traversals.MAX_SILENCE);
        tr.onRpcLog("[2] round trip time(ms): x from 127.0.0.1:1");
        tr.endSilentLookups();
        assertThat(op.future()).as("not silent long enough").isNotDone();
        Thread.sleep(Traversals.MAX_SILENCE.toMillis() + 10);
        tr.endSilentLookups();
        assertThat(op.future().get().peers()).containsExactly(peer(7));
        assertThat(op.future().get().complete()).isTrue();
        assertThat(tr.inFlight()).isZero();
        // libtorrent's own end, 14 s later, is ignored.
        tr.onTraversalLog("[2] TIMEOUT id: bb distance: 151 addr: 127.0.0.1 branch-factor: 6 invoke-count: 1 type: get_peers");
        tr.onTraversalLog("[2] COMPLETED distance: 150 type: get_peers");
        assertThat(tr.inFlight()).isZero();
    }

    @Test
    void announcesWaitForLibtorrentsEnd() throws Exception {
        Traversals tr = new Traversals();
        Traversals.Op announce = tr.register(Traversals.Kind.ANNOUNCE, T2);
        tr.onTraversalLog("[3] NEW target: " + hex(T2) + " k: 8");
        tr.onTraversalLog("[3] INVOKE nodes-left: 1 top-invoke-count: 0 invoke-count: 0 branch-factor: 5 distance: 150 id: dd addr: 127.0.0.1 type: get_peers");
        tr.onTraversalLog("[3] RESPONSE id: dd invoke-count: 1 addr: 127.0.0.1:1 type: get_peers");
        Thread.sleep(Traversals.MIN_SILENCE.toMillis() + 10);
        tr.endSilentLookups();
        assertThat(announce.future()).isNotDone();
    }
}
