package io.angler.node.requester;

import io.angler.core.placement.Allocation;
import io.angler.core.placement.PlacementRequest;
import io.angler.core.placement.PlacementWidths;
import io.angler.dht.Candidate;
import io.angler.dht.DhtException;
import io.angler.mpc.MpcAbortException;
import io.angler.mpc.net.MpcListener;
import io.angler.mpc.net.TlsIdentity;
import io.angler.node.control.ControlClient;
import io.angler.node.lease.SessionKey;
import io.angler.node.protocol.Message;
import io.angler.node.protocol.ProtocolException;
import io.angler.node.provision.CredentialRequest;
import io.angler.node.select.Probed;
import io.angler.node.select.Selection;
import io.angler.node.select.SelectionException;
import io.angler.node.select.SessionAttempts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requester's runtime (SPEC section 1, steps 3 to 9 from its side): discovery, a concurrent
 * probe of every candidate over mutual TLS, selection under the time budget, the session set-up
 * with each chosen provider, the placement under MPC (this requester is party 0), the claim from
 * each winner over the same authenticated connection, the kubeconfigs written, and the leases kept
 * on record for {@code angler lease}. A session that fails (a refused set-up, a timeout, a
 * disconnect, a failed check, a failed claim) is ended at every provider, the parties it is
 * attributed to are excluded, and a new session is tried with the rest and the backups, a bounded
 * number of times.
 *
 * <p>Nothing secret is logged or reported as progress: not the units asked for, not the price
 * limit. One requester can serve several requests at a time.
 */
public final class Requester implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Requester.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int PROBE_ROUNDS = 2;
    private static final AtomicInteger THREADS = new AtomicInteger();
    /**
     * The checks that, failing at a provider on the requester's message, no other provider could
     * have made fail: pairwise OT and its KOS check (the challenge is the checker's own), a party's
     * commitment and its opening, openings of shares that are plain authenticated bits (input and
     * output masks), the leaky-AND opening (its commitment is checked in the broadcast transcript
     * first) and the message format. Not here: abit-mac, global-key and triple-open (they depend on
     * coins and broadcasts another provider can send two parties differently before the transcript is
     * compared), output-label (another garbler's rows feed the label), and anything not in the engine.
     */
    static final Set<String> REQUESTER_ALONE = Set.of("base-ot-point", "cot-consistency", "cot-count",
            "coin-toss-opening", "input-mask", "output-mask", "leaky-and-opening", "protocol", "frame-size");

    private final RequesterSettings settings;
    private final TlsIdentity identity;
    private final MpcListener mpc;
    private final RequesterRunner runner;
    private final Selection selection;
    private final HeldLeases held;
    private final Clock clock;
    private final ExecutorService pool;

    private Requester(RequesterSettings settings, TlsIdentity identity, MpcListener mpc, RequesterRunner runner,
                      Clock clock) {
        this.settings = settings;
        this.identity = identity;
        this.mpc = mpc;
        this.runner = runner;
        this.selection = new Selection(settings.model());
        this.held = new HeldLeases(settings.dataDir());
        this.clock = clock;
        this.pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "angler-requester-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Loads (or makes) the requester's identity and opens its MPC endpoint.
     *
     * @param runners makes the runner of the requester's side of a placement from its MPC
     *     listener; null for a requester that only probes (requests then stop after the probe,
     *     saying so)
     */
    public static Requester start(RequesterSettings settings, Function<MpcListener, RequesterRunner> runners,
                                  Clock clock) {
        TlsIdentity identity = TlsIdentity.loadOrCreate(settings.dataDir());
        MpcListener mpc = MpcListener.bind(identity, settings.mpcListen().resolve());
        try {
            return new Requester(settings, identity, mpc, runners == null ? null : runners.apply(mpc), clock);
        } catch (RuntimeException e) {
            mpc.close();
            throw e;
        }
    }

    public String fingerprint() {
        return identity.fingerprint();
    }

    public TlsIdentity identity() {
        return identity;
    }

    public InetSocketAddress mpcAddress() {
        return mpc.address();
    }

    public HeldLeases heldLeases() {
        return held;
    }

    /**
     * Carries out one request.
     *
     * @return the result; {@link RequestResult#served()} is false when the session's providers
     *     cannot serve the request or every winner asked more than {@code --max-price}
     * @throws RequestException when too few providers are found or answer, no session fits the
     *     budget, or every attempt failed; the message says which and what to try
     */
    public RequestResult request(RequestSpec spec, CandidateSource source, Progress progress) {
        long start = System.nanoTime();
        Map<String, Double> timings = new LinkedHashMap<>();
        for (String phase : List.of("discovery", "probe", "setup", "mpc", "claim", "kubeconfig")) {
            timings.put(phase, 0.0);
        }
        progress.step("discovering providers of " + spec.unit() + " near " + spec.location() + " on " + source.describe());
        List<Candidate> found;
        long t = System.nanoTime();
        try {
            found = source.find(spec.unit(), spec.location(), spec.search());
        } catch (DhtException e) {
            throw new RequestException("discovery failed: " + e.getMessage(), e);
        }
        timings.put("discovery", ms(t));
        if (found.isEmpty()) {
            throw new RequestException("no provider of " + spec.unit() + " was found near " + spec.location()
                    + " (searched precisions " + spec.search().finestPrecision() + " to " + spec.search().coarsestPrecision()
                    + " on " + source.describe() + "); try another --location, a coarser search, or check that"
                    + " providers of this unit announce on this DHT");
        }

        progress.step("probing " + found.size() + " candidate provider" + (found.size() == 1 ? "" : "s"));
        t = System.nanoTime();
        Map<String, ProviderLink> links = probeAll(found, progress);
        timings.put("probe", ms(t));
        try {
            if (links.isEmpty()) {
                throw new RequestException("none of the " + found.size() + " provider(s) found answered the probe"
                        + " (their addresses: " + describe(found) + "); check that they run and are reachable");
            }
            if (runner == null) {
                throw new RequestException(links.size() + " provider(s) answered, but this requester was started"
                        + " without a placement engine, so no session was started");
            }
            List<Probed> probed = new ArrayList<>();
            for (ProviderLink l : links.values()) {
                probed.add(new Probed(l.endpoint(), l.fingerprint(), l.probed().rttMs()));
            }
            SessionAttempts attempts = new SessionAttempts(probed, spec.selectionLimits(), selection, spec.maxAttempts());
            List<String> failures = new ArrayList<>();
            Selection.Plan plan;
            try {
                plan = attempts.first();
            } catch (SelectionException e) {
                throw new RequestException(e.getMessage(), e);
            }
            while (true) {
                Attempt a = new Attempt(spec, plan, links, timings, progress, attempts.attempts());
                Outcome o = a.run();
                if (o.failure == null) {
                    timings.put("total", ms(start));
                    return new RequestResult(a.sessionId, spec.mode(), a.request, a.sessionProviders(),
                            o.allocations, o.declined, o.leases, attempts.attempts(), failures, found.size(),
                            links.size(), timings);
                }
                failures.add("session " + attempts.attempts() + ": " + o.failure);
                progress.step("session " + attempts.attempts() + " failed: " + o.failure);
                try {
                    plan = attempts.afterFailure(o.failed, o.suspected);
                } catch (SelectionException e) {
                    throw new RequestException(e.getMessage() + "; " + String.join("; ", failures), e);
                }
                progress.step("retrying with " + plan.providers().size() + " provider(s)"
                        + (attempts.excluded().isEmpty() ? "" : ", without " + shortList(attempts.excluded())));
            }
        } finally {
            links.values().forEach(ProviderLink::close);
        }
    }

    /** Probes every candidate at once; returns the ones that answered, by fingerprint, fastest first. */
    private Map<String, ProviderLink> probeAll(List<Candidate> found, Progress progress) {
        List<ProviderLink> all = new ArrayList<>();
        List<CompletableFuture<Void>> probes = new ArrayList<>();
        for (Candidate c : found) {
            ProviderLink link = new ProviderLink(c, identity, settings.controlTimeout());
            all.add(link);
            probes.add(CompletableFuture.runAsync(() -> {
                try {
                    link.probe(PROBE_ROUNDS);
                } catch (IOException | RuntimeException e) {
                    link.close();
                    throw new CompletionException(e);
                }
            }, pool));
        }
        Map<String, ProviderLink> byFingerprint = new LinkedHashMap<>();
        List<String> failed = new ArrayList<>();
        for (int i = 0; i < found.size(); i++) {
            try {
                probes.get(i).join();
            } catch (CompletionException e) {
                failed.add(found.get(i).endpoint() + ": " + e.getCause().getMessage());
            }
        }
        all.sort(java.util.Comparator.comparingDouble(l -> l.probed() == null ? Double.MAX_VALUE : l.probed().rttMs()));
        for (ProviderLink l : all) {
            if (l.probed() == null) {
                continue;
            }
            if (byFingerprint.putIfAbsent(l.fingerprint(), l) != null) {
                l.close(); // the same provider under a second address
            }
        }
        if (!failed.isEmpty()) {
            progress.step(failed.size() + " of " + found.size() + " provider(s) did not answer the probe");
            log.info("probe failures: {}", failed);
        }
        return byFingerprint;
    }

    /** One session: set-up, placement, claims. */
    private final class Attempt {
        final RequestSpec spec;
        final Selection.Plan plan;
        final Map<String, ProviderLink> links;
        final Map<String, Double> timings;
        final Progress progress;
        final int number;
        final String sessionId = newSessionId();
        final List<ProviderLink> chosen = new ArrayList<>();
        final PlacementRequest request;

        Attempt(RequestSpec spec, Selection.Plan plan, Map<String, ProviderLink> links, Map<String, Double> timings,
                Progress progress, int number) {
            this.spec = spec;
            this.plan = plan;
            this.links = links;
            this.timings = timings;
            this.progress = progress;
            this.number = number;
            for (Probed p : plan.providers()) {
                chosen.add(links.get(p.fingerprint()));
            }
            this.request = spec.placementRequest(chosen.size());
        }

        List<RequestResult.SessionProvider> sessionProviders() {
            List<RequestResult.SessionProvider> out = new ArrayList<>();
            for (int i = 0; i < chosen.size(); i++) {
                ProviderLink l = chosen.get(i);
                out.add(new RequestResult.SessionProvider(i + 1, l.fingerprint(), l.endpoint().getHostString(),
                        l.endpoint().getPort(), l.probed().rttMs()));
            }
            return out;
        }

        Outcome run() {
            progress.step(String.format(Locale.ROOT, "session %d: %d provider(s), predicted %.0f ms (budget %d ms)",
                    number, chosen.size(), plan.predictedMs(), spec.budget().toMillis()));
            // ---- set-up ----
            long t = System.nanoTime();
            List<Message.SessionSetup> setups = setups();
            List<CompletableFuture<Message.SetupAck>> acks = new ArrayList<>();
            for (int i = 0; i < chosen.size(); i++) {
                ProviderLink l = chosen.get(i);
                Message.SessionSetup s = setups.get(i);
                acks.add(CompletableFuture.supplyAsync(() -> call(l, c -> c.setup(s)), pool));
            }
            Set<String> refused = new LinkedHashSet<>();
            List<String> reasons = new ArrayList<>();
            for (int i = 0; i < chosen.size(); i++) {
                try {
                    Message.SetupAck ack = acks.get(i).join();
                    if (ack.partyIndex() != i + 1) {
                        throw new ProtocolException(io.angler.node.protocol.ErrorCode.UNEXPECTED, "provider at "
                                + chosen.get(i).endpoint() + " joined as party " + ack.partyIndex() + ", not " + (i + 1));
                    }
                } catch (CompletionException e) {
                    refused.add(chosen.get(i).fingerprint());
                    reasons.add(e.getCause().getMessage());
                }
            }
            add("setup", t);
            if (!refused.isEmpty()) {
                endEverywhere(chosen);
                return Outcome.failed(refused, "set-up refused: " + String.join("; ", reasons));
            }

            // ---- placement under MPC ----
            progress.step("session " + number + ": placement under MPC with " + chosen.size() + " provider(s)");
            t = System.nanoTime();
            List<Allocation> allocations;
            try {
                allocations = runner.run(setups.get(0), request);
                check(allocations);
            } catch (MpcAbortException e) {
                add("mpc", t);
                endEverywhere(chosen);
                return blame(e);
            } catch (Exception e) {
                add("mpc", t);
                endEverywhere(chosen);
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                    throw new RequestException("interrupted during the placement", e);
                }
                return Outcome.failed(Set.of(), "the placement failed: " + e);
            }
            add("mpc", t);

            // ---- the price limit, applied to what the requester learned ----
            List<Allocation> accepted = new ArrayList<>();
            List<Allocation> declined = new ArrayList<>();
            for (Allocation a : allocations) {
                (spec.maxPrice() != null && a.price() > spec.maxPrice() ? declined : accepted).add(a);
            }
            if (!declined.isEmpty()) {
                progress.step("session " + number + ": declining " + declined.size() + " allocation(s) above --max-price");
                endEverywhere(declined.stream().map(a -> chosen.get(a.provider() - 1)).toList());
            }
            if (accepted.isEmpty()) {
                return Outcome.done(allocations, declined, List.of());
            }

            // ---- claims ----
            progress.step("session " + number + ": claiming from " + accepted.size() + " winner(s)");
            t = System.nanoTime();
            List<CompletableFuture<Claimed>> claims = new ArrayList<>();
            for (Allocation a : accepted) {
                claims.add(CompletableFuture.supplyAsync(() -> claim(a), pool));
            }
            List<Claimed> claimed = new ArrayList<>();
            Set<String> failed = new LinkedHashSet<>();
            List<String> why = new ArrayList<>();
            for (int i = 0; i < accepted.size(); i++) {
                try {
                    claimed.add(claims.get(i).join());
                } catch (CompletionException e) {
                    ProviderLink l = chosen.get(accepted.get(i).provider() - 1);
                    failed.add(l.fingerprint());
                    why.add(e.getCause().getMessage());
                }
            }
            add("claim", t);
            if (!failed.isEmpty()) {
                // All or nothing: a partial allocation is not what was asked for.
                for (Claimed c : claimed) {
                    releaseQuietly(c);
                }
                endEverywhere(chosen);
                return Outcome.failed(failed, "claim failed: " + String.join("; ", why));
            }

            // ---- kubeconfigs and the record of held leases ----
            t = System.nanoTime();
            List<HeldLease> leases = new ArrayList<>();
            for (Claimed c : claimed) {
                Path file = KubeconfigFiles.write(spec.outputDir(), c.reply.leaseId(), c.reply.kubeconfig(), c.key);
                leases.add(new HeldLease(c.reply.leaseId(), sessionId, c.link.endpoint().getHostString(),
                        c.link.endpoint().getPort(), c.link.fingerprint(), c.reply.namespace(), spec.unit(),
                        c.reply.units(), c.reply.price(), clock.instant(), Instant.ofEpochMilli(c.reply.expiresAtEpochMs()),
                        file.toAbsolutePath().normalize().toString()));
            }
            held.put(leases);
            add("kubeconfig", t);
            return Outcome.done(allocations, declined, leases);
        }

        /**
         * What the abort says about the providers (docs/protocol.md, "Failures and retries"): the
         * requester's own evidence is certain; each provider's abort notice blaming another provider
         * makes a suspected pair; a notice blaming the requester itself on a check of a message only
         * the requester made ({@link #REQUESTER_ALONE}) is a lie, so certain evidence against its
         * sender; on any other check it makes its sender a suspect.
         */
        private Outcome blame(MpcAbortException e) {
            Set<String> certain = new LinkedHashSet<>();
            List<Set<String>> pairs = new ArrayList<>();
            List<String> said = new ArrayList<>();
            int peer = e.peer();
            if (peer >= 1 && peer <= chosen.size()) {
                certain.add(chosen.get(peer - 1).fingerprint());
                said.add((e.evidence() == MpcAbortException.Evidence.DEPARTURE ? "provider " + peer + " left"
                        : "provider " + peer + " failed the check") + " (seen here)");
            }
            for (int left : e.departed()) {
                if (left >= 1 && left <= chosen.size() && certain.add(chosen.get(left - 1).fingerprint())) {
                    said.add("provider " + left + " left without an abort notice");
                }
            }
            List<MpcAbortException.Report> reports = new ArrayList<>(e.reports());
            if (e.report() != null && !reports.contains(e.report())) {
                reports.add(e.report());
            }
            for (MpcAbortException.Report r : reports) {
                int from = r.reporter();
                int blamed = r.blamed();
                boolean accuses = r.evidence() == MpcAbortException.Evidence.CHECK
                        || r.evidence() == MpcAbortException.Evidence.DEPARTURE;
                if (!accuses || from < 1 || from > chosen.size() || blamed < 0 || blamed > chosen.size()) {
                    continue;
                }
                if (blamed == 0) {
                    if (r.evidence() != MpcAbortException.Evidence.CHECK) {
                        continue;
                    }
                    if (REQUESTER_ALONE.contains(r.check())) {
                        certain.add(chosen.get(from - 1).fingerprint()); // this requester followed the protocol
                        said.add("provider " + from + " falsely blamed the requester (" + r.check() + ")");
                    } else {
                        // Either the reporter lies or another provider made the check fail: suspect the reporter.
                        Set<String> alone = Set.of(chosen.get(from - 1).fingerprint());
                        if (!pairs.contains(alone)) {
                            pairs.add(alone);
                        }
                        said.add("provider " + from + " blamed the requester (" + r.check()
                                + ", which another provider could have caused)");
                    }
                    continue;
                }
                Set<String> pair = Set.of(chosen.get(from - 1).fingerprint(), chosen.get(blamed - 1).fingerprint());
                if (!pairs.contains(pair)) {
                    pairs.add(pair);
                    said.add("provider " + from + " blamed provider " + blamed + " (" + r.check() + ")");
                }
            }
            String why = "the placement aborted (" + e.getMessage() + ")";
            if (!said.isEmpty()) {
                why += "; " + String.join(", ", said);
            }
            if (peer >= 1 && peer <= chosen.size()) {
                why += "; attributed to provider " + peer + " at " + chosen.get(peer - 1).endpoint();
            }
            return Outcome.failed(certain, pairs, why);
        }

        private List<Message.SessionSetup> setups() {
            String host = settings.advertiseHost() != null ? settings.advertiseHost()
                    : chosen.get(0).localAddress().getHostAddress();
            List<Message.Party> parties = new ArrayList<>();
            int port = settings.advertisePort() != 0 ? settings.advertisePort() : mpc.address().getPort();
            parties.add(new Message.Party(host, port, identity.fingerprint()));
            for (ProviderLink l : chosen) {
                InetSocketAddress e = l.endpoint();
                String h = e.getAddress() != null ? e.getAddress().getHostAddress() : e.getHostString();
                parties.add(new Message.Party(h, l.probed().mpcPort(), l.fingerprint()));
            }
            long deadline = clock.millis() + spec.sessionTimeout().toMillis();
            PlacementWidths w = PlacementWidths.DEFAULT;
            List<Message.SessionSetup> out = new ArrayList<>();
            for (ProviderLink l : chosen) {
                // Each provider is told the pool key it was found under: the one its offer is announced at.
                out.add(new Message.SessionSetup(sessionId, l.candidate().key().hex(), spec.mode(), w.unitBits(),
                        w.priceBits(), parties, deadline));
            }
            return out;
        }

        /** The requester's view must be a possible result of its own request. */
        private void check(List<Allocation> allocations) {
            long total = 0;
            for (Allocation a : allocations) {
                if (a.provider() < 1 || a.provider() > chosen.size() || a.units() < 1 || a.price() < 0) {
                    throw new MpcAbortException("result", -1, "the placement returned an impossible allocation");
                }
                total += a.units();
            }
            if (total > request.units() || allocations.size() > request.maxProviders()) {
                throw new MpcAbortException("result", -1, "the placement awarded more than was asked for");
            }
        }

        private Claimed claim(Allocation a) {
            ProviderLink l = chosen.get(a.provider() - 1);
            String leaseId = new SessionKey(identity.fingerprint(), sessionId).leaseId();
            ClientKey key = spec.clientCertificate() ? ClientKey.forLease(leaseId) : null;
            CredentialRequest credentials = key == null ? new CredentialRequest.ServiceAccountToken()
                    : new CredentialRequest.ClientCertificate(key.csrPem());
            Message.ClaimReply reply = call(l, c -> c.claim(sessionId, spec.leaseLength(), credentials));
            Claimed claimed = new Claimed(l, reply, key);
            if (!reply.leaseId().equals(leaseId) || reply.units() != a.units() || reply.price() != a.price()) {
                releaseQuietly(claimed);
                throw new CompletionException(new ProtocolException(io.angler.node.protocol.ErrorCode.UNEXPECTED,
                        "provider at " + l.endpoint() + " answered the claim with a lease that does not match the"
                                + " placement's result"));
            }
            return claimed;
        }

        private void endEverywhere(List<ProviderLink> providers) {
            Requester.this.endEverywhere(providers, sessionId);
        }

        private void add(String phase, long since) {
            synchronized (timings) {
                timings.merge(phase, ms(since), Double::sum);
            }
        }
    }

    /** Ends the session at these providers (best effort, in parallel): they release what it held. */
    private void endEverywhere(List<ProviderLink> providers, String sessionId) {
        List<CompletableFuture<Void>> ends = new ArrayList<>();
        for (ProviderLink l : providers) {
            ends.add(CompletableFuture.runAsync(() -> {
                try {
                    l.call(c -> {
                        c.abort(sessionId);
                        return null;
                    });
                } catch (IOException | RuntimeException e) {
                    log.info("could not end session {} at {}: {}", sessionId.substring(0, 8), l.endpoint(), e.getMessage());
                }
            }, pool));
        }
        ends.forEach(CompletableFuture::join);
    }

    private void releaseQuietly(Claimed c) {
        try {
            c.link.call(client -> {
                client.release(c.reply.leaseId());
                return null;
            });
        } catch (IOException | RuntimeException e) {
            log.warn("could not release lease {} at {}: {}; it ends at its expiry", c.reply.leaseId(), c.link.endpoint(),
                    e.getMessage());
        }
    }

    private static <T> T call(ProviderLink l, ProviderLink.Step<T> step) {
        try {
            return l.call(step);
        } catch (IOException e) {
            throw new CompletionException(new IOException(e.getMessage().startsWith("provider at") ? e.getMessage()
                    : "provider at " + l.endpoint() + ": " + e.getMessage(), e));
        }
    }

    private record Claimed(ProviderLink link, Message.ClaimReply reply, ClientKey key) {
    }

    /** How one session ended: a result (maybe empty), or a failure and whom it is attributed to. */
    private record Outcome(List<Allocation> allocations, List<Allocation> declined, List<HeldLease> leases,
                           Set<String> failed, List<Set<String>> suspected, String failure) {
        static Outcome done(List<Allocation> allocations, List<Allocation> declined, List<HeldLease> leases) {
            return new Outcome(allocations, declined, leases, Set.of(), List.of(), null);
        }

        static Outcome failed(Set<String> failed, String why) {
            return failed(failed, List.of(), why);
        }

        static Outcome failed(Set<String> failed, List<Set<String>> suspected, String why) {
            return new Outcome(List.of(), List.of(), List.of(), failed, suspected, why);
        }
    }

    static String newSessionId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static double ms(long since) {
        return (System.nanoTime() - since) / 1e6;
    }

    private static String describe(List<Candidate> found) {
        List<String> s = new ArrayList<>();
        for (int i = 0; i < Math.min(5, found.size()); i++) {
            s.add(String.valueOf(found.get(i).endpoint()));
        }
        return String.join(", ", s) + (found.size() > 5 ? ", ..." : "");
    }

    private static String shortList(Set<String> fingerprints) {
        return fingerprints.stream().map(f -> f.substring(0, 12) + "...").toList().toString();
    }

    @Override
    public void close() {
        pool.shutdownNow();
        mpc.close();
        if (runner instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                log.warn("closing the placement runner failed: {}", e.getMessage());
            }
        }
    }
}
