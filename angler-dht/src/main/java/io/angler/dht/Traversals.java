package io.angler.dht;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Follows the get_peers traversals that one libtorrent node runs for us. libtorrent reports the
 * peers a traversal finds ({@code dht_get_peers_reply_alert}) but not when the traversal ends; its
 * DHT log does: {@code [N] NEW target: <hex>} when traversal N starts, {@code [N] INVOKE} for each
 * query sent, {@code [N] COMPLETED} when it ends, and for an announce
 * {@code sending announce_peer [ ih: <hex> ... nodes: K ]} once the storing nodes are known. Our
 * operations on one target are started in order, so the k-th NEW line for a target belongs to the
 * k-th operation we started on it.
 *
 * <p>Thread-safe: the node's alert thread feeds it while callers register operations.
 */
final class Traversals {
    /** Operations in flight beyond this are refused, which keeps memory bounded. */
    static final int MAX_IN_FLIGHT = 4096;

    enum Kind { LOOKUP, ANNOUNCE }

    /**
     * What one traversal found.
     *
     * @param peers the peers (endpoints) returned by the nodes that store the target
     * @param messages queries sent (get_peers, plus announce_peer for an announce)
     * @param responses queries answered
     * @param timeouts queries that timed out
     * @param storedAt for an announce, the nodes it was stored at (-1 for a lookup or unknown)
     * @param complete false if the caller stopped waiting before the traversal ended
     */
    record Traversal(String target, List<InetSocketAddress> peers, int messages, int responses, int timeouts,
                     int storedAt, Duration elapsed, boolean complete) {
    }

    static final class Op {
        final Kind kind;
        final String target;
        final long startNanos = System.nanoTime();
        final CompletableFuture<Traversal> done = new CompletableFuture<>();
        final Set<InetSocketAddress> peers = new LinkedHashSet<>();
        long id = -1;
        long lastEventNanos = startNanos;
        int maxRttMillis;
        int invokes;
        int responses;
        int timeouts;
        int storedAt = -1;

        Op(Kind kind, String target) {
            this.kind = kind;
            this.target = target;
        }

        CompletableFuture<Traversal> future() {
            return done;
        }

        Traversal result(boolean complete) {
            int messages = invokes + Math.max(0, storedAt);
            return new Traversal(target, List.copyOf(peers), messages, responses, timeouts, storedAt,
                    Duration.ofNanos(System.nanoTime() - startNanos), complete);
        }
    }

    private final Map<String, Deque<Op>> waiting = new HashMap<>();
    private final Map<Long, Op> running = new HashMap<>();
    private int inFlight;
    private Throwable failure;

    /** Registers an operation; call it before asking libtorrent to start the traversal. */
    synchronized Op register(Kind kind, byte[] target) {
        if (failure != null) {
            throw new DhtException(failure.getMessage(), failure);
        }
        if (inFlight >= MAX_IN_FLIGHT) {
            throw new DhtException("dht: " + inFlight + " operations are already in flight on this node; "
                    + "wait for some to finish");
        }
        Op op = new Op(kind, hex(target));
        waiting.computeIfAbsent(op.target, t -> new ArrayDeque<>()).add(op);
        inFlight++;
        return op;
    }

    /** Withdraws an operation whose traversal libtorrent refused to start. */
    synchronized void cancel(Op op, Throwable cause) {
        Deque<Op> q = waiting.get(op.target);
        if (q != null && q.remove(op)) {
            if (q.isEmpty()) {
                waiting.remove(op.target);
            }
            inFlight--;
        }
        op.done.completeExceptionally(cause);
    }

    /** A line of the DHT log's traversal module. */
    synchronized void onTraversalLog(String line) {
        if (line.isEmpty() || line.charAt(0) != '[') {
            return;
        }
        int close = line.indexOf("] ");
        if (close < 2) {
            return;
        }
        long id;
        try {
            id = Long.parseLong(line, 1, close, 10);
        } catch (NumberFormatException e) {
            return;
        }
        String rest = line.substring(close + 2);
        if (rest.startsWith("NEW target: ")) {
            int end = rest.indexOf(' ', 12);
            String target = (end < 0 ? rest.substring(12) : rest.substring(12, end)).toLowerCase(Locale.ROOT);
            Deque<Op> q = waiting.get(target);
            if (q != null) {
                Op op = q.poll();
                if (q.isEmpty()) {
                    waiting.remove(target);
                }
                op.id = id;
                running.put(id, op);
            }
            return;
        }
        Op op = running.get(id);
        if (op == null) {
            return;
        }
        op.lastEventNanos = System.nanoTime();
        if (rest.startsWith("INVOKE")) {
            op.invokes++;
        } else if (rest.startsWith("RESPONSE")) {
            op.responses++;
        } else if (rest.startsWith("TIMEOUT")) {
            op.timeouts++;
        } else if (rest.startsWith("COMPLETED")) {
            running.remove(id);
            inFlight--;
            op.done.complete(op.result(true));
        }
    }

    /**
     * Ends lookups that only wait for dead nodes. libtorrent ends a traversal once each of the k
     * closest nodes has answered or failed, and a query fails for good only after 15 s (a constant
     * in its rpc_manager), so one stopped node among the closest holds a lookup for 15 s. A
     * traversal that has had answers and then stays silent for several round trips has nothing
     * more coming from live nodes: its answer is complete. The silence waited for is four times
     * the slowest round trip the traversal saw plus 100 ms, between {@link #MIN_SILENCE} and
     * {@link #MAX_SILENCE} (a little over libtorrent's 1 s short timeout, after which it would
     * query other nodes in place of the silent ones). Announces cannot be ended this way
     * (libtorrent sends announce_peer only at the very end).
     */
    synchronized void endSilentLookups() {
        long now = System.nanoTime();
        for (Iterator<Op> it = running.values().iterator(); it.hasNext(); ) {
            Op op = it.next();
            if (op.kind == Kind.LOOKUP && op.responses > 0 && now - op.lastEventNanos >= silence(op).toNanos()) {
                it.remove();
                inFlight--;
                op.done.complete(op.result(true));
            }
        }
    }

    static final Duration MIN_SILENCE = Duration.ofMillis(200);
    static final Duration MAX_SILENCE = Duration.ofMillis(1200);

    static Duration silence(Op op) {
        Duration d = Duration.ofMillis(4L * op.maxRttMillis + 100);
        return d.compareTo(MIN_SILENCE) < 0 ? MIN_SILENCE : d.compareTo(MAX_SILENCE) > 0 ? MAX_SILENCE : d;
    }

    /** A line of the DHT log's rpc_manager module; round-trip times set a lookup's silence. */
    synchronized void onRpcLog(String line) {
        int close = line.indexOf("] round trip time(ms): ");
        if (line.isEmpty() || line.charAt(0) != '[' || close < 2) {
            return;
        }
        try {
            long id = Long.parseLong(line, 1, close, 10);
            int start = close + "] round trip time(ms): ".length();
            int end = line.indexOf(' ', start);
            int rtt = Integer.parseInt(end < 0 ? line.substring(start) : line.substring(start, end));
            Op op = running.get(id);
            if (op != null && rtt > op.maxRttMillis) {
                op.maxRttMillis = rtt;
            }
        } catch (NumberFormatException e) {
            // Not the line we look for.
        }
    }

    /** A line of the DHT log's node module; only the announce report matters. */
    synchronized void onNodeLog(String line) {
        if (!line.startsWith("sending announce_peer [ ih: ")) {
            return;
        }
        String[] words = line.split("\\s+");
        // sending announce_peer [ ih: <hex> p: <port> nodes: <k> ]
        if (words.length < 9) {
            return;
        }
        String target = words[4].toLowerCase(Locale.ROOT);
        int nodes;
        try {
            nodes = Integer.parseInt(words[8]);
        } catch (NumberFormatException e) {
            return;
        }
        for (Op op : running.values()) {
            if (op.kind == Kind.ANNOUNCE && op.storedAt < 0 && op.target.equals(target)) {
                op.storedAt = nodes;
                return;
            }
        }
    }

    /** Peers found for a target go to every running operation on that target. */
    synchronized void onPeers(byte[] target, List<InetSocketAddress> peers) {
        String t = hex(target);
        for (Op op : running.values()) {
            if (op.target.equals(t)) {
                op.peers.addAll(peers);
            }
        }
    }

    /** What an operation has found so far, for a caller that stops waiting. */
    synchronized Traversal snapshot(Op op) {
        return op.result(false);
    }

    /** Fails every operation (the node is closing); later registrations fail too. */
    synchronized void failAll(Throwable cause) {
        failure = cause;
        List<Op> all = new ArrayList<>(running.values());
        for (Deque<Op> q : waiting.values()) {
            all.addAll(q);
        }
        running.clear();
        waiting.clear();
        inFlight = 0;
        for (Op op : all) {
            op.done.completeExceptionally(cause);
        }
    }

    /**
     * Drops operations older than {@code maxAge}: one libtorrent never started (its DHT was not
     * running) or never reported complete. Their callers have long stopped waiting.
     */
    synchronized void purge(Duration maxAge) {
        long now = System.nanoTime();
        List<Op> stale = new ArrayList<>();
        for (Iterator<Deque<Op>> qs = waiting.values().iterator(); qs.hasNext(); ) {
            Deque<Op> q = qs.next();
            for (Iterator<Op> it = q.iterator(); it.hasNext(); ) {
                Op op = it.next();
                if (now - op.startNanos > maxAge.toNanos()) {
                    it.remove();
                    stale.add(op);
                }
            }
            if (q.isEmpty()) {
                qs.remove();
            }
        }
        for (Iterator<Op> it = running.values().iterator(); it.hasNext(); ) {
            Op op = it.next();
            if (now - op.startNanos > maxAge.toNanos()) {
                it.remove();
                stale.add(op);
            }
        }
        inFlight -= stale.size();
        for (Op op : stale) {
            op.done.completeExceptionally(new DhtException("dht: traversal of " + op.target
                    + " did not finish within " + maxAge.toSeconds() + " s"));
        }
    }

    synchronized int inFlight() {
        return inFlight;
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
