package io.angler.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.angler.mpc.circuit.BitStrings;
import io.angler.mpc.circuit.BristolReader;
import io.angler.mpc.circuit.Circuit;
import io.angler.mpc.circuit.OutputPlan;
import io.angler.mpc.net.TlsNetwork;
import io.angler.mpc.wrk.LocalParties;
import io.angler.mpc.wrk.WrkOptions;
import io.angler.mpc.wrk.WrkResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code angler mpc}: secure multiparty computation of any circuit under the WRK engine. */
@Command(name = "mpc", mixinStandardHelpOptions = true,
        description = "Secure multiparty computation of Boolean circuits (WRK authenticated garbling).",
        subcommands = {MpcCommand.Eval.class, CommandLine.HelpCommand.class})
final class MpcCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (try: angler mpc eval --help)");
    }

    /** {@code angler mpc eval --circuit FILE --parties N --input P=BITS ... [--json]}. */
    @Command(name = "eval", mixinStandardHelpOptions = true,
            description = {
                "Evaluates a Bristol circuit (classic or Bristol Fashion) under the WRK engine. Every party runs on"
                    + " its own thread with its own TLS connections over loopback, and every party learns every output.",
                "",
                "Party P (1-based) owns the P-th input value of a Bristol Fashion file; in classic Bristol the first"
                    + " input block is party 1's and the second party 2's. BITS are '0'/'1' characters, one per input"
                    + " wire of the party, in the circuit's wire order. Parties beyond the circuit's inputs take part"
                    + " without inputs. Outputs are printed one value per line; --json prints {\"outputs\": [...]}.",
            })
    static final class Eval implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--circuit", paramLabel = "FILE", required = true, description = "the Bristol circuit file")
        Path circuit;

        @Option(names = "--parties", paramLabel = "N", required = true,
                description = "number of parties (2..64, at least the circuit's input parties)")
        int parties;

        @Option(names = "--input", paramLabel = "P=BITS", description = "party P's input bits (repeat per party)")
        List<String> inputs = new ArrayList<>();

        @Option(names = "--json", description = "print {\"outputs\": [\"BITS\", ...]}")
        boolean json;

        @Override
        public Integer call() {
            Circuit c = readCircuit(circuit);
            if (parties < 2 || parties > OutputPlan.MAX_PARTIES) {
                throw usage("--parties " + parties + " is outside 2.." + OutputPlan.MAX_PARTIES);
            }
            if (c.parties() > parties) {
                throw usage("--parties " + parties + " is fewer than the " + c.parties() + " parties with inputs in "
                        + circuit);
            }
            boolean[][] in = parseInputs(c);
            boolean[] outputs;
            LocalParties.Run run;
            try (LocalParties lp = new LocalParties(parties, TlsNetwork.Timeouts.DEFAULT)) {
                run = lp.run(c, OutputPlan.everyone(c, parties), in, WrkOptions.DEFAULT);
            }
            outputs = run.results().get(0).values();
            for (WrkResult r : run.results()) {
                if (!Arrays.equals(r.values(), outputs)) {
                    throw new IllegalStateException("the parties' outputs differ; this is a bug, please report it");
                }
            }
            List<String> values = BitStrings.outputValues(c, outputs);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ObjectMapper m = new ObjectMapper();
                ObjectNode root = m.createObjectNode();
                ArrayNode arr = root.putArray("outputs");
                values.forEach(arr::add);
                out.println(root.toString());
            } else {
                values.forEach(out::println);
            }
            out.flush();
            return 0;
        }

        private Circuit readCircuit(Path file) {
            if (!Files.isRegularFile(file)) {
                throw usage("--circuit " + file + ": no such file");
            }
            try {
                return BristolReader.read(file);
            } catch (NoSuchFileException e) {
                throw usage("--circuit " + file + ": no such file");
            } catch (IOException e) {
                throw new IllegalArgumentException("--circuit " + file + ": cannot be read: " + e.getMessage(), e);
            }
        }

        private boolean[][] parseInputs(Circuit c) {
            String[] given = new String[parties];
            for (String arg : inputs) {
                int eq = arg.indexOf('=');
                if (eq <= 0) {
                    throw usage("--input " + arg + ": expected P=BITS, e.g. 1=0110");
                }
                int p;
                try {
                    p = Integer.parseInt(arg.substring(0, eq).trim());
                } catch (NumberFormatException e) {
                    throw usage("--input " + arg + ": party '" + arg.substring(0, eq) + "' is not a number");
                }
                if (p < 1 || p > parties) {
                    throw usage("--input " + arg + ": party " + p + " is outside 1.." + parties);
                }
                if (given[p - 1] != null) {
                    throw usage("--input: party " + p + " is given twice");
                }
                given[p - 1] = arg.substring(eq + 1);
            }
            boolean[][] in = new boolean[parties][];
            for (int p = 0; p < parties; p++) {
                int expected = p < c.parties() ? c.inputBits(p) : 0;
                String what = "--input for party " + (p + 1);
                if (given[p] == null) {
                    if (expected > 0) {
                        throw usage("party " + (p + 1) + " has no --input; the circuit expects " + expected
                                + " bits from it");
                    }
                    in[p] = new boolean[0];
                    continue;
                }
                try {
                    in[p] = BitStrings.parse(given[p], what);
                } catch (IllegalArgumentException e) {
                    throw usage(e.getMessage());
                }
                if (in[p].length != expected) {
                    throw usage(what + " has " + in[p].length + " bits but the circuit expects " + expected);
                }
            }
            return in;
        }

        private CommandLine.ParameterException usage(String message) {
            return new CommandLine.ParameterException(spec.commandLine(), message);
        }
    }
}
