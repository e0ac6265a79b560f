package dev.livemigrate.cli;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.awaitility.Awaitility.await;

/**
 * {@code livemigrate} run in this JVM through picocli, on a thread of its own, its standard input a pipe the
 * test types into and its standard output and error collected. The in-process sibling of {@link CliProcess}: use
 * it wherever the behaviour does not need a process of its own (exit codes, standard input, messages), since a
 * JVM costs seconds.
 */
final class CliRun implements AutoCloseable {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final PipedOutputStream stdin = new PipedOutputStream();
    private final CompletableFuture<Integer> exit;

    CliRun(String... args) throws IOException {
        PipedInputStream in = new PipedInputStream(stdin);
        exit = CompletableFuture.supplyAsync(() -> LivemigrateCommand.execute(args, in, new PrintWriter(out, true),
                new PrintWriter(err, true)), r -> new Thread(r, "cli-run").start());
    }

    /** Types one line on the command's standard input. */
    void type(String line) throws IOException {
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /** Every line printed to standard output so far. */
    List<String> lines() {
        return out.toString().lines().toList();
    }

    /** Everything printed to standard error so far. */
    String err() {
        return err.toString();
    }

    /** Waits until a line of standard output contains {@code fragment}. */
    void awaitLine(String fragment) {
        await().atMost(Duration.ofMinutes(2)).until(() -> lines().stream().anyMatch(l -> l.contains(fragment)));
    }

    /** Waits until standard error contains {@code fragment}. */
    void awaitErr(String fragment) {
        await().atMost(Duration.ofMinutes(2)).until(() -> err().contains(fragment));
    }

    /** The exit code, once the command has returned. */
    int awaitExit() throws InterruptedException, ExecutionException, TimeoutException {
        return exit.get(2, TimeUnit.MINUTES);
    }

    /** Closes standard input: the command's reader sees its end. */
    @Override
    public void close() throws IOException {
        stdin.close();
    }
}
