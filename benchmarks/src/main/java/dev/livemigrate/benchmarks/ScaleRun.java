package dev.livemigrate.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The scale run ({@code java -jar benchmarks.jar scale [options] [--write DIR]}), not a JMH benchmark: one
 * live migration of millions of small documents by an engine limited to a 512 MB heap, with a writer
 * applying a steady load while it syncs. Three JVMs: {@link ScaleServers} (both embedded servers, a large
 * heap), {@link ScaleEngine} ({@code -Xmx512m}, the public API) and this one, which starts them, runs
 * {@link ScaleWriter} once the engine syncs, and renders the figures. Nothing is asserted about time; the
 * run fails (exception, non-zero exit) when the migration fails or its verification is not EQUAL.
 */
public final class ScaleRun {

    /** The run's settings; defaults: 10,000,000 documents of 100 bytes in 20 collections (50 MB each, under the default
     * partition size: see benchmarks/README.md), 500 writes/s for 60 s. */
    record Options(int documents, int collections, int documentBytes, int writesPerSecond, int writeSeconds, String serversHeap) {

        static Options parse(List<String> args) {
            Map<String, String> given = new ConcurrentHashMap<>();
            for (int i = 0; i + 1 < args.size(); i += 2) {
                given.put(args.get(i), args.get(i + 1));
            }
            return new Options(number(given, "--documents", "10000000"), number(given, "--collections", "20"),
                    number(given, "--document-bytes", "100"), number(given, "--writes-per-second", "500"),
                    number(given, "--write-seconds", "60"), given.getOrDefault("--servers-heap", "18g"));
        }

        private static int number(Map<String, String> given, String name, String otherwise) {
            return Integer.parseInt(given.getOrDefault(name, otherwise).replace("_", "").replace(",", ""));
        }
    }

    private final Options options;
    private final Map<String, String> figures = new ConcurrentHashMap<>();
    private ScaleWriter.Result written;

    private ScaleRun(Options options) {
        this.options = options;
    }

    /** Runs the scale run with these arguments ({@code --write DIR} among them to write the results). */
    static void main(List<String> args) throws Exception {
        List<String> rest = new ArrayList<>(args);
        Path write = null;
        int at = rest.indexOf("--write");
        if (at >= 0 && at + 1 < rest.size()) {
            write = Path.of(rest.get(at + 1));
            rest.subList(at, at + 2).clear();
        }
        ScaleRun run = new ScaleRun(Options.parse(rest));
        run.run();
        String section = run.section();
        System.out.println(section);
        if (write != null) {
            Report.replace(write.resolve("benchmarks/README.md"), "scale", section);
            Report.replace(write.resolve("README.md"), "scale", run.headline());
            System.out.println("written to " + write.resolve("benchmarks/README.md") + " and " + write.resolve("README.md"));
        }
    }

    private void run() throws Exception {
        Path dir = Files.createTempDirectory("livemigrate-scale");
        ScaleData data = new ScaleData(options.documents(), options.collections(), options.documentBytes());
        // a small young generation: the parallel collector's default gives the old one two thirds of the heap,
        // too little for both servers' 13 GB of documents at 10 million
        Process servers = start(List.of("-Xmx" + options.serversHeap(), "-Xmn1g", "-XX:+UseParallelGC", ScaleServers.class.getName(),
                String.valueOf(data.documents()), String.valueOf(data.collections()), String.valueOf(data.documentBytes())));
        try {
            BlockingQueue<String> fromServers = lines(servers, "servers");
            String[] ready = next(fromServers, servers, "servers").split(" ");
            figures.put("seed.bytes", ready[4]);
            figures.put("seed.millis", ready[5]);
            figures.put("servers.heap", ready[6]);
            String source = "mongodb://127.0.0.1:" + ready[2];
            String destination = "mongodb://127.0.0.1:" + ready[3];
            Path gcLog = dir.resolve("engine-gc.log");
            Process engine = start(List.of("-Xmx512m", "-XX:+ExitOnOutOfMemoryError", "-Xlog:gc:file=" + gcLog,
                    ScaleEngine.class.getName(), source, destination));
            BlockingQueue<String> fromEngine = lines(engine, "engine");
            String line;
            while (!(line = next(fromEngine, engine, "engine")).equals("scale synced 0")) {
                record(line);
            }
            OutputStream commands = engine.getOutputStream();
            commands.write("start\n".getBytes(StandardCharsets.UTF_8));
            commands.flush();
            written = ScaleWriter.run(source, data, options.writesPerSecond(), Duration.ofSeconds(options.writeSeconds()));
            commands.write("stop\n".getBytes(StandardCharsets.UTF_8));
            commands.flush();
            int status = engine.waitFor();
            for (String rest : fromEngine) {
                record(rest);
            }
            System.err.println("scale: the engine's GC log is " + gcLog);
            if (status != 0 || !"EQUAL".equals(figures.get("verification"))) {
                throw new IllegalStateException("the scale run failed: the engine exited with " + status + ", verification "
                        + figures.get("verification") + " (see its output above)");
            }
        } finally {
            servers.getOutputStream().close();
            if (!servers.waitFor(1, TimeUnit.MINUTES)) {
                servers.destroyForcibly();
            }
        }
    }

    private void record(String line) {
        String[] parts = line.split(" ", 3);
        if (parts.length == 3 && parts[0].equals("scale")) {
            figures.put(parts[1], parts[2]);
        }
    }

    /** Starts a JVM on this one's class path, its errors passed through. */
    private static Process start(List<String> arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.addAll(arguments);
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** The child's {@code scale ...} lines, read on a thread of their own; other lines are passed to stderr. */
    private static BlockingQueue<String> lines(Process process, String name) {
        BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.startsWith("scale ")) {
                        queue.add(line);
                        System.err.println(name + ": " + line);
                    } else {
                        System.err.println(name + ": " + line);
                    }
                }
            } catch (IOException e) {
                System.err.println(name + ": output lost: " + e);
            }
        }, "scale-" + name);
        reader.setDaemon(true);
        reader.start();
        return queue;
    }

    /** The child's next {@code scale} line; fails when the child ends first. */
    private static String next(BlockingQueue<String> queue, Process process, String name) throws InterruptedException {
        while (true) {
            String line = queue.poll(1, TimeUnit.SECONDS);
            if (line != null) {
                return line;
            }
            if (!process.isAlive() && queue.isEmpty()) {
                throw new IllegalStateException("the " + name + " JVM ended with status " + process.exitValue() + " before it reported");
            }
        }
    }

    private long figure(String key) {
        String value = figures.get(key);
        if (value == null) {
            throw new IllegalStateException("the engine did not report " + key);
        }
        return Long.parseLong(value);
    }

    private static double mb(long bytes) {
        return bytes / (1024.0 * 1024);
    }

    /** The markdown section for benchmarks/README.md. */
    String section() {
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double copySeconds = figure("copy.millis") / 1000.0;
        double verifySeconds = figure("verify.millis") / 1000.0;
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Written by `java -jar benchmarks/target/benchmarks.jar scale --write .` on %s (%s documents of"
                        + " %d B in %d collections, %d writes/s for %d s).%nMachine: %d cores, %.0f GiB, %s %s. JVM: %s %s. Both embedded"
                        + " servers (mongo-java-server, in-memory) in one JVM with `-Xmx%s`, holding %.1f GiB after seeding; the engine"
                        + " in its own JVM with `-Xmx512m`, through the public API (`Migrations.start`, `verify(true)`, every other"
                        + " setting the default).%n%n",
                LocalDate.now(), String.format(Locale.ROOT, "%,d", options.documents()), options.documentBytes(), options.collections() + 1,
                options.writesPerSecond(), options.writeSeconds(), Runtime.getRuntime().availableProcessors(),
                os.getTotalMemorySize() / (1024.0 * 1024 * 1024), System.getProperty("os.name"), System.getProperty("os.arch"),
                System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"), options.serversHeap(),
                Long.parseLong(figures.get("servers.heap")) / (1024.0 * 1024 * 1024)));
        b.append("| documents | bytes | copy (with index builds) | copy docs/s | copy MB/s | verification | verified docs/s | verified MB/s | verdict |\n");
        b.append("|---|---|---|---|---|---|---|---|---|\n");
        b.append(String.format(Locale.ROOT, "| %,d | %,.0f MB | %,.1f s | %,.0f | %,.1f | %,.1f s | %,.0f | %,.1f | %s |%n%n",
                figure("report.copiedDocuments"), mb(figure("report.copiedBytes")), copySeconds, figure("copy.documents") / copySeconds,
                mb(figure("copy.bytes")) / copySeconds, verifySeconds, figure("verify.documents") / verifySeconds,
                mb(figure("verify.bytes")) / verifySeconds, figures.get("verification")));
        b.append(String.format(Locale.ROOT, "**Engine heap** (`-Xmx512m`; JVM max %.0f MB): sum of the heap pools' peak usages %.0f MB"
                        + " (the pools peak at different moments: an upper bound); most held just before a collection %.0f MB; most"
                        + " live after a full collection %.0f MB (%,d full collections; %.0f MB at most after the copy's); %,d"
                        + " collections, %,d ms of pauses in all. No `OutOfMemoryError` (the JVM runs with"
                        + " `-XX:+ExitOnOutOfMemoryError`).%n%n",
                mb(figure("heap.max")), mb(figure("heap.poolPeaks")), mb(figure("heap.maxBeforeGc")), mb(figure("heap.maxAfterFullGc")),
                figure("heap.fullCollections"), mb(figure("copy.heapMaxAfterFullGc")), figure("heap.collections"), figure("heap.gcMillis")));
        b.append(String.format(Locale.ROOT, "**Sync under load**: the writer asked for %,d writes/s for %d s (a quarter inserts and a quarter"
                        + " deletes in the bulk collections, half updates of a %,d-document hot collection) and made %,d writes at %,.0f/s"
                        + " (at worst %,d ms behind its schedule). Meanwhile the engine applied %,d events, %,d/s (its own one-second rate"
                        + " peaked at %,d/s); the lag it reported was at most %,.1f s and %,.1f s when the writes stopped; it reported zero"
                        + " lag %,.1f s later. Cutover (writes stopped, drain, index restore, verification): downtime %,.1f s;"
                        + " %,d changes applied in all; verification **%s**.%n",
                options.writesPerSecond(), options.writeSeconds(), ScaleData.HOT_DOCUMENTS, written.writes(), written.perSecond(),
                written.maxBehindMillis(), figure("sync.appliedDuringWrites"), figure("sync.appliedPerSecond"), figure("sync.maxEventsPerSecond"),
                figure("sync.lagMaxMillis") / 1000.0, figure("sync.lagAtEndMillis") / 1000.0, figure("sync.catchUpMillis") / 1000.0,
                figure("cutover.downtimeMillis") / 1000.0, figure("report.changesApplied"), figures.get("verification")));
        return b.toString();
    }

    /** One line for the top-level README. */
    String headline() {
        double copySeconds = figure("copy.millis") / 1000.0;
        return String.format(Locale.ROOT, "Scale (%s, %s): %,d documents of %d B copied at %,.0f docs/s and verified (%s) by an engine"
                        + " with a 512 MB heap (%.0f MB at most live after a full collection); under %,.0f writes/s the lag it reported was at most %,.1f s.%n",
                "`benchmarks.jar scale`", LocalDate.now(), figure("report.copiedDocuments"), options.documentBytes(),
                figure("copy.documents") / copySeconds, figures.get("verification"), mb(figure("heap.maxAfterFullGc")), written.perSecond(),
                figure("sync.lagMaxMillis") / 1000.0);
    }
}
