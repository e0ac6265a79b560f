package dev.livemigrate.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** {@code livemigrate} run as a separate JVM on the test class path, its standard output collected line by line. */
final class CliProcess implements AutoCloseable {

    final Process process;
    /** Every line printed to standard output so far. */
    final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reading;

    CliProcess(ProcessBuilder.Redirect stderr, String... args) throws IOException {
        this(Map.of(), stderr, args);
    }

    /** With these variables added to the child's environment. */
    CliProcess(Map<String, String> environment, ProcessBuilder.Redirect stderr, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LivemigrateCommand.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr);
        builder.environment().putAll(environment);
        process = builder.start();
        reading = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                r.lines().forEach(lines::add);
            } catch (IOException | java.io.UncheckedIOException e) {
                // the process ended, or was killed
            }
        });
        reading.start();
    }

    /** Writes one line to the process's standard input and closes it. */
    void answer(String line) throws IOException {
        try (Writer stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8)) {
            stdin.write(line + "\n");
        }
    }

    /**
     * Waits until the condition holds or the process has ended, and returns whether the process is still
     * running. A process that is still running but has not got there in time fails the test with what it
     * printed and where its threads and this JVM's (the embedded servers') stood.
     */
    boolean awaitUnlessEnded(Duration limit, String what, BooleanSupplier condition) {
        long end = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean() && process.isAlive()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not " + what + " within " + limit + "; the process printed:\n"
                        + String.join("\n", lines) + "\n--- its threads ---\n" + threadDump()
                        + "\n--- this JVM's threads ---\n" + ownThreads());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        return process.isAlive();
    }

    /** Kills the process if it still runs, so that a failed test leaves nothing behind. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static String ownThreads() {
        StringBuilder out = new StringBuilder();
        Thread.getAllStackTraces().forEach((t, stack) -> {
            out.append('"').append(t.getName()).append("\" ").append(t.getState()).append('\n');
            for (StackTraceElement e : stack) {
                out.append("    at ").append(e).append('\n');
            }
        });
        return out.toString();
    }

    /** The child's threads as {@code jcmd Thread.print} prints them. */
    private String threadDump() {
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(process.pid()), "Thread.print").redirectErrorStream(true).start();
            String dump = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            jcmd.waitFor();
            return dump;
        } catch (IOException e) {
            return "no thread dump: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "no thread dump: interrupted";
        }
    }

    /** Waits until everything the process printed has been collected. */
    void awaitOutput() throws InterruptedException {
        reading.join();
    }
}
