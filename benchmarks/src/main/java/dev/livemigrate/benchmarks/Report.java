package dev.livemigrate.benchmarks;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The benchmarks' entry point ({@code java -jar benchmarks.jar quick|full [--write DIR]}; {@code scale} runs
 * {@link ScaleRun} instead): runs every
 * benchmark with the profile's sizes and iterations, prints the results table with the ratios the
 * benchmarks issue asks for, and with {@code --write} puts the table into {@code DIR/benchmarks/README.md}
 * and the headline ratios into {@code DIR/README.md}, between their {@code results} markers. JMH's own
 * command line stays available: {@code java -cp benchmarks.jar org.openjdk.jmh.Main}.
 */
public final class Report {

    /** Sizes and iterations of one profile. */
    record Profile(String name, List<String> datasets, String applyEvents, String verifyDocuments, int warmups, int iterations) {

        static Profile of(String name) {
            return switch (name) {
                case "quick" -> new Profile("quick", List.of("100000x200", "10000x4000"), "20000", "200000", 1, 5);
                case "full" -> new Profile("full", List.of("1000000x200", "100000x4000"), "200000", "1000000", 1, 5);
                default -> throw new IllegalArgumentException("unknown profile '" + name + "': quick or full");
            };
        }
    }

    /** One-way delays the copy and apply run with: none (in-JVM) and a 0.5 ms round trip. */
    static final List<String> LATENCIES = List.of("0", "250");

    private final Profile profile;
    private final List<RunResult> results = new ArrayList<>();

    private Report(Profile profile) {
        this.profile = profile;
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: java -jar benchmarks.jar quick|full [--write REPOSITORY_ROOT]\n"
                    + "       java -jar benchmarks.jar scale [--documents N] [--collections N] [--document-bytes N]"
                    + " [--writes-per-second N] [--write-seconds N] [--servers-heap SIZE] [--write REPOSITORY_ROOT]");
            System.exit(2);
        }
        if (args[0].equals("scale")) {
            ScaleRun.main(Arrays.asList(args).subList(1, args.length));
            return;
        }
        Profile profile = Profile.of(args[0]);
        Path write = null;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--write") && i + 1 < args.length) {
                write = Path.of(args[++i]);
            }
        }
        Report report = new Report(profile);
        report.run();
        String table = report.table();
        System.out.println(table);
        if (write != null) {
            replace(write.resolve("benchmarks/README.md"), table);
            replace(write.resolve("README.md"), report.headline());
            System.out.println("written to " + write.resolve("benchmarks/README.md") + " and " + write.resolve("README.md"));
        }
    }

    private void run() throws RunnerException {
        // the micro benchmark: time-bounded iterations, throughput
        results.addAll(new Runner(base().include(CopyPathBenchmark.class.getSimpleName())
                .warmupIterations(1).warmupTime(TimeValue.seconds(2))
                .measurementIterations(profile.iterations()).measurementTime(TimeValue.seconds(2)).build()).run());
        // single-shot benchmarks over embedded servers, a fresh heap state per iteration
        results.addAll(new Runner(single().include(CopyEndToEndBenchmark.class.getSimpleName())
                .param("dataset", profile.datasets().toArray(String[]::new)).param("copyParallelism", "1", "2", "4")
                .param("oneWayLatencyMicros", LATENCIES.toArray(String[]::new)).build()).run());
        // one by one over a 0.5 ms round trip pays a round trip per event: three measured runs are enough there
        results.addAll(new Runner(single().measurementIterations(Math.min(3, profile.iterations())).include("ApplyBenchmark")
                .param("events", profile.applyEvents()).param("lanes", "1", "8")
                .param("oneWayLatencyMicros", LATENCIES.toArray(String[]::new)).build()).run());
        results.addAll(new Runner(single().include(VerifyBenchmark.class.getSimpleName())
                .param("documents", profile.verifyDocuments()).build()).run());
    }

    private static ChainedOptionsBuilder base() {
        return new OptionsBuilder().forks(1).jvmArgsAppend("-Xms4g", "-Xmx8g").shouldDoGC(true);
    }

    private ChainedOptionsBuilder single() {
        return base().warmupIterations(profile.warmups()).measurementIterations(profile.iterations());
    }

    /** The markdown section: machine, date, JVM, every figure with its error, and the ratios. */
    String table() {
        StringBuilder b = new StringBuilder();
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        b.append(String.format(Locale.ROOT, "Written by `java -jar benchmarks/target/benchmarks.jar %s --write .` on %s.%n"
                        + "Machine: %d cores, %.0f GiB, %s %s. JVM: %s %s. Profile `%s`: 1 fork, %d warm-up and %d measured"
                        + " iterations per figure; errors are JMH's 99.9%% intervals.%n%n",
                profile.name(), LocalDate.now(), Runtime.getRuntime().availableProcessors(), os.getTotalMemorySize() / (1024.0 * 1024 * 1024),
                System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("java.vm.name"),
                System.getProperty("java.runtime.version"), profile.name(), profile.warmups(), profile.iterations()));

        b.append("**Copy path, micro** (one cursor batch of 1,000 documents into insert batches):\n\n");
        b.append("| document | raw bytes | decode + encode | raw / decoded |\n|---|---|---|---|\n");
        for (String size : List.of("200", "4000")) {
            Optional<RunResult> raw = find("CopyPathBenchmark.rawBytes", "documentBytes", size);
            Optional<RunResult> decoded = find("CopyPathBenchmark.decodeAndEncode", "documentBytes", size);
            if (raw.isPresent() && decoded.isPresent()) {
                b.append(String.format(Locale.ROOT, "| %s B | %s docs/s | %s docs/s | %.1f× |%n", size, figure(raw.get()),
                        figure(decoded.get()), score(raw.get()) / score(decoded.get())));
            }
        }

        b.append("\n**Copy, end to end** between two embedded servers (ms per copy of the whole data set, lower is better):\n\n");
        b.append("| data set | network | engine, 1 / 2 / 4 partitions (4 = default) | naive baseline | source read alone"
                + " | destination write alone | engine vs naive | engine vs limit | engine vs read + write |\n"
                + "|---|---|---|---|---|---|---|---|---|\n");
        for (String dataset : profile.datasets()) {
            for (String latency : LATENCIES) {
                String[] at = {"dataset", dataset, "oneWayLatencyMicros", latency};
                List<String> engine = new ArrayList<>();
                for (String p : List.of("1", "2", "4")) {
                    engine.add(find("CopyEndToEndBenchmark.engine", with(at, "copyParallelism", p)).map(Report::figure).orElse("-"));
                }
                Optional<RunResult> byDefault = find("CopyEndToEndBenchmark.engine", with(at, "copyParallelism", "4"));
                Optional<RunResult> naive = find("CopyEndToEndBenchmark.naiveBaseline", at);
                Optional<RunResult> read = find("CopyEndToEndBenchmark.sourceReadAlone", at);
                Optional<RunResult> write = find("CopyEndToEndBenchmark.destinationWriteAlone", at);
                String vsNaive = byDefault.isPresent() && naive.isPresent()
                        ? String.format(Locale.ROOT, "%.2f×", score(naive.get()) / score(byDefault.get())) : "-";
                boolean limits = byDefault.isPresent() && read.isPresent() && write.isPresent();
                String vsLimit = limits
                        ? String.format(Locale.ROOT, "%.2f×", Math.max(score(read.get()), score(write.get())) / score(byDefault.get())) : "-";
                String vsSum = limits
                        ? String.format(Locale.ROOT, "%.2f×", (score(read.get()) + score(write.get())) / score(byDefault.get())) : "-";
                b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", dataset.replace("x", " × ") + " B",
                        network(latency), String.join(" / ", engine), naive.map(Report::figure).orElse("-"),
                        read.map(Report::figure).orElse("-"), write.map(Report::figure).orElse("-"), vsNaive, vsLimit, vsSum));
            }
        }
        b.append("\n\"engine vs naive\" is the naive time over the engine's (higher is better); \"engine vs limit\" is the larger of"
                + " the two limits over the engine's time (1.0 = at the limit); \"engine vs read + write\" is their sum over the engine's"
                + " time, the bound when, as here, both servers and the engine share the same cores.\n");

        b.append("\n**Apply** (").append(String.format(Locale.ROOT, "%,d", Integer.parseInt(profile.applyEvents())))
                .append(" recorded change events over a hot set; ms per stream):\n\n");
        b.append("| network | 1 lane | 8 lanes (default) | one by one, in order | 8 lanes vs one by one |\n|---|---|---|---|---|\n");
        for (String latency : LATENCIES) {
            Optional<RunResult> one = find("ApplyBenchmark.lanes", "lanes", "1", "oneWayLatencyMicros", latency);
            Optional<RunResult> eight = find("ApplyBenchmark.lanes", "lanes", "8", "oneWayLatencyMicros", latency);
            Optional<RunResult> single = find("ApplyBenchmark.oneByOne", "oneWayLatencyMicros", latency);
            if (one.isPresent() && eight.isPresent() && single.isPresent()) {
                b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.2f× |%n", network(latency), figure(one.get()),
                        figure(eight.get()), figure(single.get()), score(single.get()) / score(eight.get())));
            }
        }

        Optional<RunResult> hash = find("VerifyBenchmark.hashVerifier");
        Optional<RunResult> verifyRead = find("VerifyBenchmark.sourceReadAlone");
        if (hash.isPresent() && verifyRead.isPresent()) {
            double documents = Double.parseDouble(profile.verifyDocuments());
            b.append(String.format(Locale.ROOT, "%n**Verify** (%,.0f small documents per side; ms):%n%n| hash verifier | source read alone"
                            + " | verifier documents/s | vs read |%n|---|---|---|---|%n| %s | %s | %,.0f | %.2f× |%n", documents,
                    figure(hash.get()), figure(verifyRead.get()), documents / (score(hash.get()) / 1000), score(verifyRead.get()) / score(hash.get())));
        }
        return b.toString();
    }

    /** The headline ratios for the top-level README. */
    String headline() {
        List<String> parts = new ArrayList<>();
        find("CopyPathBenchmark.rawBytes", "documentBytes", "200").ifPresent(raw -> find("CopyPathBenchmark.decodeAndEncode", "documentBytes", "200")
                .ifPresent(dec -> parts.add(String.format(Locale.ROOT, "raw BSON moves a batch %.1f× faster than decoding and re-encoding",
                        score(raw) / score(dec)))));
        String dataset = profile.datasets().get(0);
        for (String latency : LATENCIES) {
            String[] at = {"dataset", dataset, "oneWayLatencyMicros", latency};
            find("CopyEndToEndBenchmark.engine", with(at, "copyParallelism", "4")).ifPresent(engine -> {
                find("CopyEndToEndBenchmark.naiveBaseline", at).ifPresent(naive -> parts.add(String.format(Locale.ROOT,
                        "over %s the engine copies %s B documents %.2f× as fast as a naive script", network(latency),
                        dataset.replace("x", " × "), score(naive) / score(engine))));
                find("CopyEndToEndBenchmark.sourceReadAlone", at).ifPresent(read -> find("CopyEndToEndBenchmark.destinationWriteAlone", at)
                        .ifPresent(write -> parts.add(String.format(Locale.ROOT, "at %.2f× of the limit (the slower of reading the source"
                                + " alone and writing the destination alone)", Math.max(score(read), score(write)) / score(engine)))));
            });
            find("ApplyBenchmark.lanes", "lanes", "8", "oneWayLatencyMicros", latency).ifPresent(lanes -> find("ApplyBenchmark.oneByOne",
                    "oneWayLatencyMicros", latency).ifPresent(one -> parts.add(String.format(Locale.ROOT,
                    "over %s 8 apply lanes apply changes %.2f× as fast as one by one", network(latency), score(one) / score(lanes)))));
        }
        find("VerifyBenchmark.hashVerifier").ifPresent(hash -> find("VerifyBenchmark.sourceReadAlone").ifPresent(read ->
                parts.add(String.format(Locale.ROOT, "the hash verifier runs at %.2f× of the source read rate", score(read) / score(hash)))));
        return "Headline (" + profile.name() + " profile, " + LocalDate.now() + ", embedded servers on "
                + Runtime.getRuntime().availableProcessors() + " cores): " + String.join("; ", parts) + ".\n";
    }

    private static String network(String oneWayMicros) {
        return oneWayMicros.equals("0") ? "in-JVM" : String.format(Locale.ROOT, "%.1f ms RTT", 2 * Integer.parseInt(oneWayMicros) / 1000.0);
    }

    private static String[] with(String[] params, String name, String value) {
        String[] all = Arrays.copyOf(params, params.length + 2);
        all[params.length] = name;
        all[params.length + 1] = value;
        return all;
    }

    private Optional<RunResult> find(String benchmark, String... params) {
        return results.stream().filter(r -> r.getParams().getBenchmark().endsWith(benchmark)).filter(r -> {
            for (int i = 0; i + 1 < params.length; i += 2) {
                if (!params[i + 1].equals(r.getParams().getParam(params[i]))) {
                    return false;
                }
            }
            return true;
        }).findFirst();
    }

    private static double score(RunResult r) {
        return r.getPrimaryResult().getScore();
    }

    private static String figure(RunResult r) {
        double error = r.getPrimaryResult().getScoreError();
        return String.format(Locale.ROOT, "%,.0f ± %,.0f", score(r), Double.isNaN(error) ? 0 : error);
    }

    /** Replaces what stands between {@code <!-- results:begin -->} and {@code <!-- results:end -->}. */
    static void replace(Path file, String section) throws IOException {
        replace(file, "results", section);
    }

    /** Replaces what stands between {@code <!-- NAME:begin -->} and {@code <!-- NAME:end -->}. */
    static void replace(Path file, String name, String section) throws IOException {
        String text = Files.readString(file);
        String begin = "<!-- " + name + ":begin -->";
        String end = "<!-- " + name + ":end -->";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalStateException(file + " has no " + begin + " ... " + end + " markers");
        }
        Files.writeString(file, text.substring(0, from + begin.length()) + "\n" + section + text.substring(to));
    }
}
