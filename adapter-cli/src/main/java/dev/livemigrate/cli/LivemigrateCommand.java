package dev.livemigrate.cli;

import dev.livemigrate.MigrationException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.InputStream;
import java.io.PrintWriter;

/** The {@code livemigrate} command line: parses, calls the library, renders the outcome. */
@Command(name = "livemigrate",
        mixinStandardHelpOptions = true,
        versionProvider = LivemigrateCommand.Version.class,
        description = "Moves a live MongoDB deployment to another one with near-zero downtime.",
        subcommands = {RunCommand.class, ValidateCommand.class, VerifyCommand.class, ServeCommand.class, LinkCommand.class, AgentCommand.class, DemoCommand.class,
                CommandLine.HelpCommand.class})
public final class LivemigrateCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line and returns its exit code; what it prints goes to {@code out} and {@code err}. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        return execute(args, System.in, out, err);
    }

    /** As {@link #execute(String[], PrintWriter, PrintWriter)}, with {@code in} as the standard input {@code run} reads. */
    static int execute(String[] args, InputStream in, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new LivemigrateCommand());
        ((RunCommand) cli.getSubcommands().get("run").getCommand()).in = in;
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof MigrationException m) {
                err.println("error: " + m.getMessage());
                return m.errorCode().exitCode();
            }
            err.println("error: " + e);
            return 1;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = LivemigrateCommand.class.getPackage().getImplementationVersion();
            return new String[] {"livemigrate " + (v == null ? "(development build)" : v)};
        }
    }
}
