package io.angler.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code angler} launcher. Every command prints its result on stdout and its errors on stderr,
 * exits 0 on success, 1 when the work failed and 2 when the command line was wrong.
 */
@Command(name = "angler",
        mixinStandardHelpOptions = true,
        versionProvider = Angler.Version.class,
        description = "Dark pool resource allocation for Kubernetes.",
        subcommands = {
            DemoCommand.class,
            PlaceCommand.class,
            DhtCommand.class,
            MpcCommand.class,
            BenchCommand.class,
            OperatorCommand.class,
            ProviderCommand.class,
            RequestCommand.class,
            LeaseCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class Angler implements Runnable {
    /** Exit code when the work itself failed (as opposed to a malformed command line, 2). */
    public static final int EXIT_FAILURE = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (try: angler demo)");
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; tests drive it with their own writers. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Angler());
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            err.println("angler " + commandLine.getCommandName() + ": error: " + describe(ex));
            if (System.getenv("ANGLER_DEBUG") != null) {
                ex.printStackTrace(err);
            } else if (!(ex instanceof IllegalArgumentException)) {
                err.println("(set ANGLER_DEBUG=1 for the stack trace)");
            }
            err.flush();
            return EXIT_FAILURE;
        });
        return cl;
    }

    private static String describe(Throwable ex) {
        String message = ex.getMessage();
        return message == null || message.isBlank() ? ex.getClass().getSimpleName() : message;
    }

    /** Reports the version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Angler.class.getPackage().getImplementationVersion();
            return new String[] {"angler " + (v == null ? "(development build)" : v)};
        }
    }
}
