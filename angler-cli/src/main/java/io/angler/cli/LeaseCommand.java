package io.angler.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.angler.mpc.net.TlsIdentity;
import io.angler.node.config.Durations;
import io.angler.node.requester.HeldLease;
import io.angler.node.requester.HeldLeases;
import io.angler.node.requester.LeaseClient;
import io.angler.node.requester.RequesterSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code angler lease list|renew|release}: the leases this requester holds. */
@Command(name = "lease", mixinStandardHelpOptions = true,
        description = {
            "The leases you hold, as recorded by `angler request` in your data directory. Renewals and",
            "releases go to the provider that granted the lease, over mutual TLS pinned to its identity.",
        },
        subcommands = {LeaseCommand.ListLeases.class, LeaseCommand.Renew.class, LeaseCommand.Release.class})
final class LeaseCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: list, renew or release");
    }

    /** The requester's data directory, shared by the subcommands. */
    static class DataDir {
        @Option(names = "--data-dir", paramLabel = "DIR",
                description = "your identity and lease record (default ~/.angler/requester)")
        Path dataDir;

        Path path() {
            return dataDir != null ? dataDir : RequestCommand.DEFAULT_DATA_DIR;
        }

        HeldLeases leases() {
            return new HeldLeases(path());
        }

        /** The identity the leases belong to; never made here (a new one would own nothing). */
        TlsIdentity identity(CommandLine cl) {
            if (!Files.exists(path().resolve(TlsIdentity.KEY_FILE))) {
                throw new CommandLine.ParameterException(cl, "no requester identity in " + path()
                        + " (run `angler request` first, or give --data-dir)");
            }
            return TlsIdentity.loadOrCreate(path());
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the leases on record.")
    static final class ListLeases implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        DataDir data = new DataDir();

        @Option(names = "--json", description = "print the leases as a JSON array")
        boolean json;

        @Override
        public Integer call() throws Exception {
            List<HeldLease> all = data.leases().all();
            PrintWriter out = spec.commandLine().getOut();
            Instant now = Instant.now();
            if (json) {
                List<Object> arr = new ArrayList<>();
                for (HeldLease l : all) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("lease", l.leaseId());
                    m.put("provider", l.providerHost() + ":" + l.providerPort());
                    m.put("fingerprint", l.providerFingerprint());
                    m.put("namespace", l.namespace());
                    m.put("unit", l.unit().canonical());
                    m.put("units", l.units());
                    m.put("price", l.price());
                    m.put("expires_at", l.expiresAt().toString());
                    m.put("expired", l.expiredAt(now));
                    m.put("kubeconfig", l.kubeconfig());
                    arr.add(m);
                }
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(arr));
            } else if (all.isEmpty()) {
                out.println("No leases on record in " + data.leases().file());
            } else {
                out.printf("%-26s  %-21s  %5s  %10s  %-24s  %s%n", "LEASE", "PROVIDER", "UNITS", "PRICE", "EXPIRES", "NAMESPACE");
                for (HeldLease l : all) {
                    out.printf("%-26s  %-21s  %5d  %10d  %-24s  %s%n", l.leaseId(), l.providerHost() + ":" + l.providerPort(),
                            l.units(), l.price(), l.expiredAt(now) ? "expired" : l.expiresAt().toString(), l.namespace());
                }
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "renew", mixinStandardHelpOptions = true,
            description = {
                "Extends a lease to DURATION from now (the provider clamps it to its limits) and replaces"
                    + " the lease's kubeconfig with new credentials valid until the new expiry: by default the"
                    + " same kind as before (a client certificate keeps the lease's key pair; only a new CSR is sent).",
            })
    static final class Renew implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        DataDir data = new DataDir();

        @Parameters(paramLabel = "LEASE", description = "the lease id (see `angler lease list`)")
        String leaseId;

        @Option(names = "--for", paramLabel = "DURATION", defaultValue = "1h",
                description = "new length from now, e.g. 2h, 7d (default ${DEFAULT-VALUE})")
        String length;

        @CommandLine.ArgGroup(exclusive = true)
        CredentialChoice credential;

        static final class CredentialChoice {
            @Option(names = "--token", description = "ask for a ServiceAccount token")
            boolean token;

            @Option(names = "--csr", description = "ask for a client certificate for the lease's key pair"
                    + " (made here if its kubeconfig has none)")
            boolean csr;
        }

        @Override
        public Integer call() {
            Duration d;
            try {
                d = Durations.parse(length);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--for: " + e.getMessage());
            }
            LeaseClient.Credential kind = credential == null ? LeaseClient.Credential.AS_BEFORE
                    : credential.token ? LeaseClient.Credential.TOKEN : LeaseClient.Credential.CERTIFICATE;
            return act(spec, data, client -> {
                LeaseClient.Renewed r = client.renew(leaseId, d, kind);
                return "lease " + r.lease().leaseId() + " now ends at " + r.lease().expiresAt() + "\n"
                        + "new kubeconfig (" + (r.certificate() ? "client certificate" : "ServiceAccount token")
                        + " valid until then) written over " + r.kubeconfig();
            });
        }
    }

    @Command(name = "release", mixinStandardHelpOptions = true,
            description = "Ends a lease now: the provider deletes the namespace and the units return to its offer.")
    static final class Release implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        DataDir data = new DataDir();

        @Parameters(paramLabel = "LEASE", description = "the lease id (see `angler lease list`)")
        String leaseId;

        @Override
        public Integer call() {
            return act(spec, data, client -> {
                client.release(leaseId);
                return "lease " + leaseId + " released";
            });
        }
    }

    @FunctionalInterface
    interface Action {
        String run(LeaseClient client) throws IOException;
    }

    /** Runs a renewal or release; a lease the provider no longer has is a clear error. */
    static int act(CommandLine.Model.CommandSpec spec, DataDir data, Action action) {
        CommandLine cl = spec.commandLine();
        LeaseClient client = new LeaseClient(data.identity(cl), data.leases(), RequesterSettings.DEFAULT_CONTROL_TIMEOUT);
        try {
            cl.getOut().println(action.run(client));
            cl.getOut().flush();
            return 0;
        } catch (IOException | LeaseClient.LeaseGoneException | IllegalArgumentException | IllegalStateException
                 | io.angler.node.protocol.ProtocolException e) {
            cl.getErr().println("angler lease: " + e.getMessage() + (e instanceof IOException
                    ? " (is the provider running? the lease stays on record; try again)" : ""));
            cl.getErr().flush();
            return Angler.EXIT_FAILURE;
        }
    }
}
