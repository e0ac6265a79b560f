package dev.livemigrate.benchmarks;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.Migrations;

import java.time.Duration;

/**
 * Not a benchmark: runs the engine's copy a few times, printing each round's time and how many cores the
 * process kept busy, for a profiler ({@code -XX:StartFlightRecording}). Arguments: data set (like
 * {@code 200000x200}), copy parallelism, rounds.
 */
public final class CopyProfile {

    public static void main(String[] args) {
        BenchData.Shape shape = BenchData.Shape.parse(args.length > 0 ? args[0] : "200000x200");
        int parallelism = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        MongoServer source = BenchData.server();
        try (MongoClient client = MongoClients.create(BenchData.uri(source))) {
            BenchData.seed(client, shape);
        }
        for (int r = 0; r < rounds; r++) {
            MongoServer destination = BenchData.server();
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long cpu = os.getProcessCpuTime();
            long t = System.nanoTime();
            Migrations.run(MigrationSpec.builder().source(BenchData.uri(source)).destination(BenchData.uri(destination))
                    .continuousSync(false).copyParallelism(parallelism).build(), Duration.ofHours(1));
            long wall = System.nanoTime() - t;
            System.out.printf("round %d: %d ms, %.2f cores busy%n", r, wall / 1_000_000, (os.getProcessCpuTime() - cpu) / (double) wall);
            destination.shutdownNow();
        }
        source.shutdownNow();
    }
}
