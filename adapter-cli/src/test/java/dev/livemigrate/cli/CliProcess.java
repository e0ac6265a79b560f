package dev.livemigrate.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** {@code livemigrate} run as a separate JVM on the test class path, its standard output collected line by line. */
final class CliProcess {

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

    /** Waits until everything the process printed has been collected. */
    void awaitOutput() throws InterruptedException {
        reading.join();
    }
}
