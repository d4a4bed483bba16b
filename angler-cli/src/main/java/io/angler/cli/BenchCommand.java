package io.angler.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code angler bench}: the benchmarks; each is a subcommand class of its own. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Runs a benchmark: a table on the terminal, or one JSON object with --json."},
        subcommands = {
            BenchDhtCommand.class,
            BenchE2eCommand.class,
            BenchMpcCommand.class,
            BenchPlacementCommand.class,
        })
final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "a benchmark is required (try: angler bench --help)");
    }
}
