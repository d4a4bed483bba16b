package io.angler.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code angler bench}: the benchmarks of SPEC section 5. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks: a table on the terminal, or one JSON object with --json.",
        subcommands = {BenchMpcCommand.class, CommandLine.HelpCommand.class})
final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a benchmark is required (try: angler bench mpc --help)");
    }
}
