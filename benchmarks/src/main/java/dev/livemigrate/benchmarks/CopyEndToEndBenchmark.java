package dev.livemigrate.benchmarks;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.Migrations;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The copy, end to end between two embedded servers: the engine (one-time copy) against a naive
 * baseline (one thread, {@code find()} into {@code insertMany} of 1,000 {@code Document}s) and against the
 * source read alone. Score: seconds per copy of the whole data set (lower is better). The embedded
 * server, not the engine, sets most of the pace here; see benchmarks/README.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class CopyEndToEndBenchmark {

    @Param({"100000"})
    public int documents;

    @Param({"200"})
    public int documentBytes;

    /** Partitions copied at once by the engine. */
    @Param({"4"})
    public int copyParallelism;

    private MongoServer sourceServer;
    private MongoServer destinationServer;
    private String source;
    private String destination;
    private MongoClient sourceClient;

    @Setup(Level.Trial)
    public void seed() {
        sourceServer = server();
        source = "mongodb://127.0.0.1:" + sourceServer.getLocalAddress().getPort();
        sourceClient = MongoClients.create(source);
        for (int c = 0; c < 4; c++) {
            MongoCollection<Document> coll = sourceClient.getDatabase("bench").getCollection("c" + c);
            List<Document> batch = new ArrayList<>();
            for (int i = 0; i < documents / 4; i++) {
                Object id = switch (i % 3) {
                    case 0 -> i;
                    case 1 -> "k" + i;
                    default -> (long) i * 1_000_000L;
                };
                batch.add(new Document("_id", id).append("n", i).append("pad", "p".repeat(Math.max(0, documentBytes - 40))));
                if (batch.size() == 1000) {
                    coll.insertMany(batch);
                    batch.clear();
                }
            }
            if (!batch.isEmpty()) {
                coll.insertMany(batch);
            }
        }
    }

    @Setup(Level.Invocation)
    public void freshDestination() {
        destinationServer = server();
        destination = "mongodb://127.0.0.1:" + destinationServer.getLocalAddress().getPort();
    }

    @TearDown(Level.Invocation)
    public void dropDestination() {
        destinationServer.shutdownNow();
    }

    @TearDown(Level.Trial)
    public void stop() {
        sourceClient.close();
        sourceServer.shutdownNow();
    }

    @Benchmark
    public Object engine() {
        return Migrations.run(MigrationSpec.builder().source(source).destination(destination).continuousSync(false)
                .copyParallelism(copyParallelism).partitionSizeBytes(4L * 1024 * 1024).build(), Duration.ofHours(1));
    }

    @Benchmark
    public long naiveBaseline() {
        long copied = 0;
        try (MongoClient dst = MongoClients.create(destination)) {
            for (String name : sourceClient.getDatabase("bench").listCollectionNames()) {
                MongoCollection<Document> to = dst.getDatabase("bench").getCollection(name);
                List<Document> batch = new ArrayList<>(1000);
                for (Document d : sourceClient.getDatabase("bench").getCollection(name).find()) {
                    batch.add(d);
                    if (batch.size() == 1000) {
                        to.insertMany(batch);
                        copied += batch.size();
                        batch = new ArrayList<>(1000);
                    }
                }
                if (!batch.isEmpty()) {
                    to.insertMany(batch);
                    copied += batch.size();
                }
            }
        }
        return copied;
    }

    @Benchmark
    public long sourceReadAlone() {
        long bytes = 0;
        for (String name : sourceClient.getDatabase("bench").listCollectionNames()) {
            for (RawBsonDocument d : sourceClient.getDatabase("bench").getCollection(name, RawBsonDocument.class).find()) {
                bytes += d.getByteBuffer().remaining();
            }
        }
        return bytes;
    }

    private static MongoServer server() {
        MongoServer server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", 0);
        return server;
    }
}
