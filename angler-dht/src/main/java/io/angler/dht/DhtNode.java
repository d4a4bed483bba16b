package io.angler.dht;

import io.angler.core.pool.PoolKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.libtorrent4j.Vectors;
import org.libtorrent4j.swig.address;
import org.libtorrent4j.swig.address_sha1_hash_pair;
import org.libtorrent4j.swig.address_sha1_hash_pair_vector;
import org.libtorrent4j.swig.alert;
import org.libtorrent4j.swig.alert_category_t;
import org.libtorrent4j.swig.alert_ptr_vector;
import org.libtorrent4j.swig.alerts_dropped_alert;
import org.libtorrent4j.swig.bdecode_node;
import org.libtorrent4j.swig.byte_vector;
import org.libtorrent4j.swig.dht_bootstrap_alert;
import org.libtorrent4j.swig.dht_error_alert;
import org.libtorrent4j.swig.dht_get_peers_reply_alert;
import org.libtorrent4j.swig.dht_log_alert;
import org.libtorrent4j.swig.dht_state;
import org.libtorrent4j.swig.error_code;
import org.libtorrent4j.swig.libtorrent;
import org.libtorrent4j.swig.listen_failed_alert;
import org.libtorrent4j.swig.listen_succeeded_alert;
import org.libtorrent4j.swig.session;
import org.libtorrent4j.swig.session_handle;
import org.libtorrent4j.swig.session_params;
import org.libtorrent4j.swig.settings_pack;
import org.libtorrent4j.swig.sha1_hash;
import org.libtorrent4j.swig.socket_type_t;
import org.libtorrent4j.swig.string_int_pair;
import org.libtorrent4j.swig.tcp_endpoint;
import org.libtorrent4j.swig.tcp_endpoint_vector;
import org.libtorrent4j.swig.udp_endpoint;
import org.libtorrent4j.swig.udp_endpoint_vector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of the pool's DHT: a libtorrent session that runs only the BitTorrent mainline DHT
 * (BEP 5), set up for a private pool. It joins through the configured bootstrap nodes only (no
 * public routers, no LSD, UPnP or NAT-PMP), accepts loopback and private addresses and many nodes
 * per address, and its node ID starts with the bits of its geohash cell. The ID and the routing
 * table are kept in the data directory, so a restarted node comes back as itself.
 *
 * <p>Each node has one libtorrent network thread and one thread here that drains libtorrent's
 * alerts; many nodes fit in one process.
 */
public final class DhtNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DhtNode.class);
    private static final Duration LISTEN_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration DHT_START_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STATE_SAVE_INTERVAL = Duration.ofMinutes(5);
    private static final Duration STALE_OPERATION = Duration.ofMinutes(2);
    private static final long ALERT_WAIT_MILLIS = 50;
    /** A provider's DHT traffic is small; the default 8 kB/s would throttle a busy pool node. */
    private static final int UPLOAD_RATE_LIMIT = 1 << 20;
    /**
     * Packets per second one IP may send before libtorrent ignores it (default 5). Nodes of a pool
     * may share an address (here, all of them), so the limit is per pool rather than per host.
     */
    private static final int BLOCK_RATE_LIMIT = 10_000;
    private static final int ALERT_QUEUE_SIZE = 20_000;
    /**
     * Forget a node after this many failed queries (libtorrent's default is 20). A node that left
     * costs every lookup that meets it a 1 s timeout, so it should leave routing tables soon; too
     * low a count lets a burst of lost packets empty a young table.
     */
    private static final int MAX_FAIL_COUNT = 5;
    private static final SecureRandom REFRESH_RANDOM = new SecureRandom();

    private final DhtConfig config;
    /** The bootstrap nodes, resolved. */
    private final List<InetSocketAddress> bootstrap;
    private final DataDir dataDir;
    private final byte[] nodeId;
    private final session session;
    private final Traversals traversals = new Traversals();
    private final CompletableFuture<InetSocketAddress> listening = new CompletableFuture<>();
    private final CompletableFuture<Void> bootstrapped = new CompletableFuture<>();
    private final Object lock = new Object();
    private final Thread pump;
    private volatile boolean closed;
    private volatile boolean tracking;
    private volatile InetSocketAddress endpoint;

    private DhtNode(DhtConfig config, DataDir dataDir, byte[] nodeId, session session,
                    List<InetSocketAddress> bootstrap) {
        this.config = config;
        this.bootstrap = bootstrap;
        this.dataDir = dataDir;
        this.nodeId = nodeId;
        this.session = session;
        this.pump = new Thread(this::pumpAlerts, "dht-alerts");
        this.pump.setDaemon(true);
    }

    /**
     * Starts a node: loads the native library, opens the data directory, listens on the bind
     * address and starts the DHT. Joining the pool goes on in the background; see
     * {@link #awaitBootstrap(Duration)}.
     *
     * @throws DhtException if the data directory is in use, the address cannot be bound or a
     *     bootstrap node does not resolve
     */
    public static DhtNode start(DhtConfig config) {
        List<InetSocketAddress> bootstrap = resolve(config.bootstrap());
        NativeLibrary.prepare();
        DataDir dir = DataDir.open(config.dataDir());
        DhtNode node;
        try {
            byte[] id = dir.nodeId(config.location().prefix(config.idPrecision()));
            session_params params = loadState(dir);
            params.setSettings(settings(config));
            dht_state state = params.getDht_state();
            udp_endpoint_vector known = state.getNodes();
            for (InetSocketAddress b : bootstrap) {
                known.add(new udp_endpoint(nativeAddress(b.getAddress()), b.getPort()));
            }
            state.setNodes(known);
            address_sha1_hash_pair_vector nids = new address_sha1_hash_pair_vector();
            nids.add(new address_sha1_hash_pair(nativeAddress(config.bind().getAddress()), sha1(id)));
            state.setNids(nids);
            params.setDht_state(state);
            node = new DhtNode(config, dir, id, new session(params), bootstrap);
        } catch (RuntimeException e) {
            dir.close();
            throw e;
        }
        try {
            node.pump.setName("dht-alerts-" + HexFormat.of().formatHex(node.nodeId, 0, 4));
            node.pump.start();
            node.endpoint = await(node.listening, LISTEN_TIMEOUT, "listening on " + describe(config.bind()));
            node.pump.setName("dht-alerts-" + node.endpoint.getPort());
            node.startDht();
            log.info("DHT node {} listening on {} (bootstrap: {})", node.nodeIdHex(), describe(node.endpoint),
                    bootstrap.isEmpty() ? "none" : describe(bootstrap));
            return node;
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
    }

    /** The UDP endpoint other nodes reach this node at. */
    public InetSocketAddress endpoint() {
        return endpoint;
    }

    public DhtConfig config() {
        return config;
    }

    public String nodeIdHex() {
        return HexFormat.of().formatHex(nodeId);
    }

    public byte[] nodeId() {
        return nodeId.clone();
    }

    /** The number of nodes in this node's routing table. */
    public int knownNodes() {
        synchronized (lock) {
            ensureOpen();
            session_params p = session.session_state(session_handle.save_dht_state);
            dht_state s = p.getDht_state();
            return s.getNodes().size() + s.getNodes6().size();
        }
    }

    /**
     * Waits until the node has joined the pool: its bootstrap lookup ended and it knows at least
     * one other node. If the lookup ended knowing no node (a lost packet is enough), the bootstrap
     * nodes are asked again until {@code timeout}.
     *
     * @throws DhtException naming the bootstrap nodes if none answered within {@code timeout}
     */
    public void awaitBootstrap(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextRejoin = 0;
        while (true) {
            boolean done = bootstrapped.isDone();
            int known = knownNodes();
            long now = System.nanoTime();
            if (known > 0 && done) {
                return;
            }
            if (now >= deadline) {
                if (known == 0) {
                    throw new DhtException(noRoutingTable() + " (waited " + timeout.toMillis() + " ms)");
                }
                return;
            }
            if (done && now >= nextRejoin) {
                rejoin();
                nextRejoin = now + Duration.ofMillis(500).toNanos();
            }
            try {
                bootstrapped.get(Math.min(20, Math.max(1, (deadline - now) / 1_000_000)), TimeUnit.MILLISECONDS);
                if (done) {
                    Thread.sleep(20);
                }
            } catch (TimeoutException | ExecutionException e) {
                // Checked again at the top of the loop.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DhtException("dht: interrupted while joining the DHT", e);
            }
        }
    }

    /** The message for a node that knows no other node, naming what to check. */
    String noRoutingTable() {
        if (bootstrap.isEmpty()) {
            return "dht: node " + describe(endpoint) + " knows no other node: it has no bootstrap nodes and "
                    + "no node has contacted it yet";
        }
        return "dht: node " + describe(endpoint) + " knows no other node: none of the bootstrap nodes "
                + describe(bootstrap) + " answered; check that they run and that UDP reaches them";
    }

    /** The pool's epochs (from the configured expiry). */
    Epochs epochs() {
        return config.epochs();
    }

    /**
     * Refreshes the routing table without waiting for the result: looks up this node's own ID (the
     * Kademlia join step) and a random ID under each coarser cell of its location (precisions 3
     * to one less than its ID's), which fills the buckets where the pool keys of its area lie.
     * Worth doing once after many nodes joined together: the first ones joined an almost empty
     * network, and libtorrent returns only nodes it has heard from, so a young network answers
     * lookups from partial tables.
     */
    public void refresh() {
        synchronized (lock) {
            ensureOpen();
            if (!session.is_dht_running()) {
                return;
            }
            session.dht_get_peers(sha1(nodeId));
            for (int p = Math.min(3, config.idPrecision() - 1); p < config.idPrecision(); p++) {
                if (p < 1) {
                    continue;
                }
                byte[] random = new byte[nodeId.length];
                REFRESH_RANDOM.nextBytes(random);
                session.dht_get_peers(sha1(PoolKey.overlay(random, config.location().prefix(p))));
            }
        }
    }

    /** Starts a get_peers traversal for {@code target}. */
    Traversals.Op getPeers(byte[] target) {
        return startTraversal(Traversals.Kind.LOOKUP, target, 0);
    }

    /** Starts a BEP 5 announce of {@code port} (and this node's address) under {@code target}. */
    Traversals.Op announce(byte[] target, int port) {
        return startTraversal(Traversals.Kind.ANNOUNCE, target, port);
    }

    /**
     * Waits for a traversal until {@code deadline}; past it, returns what it found so far, marked
     * incomplete.
     */
    Traversals.Traversal await(Traversals.Op op, Instant deadline) {
        long nanos = Math.max(0, Duration.between(Instant.now(), deadline).toNanos());
        try {
            return op.future().get(nanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return traversals.snapshot(op);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof DhtException d ? d : new DhtException("dht: " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DhtException("dht: interrupted while waiting for a lookup", e);
        }
    }

    private Traversals.Op startTraversal(Traversals.Kind kind, byte[] target, int port) {
        synchronized (lock) {
            ensureOpen();
            if (!tracking) {
                tracking = true;
                applyAlertMask();
            }
            if (!session.is_dht_running()) {
                throw new DhtException("dht: the DHT of node " + describe(endpoint) + " is not running");
            }
            Traversals.Op op = traversals.register(kind, target);
            try {
                if (kind == Traversals.Kind.LOOKUP) {
                    session.dht_get_peers(sha1(target));
                } else {
                    session.dht_announce_ex(sha1(target), port, (byte) 0);
                }
            } catch (RuntimeException e) {
                DhtException failure = new DhtException("dht: libtorrent refused the traversal: " + e.getMessage(), e);
                traversals.cancel(op, failure);
                throw failure;
            }
            return op;
        }
    }

    private void startDht() {
        settings_pack sp = new settings_pack();
        sp.set_bool(settings_pack.bool_types.enable_dht.swigValue(), true);
        synchronized (lock) {
            session.apply_settings(sp);
        }
        long deadline = System.nanoTime() + DHT_START_TIMEOUT.toNanos();
        while (!session.is_dht_running()) {
            if (System.nanoTime() > deadline) {
                throw new DhtException("dht: the DHT did not start within " + DHT_START_TIMEOUT.toSeconds() + " s");
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DhtException("dht: interrupted while starting", e);
            }
        }
    }

    /**
     * The settings for a private pool. libtorrent starts with the DHT off: it is switched on once
     * the listen socket is open, because a DHT started before its socket exists ignores the saved
     * node ID. The bootstrap nodes are given as known nodes of the saved state rather than as
     * libtorrent "router" nodes: routers never enter a routing table, and in a small pool the
     * bootstrap node is one of the few nodes there are.
     */
    private static settings_pack settings(DhtConfig config) {
        settings_pack sp = new settings_pack();
        sp.set_str(settings_pack.string_types.listen_interfaces.swigValue(), hostPort(config.bind()));
        // The configured port or an error, never a port libtorrent picks instead.
        sp.set_bool(settings_pack.bool_types.listen_system_port_fallback.swigValue(), false);
        sp.set_int(settings_pack.int_types.max_retry_port_bind.swigValue(), 0);
        // No public routers: the default would contact dht.libtorrent.org.
        sp.set_str(settings_pack.string_types.dht_bootstrap_nodes.swigValue(), "");
        sp.set_bool(settings_pack.bool_types.enable_dht.swigValue(), false);
        sp.set_bool(settings_pack.bool_types.enable_lsd.swigValue(), false);
        sp.set_bool(settings_pack.bool_types.enable_upnp.swigValue(), false);
        sp.set_bool(settings_pack.bool_types.enable_natpmp.swigValue(), false);
        sp.set_bool(settings_pack.bool_types.enable_ip_notifier.swigValue(), false);
        // Pool nodes may sit on loopback, private networks and shared addresses.
        sp.set_bool(settings_pack.bool_types.dht_restrict_routing_ips.swigValue(), false);
        sp.set_bool(settings_pack.bool_types.dht_restrict_search_ips.swigValue(), false);
        sp.set_bool(settings_pack.bool_types.dht_ignore_dark_internet.swigValue(), false);
        sp.set_bool(settings_pack.bool_types.dht_enforce_node_id.swigValue(), false);
        sp.set_bool(settings_pack.bool_types.dht_prefer_verified_node_ids.swigValue(), false);
        sp.set_bool(settings_pack.bool_types.dht_privacy_lookups.swigValue(), false);
        sp.set_bool(settings_pack.bool_types.dht_aggressive_lookups.swigValue(), true);
        sp.set_int(settings_pack.int_types.dht_block_ratelimit.swigValue(), BLOCK_RATE_LIMIT);
        sp.set_int(settings_pack.int_types.dht_upload_rate_limit.swigValue(), UPLOAD_RATE_LIMIT);
        sp.set_int(settings_pack.int_types.dht_max_fail_count.swigValue(), MAX_FAIL_COUNT);
        // No torrents run here: one disk and one hashing thread at most (created lazily, if ever).
        sp.set_int(settings_pack.int_types.aio_threads.swigValue(), 1);
        sp.set_int(settings_pack.int_types.hashing_threads.swigValue(), 1);
        sp.set_int(settings_pack.int_types.alert_queue_size.swigValue(), ALERT_QUEUE_SIZE);
        sp.set_int(settings_pack.int_types.alert_mask.swigValue(), alertMask(false, false).to_int());
        return sp;
    }

    /**
     * Passive nodes only need errors, their listen result and the end of bootstrap. A node that
     * announces or looks up also needs the DHT log, which is how a traversal's end is seen.
     */
    private static alert_category_t alertMask(boolean tracking, boolean bootstrapped) {
        alert_category_t mask = libtorrent.getError().or_(libtorrent.getStatus());
        if (!bootstrapped) {
            mask = mask.or_(libtorrent.getDht());
        }
        if (tracking) {
            mask = mask.or_(libtorrent.getDht_operation()).or_(libtorrent.getDht_log());
        }
        return mask;
    }

    private void applyAlertMask() {
        settings_pack sp = new settings_pack();
        sp.set_int(settings_pack.int_types.alert_mask.swigValue(), alertMask(tracking, bootstrapped.isDone()).to_int());
        session.apply_settings(sp);
    }

    private void pumpAlerts() {
        alert_ptr_vector alerts = new alert_ptr_vector();
        long nextSave = System.nanoTime() + STATE_SAVE_INTERVAL.toNanos();
        long nextPurge = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!closed) {
            try {
                session.wait_for_alert_ms(ALERT_WAIT_MILLIS);
                if (closed) {
                    break;
                }
                session.pop_alerts(alerts);
                int n = alerts.size();
                for (int i = 0; i < n; i++) {
                    handle(alerts.get(i));
                }
                traversals.endSilentLookups();
                long now = System.nanoTime();
                if (now > nextPurge) {
                    traversals.purge(STALE_OPERATION);
                    rejoinIfAlone();
                    nextPurge = now + Duration.ofSeconds(10).toNanos();
                }
                if (now > nextSave) {
                    saveState();
                    nextSave = now + STATE_SAVE_INTERVAL.toNanos();
                }
            } catch (RuntimeException e) {
                log.warn("DHT node {}: error while handling alerts: {}", describe(endpoint), e.toString());
            }
        }
    }

    private void handle(alert a) {
        int type = a.type();
        if (type == dht_log_alert.alert_type) {
            dht_log_alert l = alert.cast_to_dht_log_alert(a);
            dht_log_alert.dht_module_t module = l.getModule();
            if (module == dht_log_alert.dht_module_t.traversal) {
                traversals.onTraversalLog(l.log_message());
            } else if (module == dht_log_alert.dht_module_t.node) {
                traversals.onNodeLog(l.log_message());
            } else if (module == dht_log_alert.dht_module_t.rpc_manager) {
                traversals.onRpcLog(l.log_message());
            }
        } else if (type == dht_get_peers_reply_alert.alert_type) {
            dht_get_peers_reply_alert r = alert.cast_to_dht_get_peers_reply_alert(a);
            traversals.onPeers(Vectors.byte_vector2bytes(r.getInfo_hash().to_bytes()), peers(r.peers()));
        } else if (type == listen_succeeded_alert.alert_type) {
            listen_succeeded_alert l = alert.cast_to_listen_succeeded_alert(a);
            if (l.get_socket_type() == socket_type_t.utp.swigValue()) {
                listening.complete(new InetSocketAddress(config.bind().getAddress(), l.getPort()));
            }
        } else if (type == listen_failed_alert.alert_type) {
            listen_failed_alert l = alert.cast_to_listen_failed_alert(a);
            listening.completeExceptionally(new DhtException("dht: cannot listen on " + describe(config.bind())
                    + ": " + l.getError().message() + "; choose another address or port (0 lets the OS choose)"));
        } else if (type == dht_bootstrap_alert.alert_type) {
            if (bootstrapped.complete(null)) {
                synchronized (lock) {
                    if (!closed) {
                        applyAlertMask();
                    }
                }
                saveState();
            }
        } else if (type == alerts_dropped_alert.alert_type) {
            log.warn("DHT node {}: libtorrent dropped alerts; lookups in flight may time out", describe(endpoint));
        } else if (type == dht_error_alert.alert_type) {
            log.warn("DHT node {}: {}", describe(endpoint), a.message());
        }
    }

    /**
     * A node whose table is empty (its bootstrap nodes were down when it started) asks them again;
     * libtorrent itself only retries router nodes, which we do not use.
     */
    private void rejoinIfAlone() {
        if (!bootstrap.isEmpty() && bootstrapped.isDone() && knownNodes() == 0) {
            rejoin();
        }
    }

    /** Pings the bootstrap nodes; each that answers enters the routing table. */
    private void rejoin() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            for (InetSocketAddress b : bootstrap) {
                session.add_dht_node(new string_int_pair(b.getAddress().getHostAddress(), b.getPort()));
            }
        }
    }

    private static List<InetSocketAddress> peers(tcp_endpoint_vector v) {
        int n = v.size();
        List<InetSocketAddress> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            tcp_endpoint e = v.get(i);
            InetAddress ip = literal(e.address().to_string());
            if (ip != null && e.port() > 0) {
                out.add(new InetSocketAddress(ip, e.port()));
            }
        }
        return out;
    }

    /** Parses an IP literal without ever asking DNS; null if it is not one. */
    static InetAddress literal(String text) {
        if (text == null || text.isEmpty() || !text.matches("[0-9A-Fa-f:.%]+")) {
            return null;
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private void saveState() {
        try {
            byte[] state;
            synchronized (lock) {
                if (closed && !pumpStopped()) {
                    return;
                }
                session_params p = session.session_state(session_handle.save_dht_state);
                state = Vectors.byte_vector2bytes(session_params.write_session_params_buf(p, session_handle.save_dht_state));
            }
            dataDir.saveRoutingState(state);
        } catch (RuntimeException e) {
            log.warn("DHT node {}: cannot save routing state: {}", describe(endpoint), e.getMessage());
        }
    }

    private boolean pumpStopped() {
        return !pump.isAlive();
    }

    private static session_params loadState(DataDir dir) {
        byte[] saved = dir.routingState();
        if (saved != null) {
            byte_vector buffer = Vectors.bytes2byte_vector(saved);
            bdecode_node node = new bdecode_node();
            error_code ec = new error_code();
            if (bdecode_node.bdecode(buffer, node, ec) == 0 && !ec.failed()) {
                return session_params.read_session_params(node, session_handle.save_dht_state);
            }
            log.warn("routing state in {} is corrupt ({}); starting without it", dir.path(), ec.message());
        }
        return new session_params();
    }

    private void ensureOpen() {
        if (closed) {
            throw new DhtException("dht: node " + describe(endpoint) + " is closed");
        }
    }

    /** Stops the node, saving its routing state for the next start. Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (pump.isAlive()) {
            try {
                pump.join(ALERT_WAIT_MILLIS * 20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        traversals.failAll(new DhtException("dht: node " + describe(endpoint) + " was closed"));
        if (endpoint != null && pumpStopped()) {
            saveState();
        }
        synchronized (lock) {
            if (pumpStopped()) {
                session.delete();
            } else {
                log.warn("DHT node {}: alert thread did not stop; leaving the session to the process exit",
                        describe(endpoint));
            }
        }
        dataDir.close();
    }

    private static <T> T await(CompletableFuture<T> future, Duration timeout, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new DhtException("dht: " + what + " did not finish within " + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof DhtException d ? d : new DhtException("dht: " + what + ": " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DhtException("dht: interrupted while " + what, e);
        }
    }

    private static List<InetSocketAddress> resolve(List<InetSocketAddress> nodes) {
        List<InetSocketAddress> out = new ArrayList<>(nodes.size());
        for (InetSocketAddress n : nodes) {
            if (n.isUnresolved()) {
                try {
                    n = new InetSocketAddress(InetAddress.getByName(n.getHostString()), n.getPort());
                } catch (UnknownHostException e) {
                    throw new DhtException("dht: bootstrap node " + n.getHostString() + " does not resolve", e);
                }
            }
            out.add(n);
        }
        return out;
    }

    static sha1_hash sha1(byte[] twentyBytes) {
        return new sha1_hash(Vectors.bytes2byte_vector(twentyBytes));
    }

    private static address nativeAddress(InetAddress ip) {
        error_code ec = new error_code();
        address a = address.from_string(ip.getHostAddress(), ec);
        if (ec.failed()) {
            throw new DhtException("dht: address " + ip.getHostAddress() + " is not usable: " + ec.message());
        }
        return a;
    }

    /** host:port as libtorrent parses it, IPv6 in brackets. */
    static String hostPort(InetSocketAddress a) {
        String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        int zone = host.indexOf('%');
        if (zone >= 0) {
            host = host.substring(0, zone);
        }
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    static String describe(InetSocketAddress a) {
        return a == null ? "(not listening)" : hostPort(a);
    }

    static String describe(List<InetSocketAddress> nodes) {
        return nodes.isEmpty() ? "(none)" : nodes.stream().map(DhtNode::hostPort).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return "DhtNode[" + describe(endpoint) + ", id " + nodeIdHex() + "]";
    }
}
