package dev.livemigrate.cli;

import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.MigrationListener;
import dev.livemigrate.MigrationReport;
import dev.livemigrate.MigrationSession;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.MigrationState;
import dev.livemigrate.Migrations;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * {@code livemigrate run}: the whole journey from the command line. Prints the review-and-confirm summary
 * ({@link ReviewSummary}) and asks to confirm it on standard input (unless {@code --yes} or {@code --json}), then
 * copies, follows changes, waits for READY_TO_CUTOVER, and cuts over when the operator types {@code cutover} (or
 * at once with {@code --cutover auto}), and prints the final report. While it runs, {@code pause} and
 * {@code resume} stop and restart syncing, {@code extend} extends the cutover window, {@code cancel} cancels.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Migrates a live deployment: copy, sync, cut over, report.",
                "Exit codes: 0 completed, 2 validation failed, 3 verification found differences,",
                "4 cancelled, expired or not confirmed, 1 any other failure."})
final class RunCommand implements Callable<Integer> {

    enum CutoverMode { prompt, auto }

    /** What the operator types to cut over without blocking writes after the source refused to block them. */
    static final String WITHOUT_BLOCKING = "cutover-without-blocking";

    @CommandLine.Mixin
    Endpoints endpoints = new Endpoints();
    @CommandLine.Mixin
    Selection selection = new Selection();
    @CommandLine.Mixin
    ShardingOptions sharding = new ShardingOptions();
    @Option(names = "--accept-unfinished-check", paramLabel = "CHECK", description = "Start even if this pre-flight"
            + " check (by name, like oplog-window) fails or times out: its failure becomes a WARNING (repeatable).")
    List<String> acceptedUnfinishedChecks = new ArrayList<>();
    @Option(names = "--clear-destination", description = "Drop destination namespaces the migration writes.")
    boolean clearDestination;
    @Option(names = "--verify", description = "Verify the destination after cutover.")
    boolean verify;
    @Option(names = "--cutover", defaultValue = "prompt", description = "prompt (type 'cutover' on standard input) or auto.")
    CutoverMode cutover;
    @Option(names = "--block-writes", description = "Block user writes on the source at cutover (MongoDB 6.0+).")
    boolean blockWrites;
    @Option(names = "--lag-threshold", converter = DurationText.class, description = "Lag under which cutover is offered (default 10s).")
    Duration lagThreshold;
    @Option(names = "--retry-budget", converter = DurationText.class, paramLabel = "DURATION",
            description = "How long an outage (network errors, no primary) is retried before the migration fails (default 30m; 0 fails at once).")
    Duration retryBudget;
    @Option(names = "--stall-timeout", converter = DurationText.class, paramLabel = "DURATION",
            description = "How long a reply may take before its connection is taken for dead and the work retried (default 5m; 0 waits forever; index builds are not bounded).")
    Duration stallTimeout;
    @Option(names = "--recopy", split = ",", paramLabel = "DB.COLL",
            description = "With --migration-id of a migration that stopped or failed: copy these source collections again (* for all)"
                    + " and follow them from now, keeping the rest; the way on after CHANGE_HISTORY_LOST, whose message names them.")
    List<String> recopy = new ArrayList<>();
    @Option(names = "--cutover-window", converter = DurationText.class,
            description = "How long the cutover window stays open once ready (default 120h); 'extend' adds 24h.")
    Duration cutoverWindow;
    @Option(names = "--migration-id", description = "Id of the migration; run again with the same id to resume.")
    String migrationId;
    @Option(names = "--json", description = "One JSON object per line for every event; the report last. Starts without asking.")
    boolean json;
    @Option(names = {"-y", "--yes"}, description = "Start without asking to confirm the summary.")
    boolean yes;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Standard input, replaceable for tests. */
    InputStream in = System.in;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ProgressRenderer renderer = new ProgressRenderer(out, System.console() != null, json);
        BlockingQueue<String> commands = new LinkedBlockingQueue<>();
        MigrationSpec.Builder builder = endpoints.spec()
                .verify(verify)
                .listener(renderer)
                .listener(new MigrationListener() {
                    @Override
                    public void stateChanged(MigrationState from, MigrationState to) {
                        if (to == MigrationState.READY_TO_CUTOVER) {
                            commands.add(cutover == CutoverMode.auto ? "cutover" : "prompt");
                        }
                    }
                });
        sharding.applyTo(selection.applyTo(builder, spec.commandLine())).clearDestination(clearDestination);
        acceptedUnfinishedChecks.forEach(builder::acceptUnfinishedCheck);
        if (lagThreshold != null) {
            builder.lagThreshold(lagThreshold);
        }
        if (cutoverWindow != null) {
            builder.cutoverWindow(cutoverWindow);
        }
        if (retryBudget != null) {
            builder.retryBudget(retryBudget);
        }
        if (stallTimeout != null) {
            builder.stallTimeout(stallTimeout);
        }
        builder.recopy(recopy);
        if (migrationId != null) {
            builder.migrationId(migrationId);
        }
        MigrationSpec migration = builder.build();
        BufferedReader stdin = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        (json ? err : out).println(ReviewSummary.render(migration));
        (json ? err : out).flush();
        if (!yes && !json && !confirmed(stdin, out)) {
            err.println("not started: nothing was written");
            err.flush();
            return ErrorCode.CANCELLED.exitCode();
        }
        MigrationSession session = Migrations.start(migration);
        Thread cancelOnInterrupt = new Thread(() -> {
            if (!session.state().isTerminal()) {
                session.cancel();
                session.awaitCompletion(Duration.ofSeconds(30));
                err.println("cancelled: syncing stopped, migrated data stays on the destination;"
                        + " run again with --migration-id " + session.migrationId() + " to resume");
                err.flush();
                Runtime.getRuntime().halt(ErrorCode.CANCELLED.exitCode());
            }
        }, "livemigrate-ctrl-c");
        Runtime.getRuntime().addShutdownHook(cancelOnInterrupt);
        Thread watcher = new Thread(() -> {
            try {
                session.awaitCompletion(Duration.ofDays(3650));
            } catch (MigrationException ignored) {
                // reported below
            }
            commands.add("ended");
        }, "livemigrate-watch");
        watcher.setDaemon(true);
        watcher.start();
        if (cutover == CutoverMode.prompt) {
            Thread reader = new Thread(() -> readCommands(stdin, commands), "livemigrate-stdin");
            reader.setDaemon(true);
            reader.start();
        }
        try {
            return drive(session, commands, renderer, err);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(cancelOnInterrupt);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running
            }
        }
    }

    private int drive(MigrationSession session, BlockingQueue<String> commands, ProgressRenderer renderer, PrintWriter err)
            throws InterruptedException {
        while (true) {
            String command = commands.take();
            switch (command) {
                case "prompt" -> tell(err, renderer, "ready to cut over: stop writes to the source, then type 'cutover'"
                        + (blockWrites ? " (writes will be blocked)" : "") + "; or 'extend' the window, 'pause', or 'cancel'");
                case "cutover", WITHOUT_BLOCKING -> {
                    if (session.state() != MigrationState.READY_TO_CUTOVER) {
                        tell(err, renderer, "not ready to cut over yet (" + session.state() + ")");
                        continue;
                    }
                    try {
                        session.cutover(blockWrites && !command.equals(WITHOUT_BLOCKING));
                    } catch (MigrationException e) {
                        tell(err, renderer, "cutover did not complete: " + e.getMessage());
                        if (session.state() == MigrationState.READY_TO_CUTOVER) {
                            if (e.errorCode() == ErrorCode.WRITE_BLOCKING_UNSUPPORTED) {
                                tell(err, renderer, "still ready to cut over: stop the application's writes yourself, then type '"
                                        + WITHOUT_BLOCKING + "'; or 'cancel'");
                            }
                            continue; // still in sync: the operator may try again
                        }
                    }
                    return finish(session, renderer);
                }
                case "extend" -> {
                    try {
                        tell(err, renderer, "cutover window now open until " + session.extendCutoverWindow());
                    } catch (MigrationException e) {
                        tell(err, renderer, e.getMessage());
                    }
                }
                case "pause" -> {
                    try {
                        session.pause();
                        tell(err, renderer, "paused: nothing is applied until 'resume' (the cutover window keeps counting)");
                    } catch (MigrationException e) {
                        tell(err, renderer, e.getMessage());
                    }
                }
                case "resume" -> {
                    try {
                        session.resume();
                        tell(err, renderer, "resumed: catching up from the saved checkpoints");
                    } catch (MigrationException e) {
                        tell(err, renderer, e.getMessage());
                    }
                }
                case "cancel" -> session.cancel();
                case "ended" -> {
                    return finish(session, renderer);
                }
                default -> tell(err, renderer, "unknown command '" + command + "': type cutover, extend, pause, resume or cancel");
            }
        }
    }

    /** Asks to confirm the summary: only {@code yes} (or {@code y}) starts. */
    private static boolean confirmed(BufferedReader stdin, PrintWriter out) {
        out.println("start this migration? type 'yes' to start, anything else to stop");
        out.flush();
        try {
            String answer = stdin.readLine();
            return answer != null && List.of("yes", "y").contains(answer.trim().toLowerCase(Locale.ROOT));
        } catch (IOException e) {
            return false;
        }
    }

    private void readCommands(BufferedReader stdin, BlockingQueue<String> commands) {
        try (BufferedReader reader = stdin) {
            String line;
            while ((line = reader.readLine()) != null) {
                String command = line.trim().toLowerCase(Locale.ROOT);
                if (!command.isEmpty()) {
                    commands.add(command);
                }
            }
        } catch (IOException e) {
            // standard input closed: only --cutover auto or Ctrl-C end the run now
        }
    }

    /** Prompts and notices go to standard error with --json, so standard output stays JSON lines. */
    private void tell(PrintWriter err, ProgressRenderer renderer, String text) {
        if (json) {
            err.println(text);
            err.flush();
        } else {
            renderer.line(text);
        }
    }

    private int finish(MigrationSession session, ProgressRenderer renderer) {
        MigrationReport report = session.awaitCompletion(Duration.ofMinutes(10));
        renderer.line(json ? report.toJson() : render(report));
        return switch (report.state()) {
            case COMPLETED -> report.verification() == MigrationReport.Verification.DIFFERENT ? 3 : 0;
            case CANCELLED, EXPIRED -> 4;
            default -> 1;
        };
    }

    static String render(MigrationReport r) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "migration %s: %s%n", r.migrationId(), r.state()));
        b.append(String.format(Locale.ROOT, "  total duration     %s%n", DurationText.format(r.duration())));
        b.append(String.format(Locale.ROOT, "  downtime           %s%n", DurationText.format(r.downtime())));
        b.append(String.format(Locale.ROOT, "  copied             %,d documents, %s, %d collections%n",
                r.copiedDocuments(), ProgressRenderer.bytes(r.copiedBytes()), r.collectionsCopied()));
        b.append(String.format(Locale.ROOT, "  changes applied    %,d (synced through %s)%n", r.changesApplied(),
                r.syncedThrough() == null ? "-" : r.syncedThrough()));
        b.append(String.format(Locale.ROOT, "  verification       %s%s%n", r.verification(),
                r.verificationReport() == null ? "" : " (" + r.verificationReport().summary() + ")"));
        r.indexConflicts().forEach((index, keys) -> b.append(String.format(Locale.ROOT,
                "  NOT RESTORED       unique index %s: duplicate keys %s%n", index, keys)));
        r.sharding().forEach((ns, how) -> b.append(String.format(Locale.ROOT, "  sharding           %s: %s%n", ns, how)));
        if (r.sourceWritesBlocked()) {
            b.append("  user writes on the source stay blocked (setUserWriteBlockMode)\n");
        }
        return b.toString().stripTrailing();
    }
}
