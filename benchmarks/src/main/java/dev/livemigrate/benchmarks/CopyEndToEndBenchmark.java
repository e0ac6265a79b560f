package dev.livemigrate.benchmarks;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.InsertManyOptions;
import de.bwaldvogel.mongo.MongoServer;
import dev.livemigrate.MigrationReport;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The copy, end to end between two embedded servers, all on one data set measured in one run: the engine
 * (one-time copy, by {@code copyParallelism}; 4 is the default), a naive baseline (one thread,
 * {@code find()} into {@code insertMany} of 1,000 {@code Document}s), and the two limits: the source read
 * alone (every cursor drained as raw bytes) and the destination write alone (pre-built raw batches
 * inserted, one thread per collection). Each runs with the servers' own latency and behind a
 * {@link LatencyProxy} that makes a network round trip cost 0.5 ms. Score: milliseconds per copy of the
 * whole data set (lower is better); the ratios are computed by {@link Report}.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class CopyEndToEndBenchmark {

    /** The seeded source, and a fresh destination for every copy. */
    @State(Scope.Benchmark)
    public static class Servers {

        /** Documents × bytes per document, spread over {@value BenchData#COLLECTIONS} collections. */
        @Param({"1000000x200", "100000x4000"})
        public String dataset;

        /** Delay each way between the clients and both servers (0: the servers' own, a few microseconds). */
        @Param({"0", "250"})
        public int oneWayLatencyMicros;

        MongoServer sourceServer;
        MongoServer destinationServer;
        LatencyProxy sourceProxy;
        LatencyProxy destinationProxy;
        String source;
        String destination;
        MongoClient sourceClient;
        /** The source's documents as the raw batches the engine would insert, by collection. */
        List<List<List<RawBsonDocument>>> batches;

        @Setup(Level.Trial)
        public void seed() {
            sourceServer = BenchData.server();
            try (MongoClient direct = MongoClients.create(BenchData.uri(sourceServer))) {
                BenchData.seed(direct, BenchData.Shape.parse(dataset));
            }
            if (oneWayLatencyMicros > 0) {
                sourceProxy = new LatencyProxy(sourceServer.getLocalAddress().getPort(), oneWayLatencyMicros);
                source = "mongodb://127.0.0.1:" + sourceProxy.port();
            } else {
                source = BenchData.uri(sourceServer);
            }
            sourceClient = MongoClients.create(source);
        }

        @Setup(Level.Invocation)
        public void freshDestination() {
            destinationServer = BenchData.server();
            if (oneWayLatencyMicros > 0) {
                destinationProxy = new LatencyProxy(destinationServer.getLocalAddress().getPort(), oneWayLatencyMicros);
                destination = "mongodb://127.0.0.1:" + destinationProxy.port();
            } else {
                destination = BenchData.uri(destinationServer);
            }
        }

        @TearDown(Level.Invocation)
        public void dropDestination() {
            if (destinationProxy != null) {
                destinationProxy.close();
            }
            destinationServer.shutdownNow();
        }

        @TearDown(Level.Trial)
        public void stop() {
            sourceClient.close();
            if (sourceProxy != null) {
                sourceProxy.close();
            }
            sourceServer.shutdownNow();
        }

        /**
         * The cursor batch of the baselines and limits, as the engine sizes it (8 MiB of documents). They must
         * set one: the embedded server answers a {@code getMore} without a batch size with the whole rest of
         * the collection, beyond the driver's 48 MB message limit (a real server stops at 16 MiB).
         */
        int cursorBatch() {
            return Math.max(101, (8 << 20) / BenchData.Shape.parse(dataset).documentBytes());
        }

        List<String> collections() {
            return sourceClient.getDatabase(BenchData.DATABASE).listCollectionNames().into(new ArrayList<>());
        }

        MongoCollection<RawBsonDocument> raw(MongoClient client, String name) {
            return client.getDatabase(BenchData.DATABASE).getCollection(name, RawBsonDocument.class);
        }

        /** Reads the source once into batches of at most 1,000 documents or 8 MiB. */
        synchronized List<List<List<RawBsonDocument>>> batches() {
            if (batches == null) {
                batches = new ArrayList<>();
                for (String name : collections()) {
                    List<List<RawBsonDocument>> ofCollection = new ArrayList<>();
                    List<RawBsonDocument> batch = new ArrayList<>();
                    long bytes = 0;
                    for (RawBsonDocument d : raw(sourceClient, name).find().batchSize(cursorBatch())) {
                        int size = d.getByteBuffer().remaining();
                        if (!batch.isEmpty() && (batch.size() == 1000 || bytes + size > 8 << 20)) {
                            ofCollection.add(batch);
                            batch = new ArrayList<>();
                            bytes = 0;
                        }
                        batch.add(d);
                        bytes += size;
                    }
                    if (!batch.isEmpty()) {
                        ofCollection.add(batch);
                    }
                    batches.add(ofCollection);
                }
            }
            return batches;
        }
    }

    /** The engine's settings. */
    @State(Scope.Benchmark)
    public static class Engine {

        /** Partitions copied at once (4 is the default). */
        @Param({"1", "2", "4"})
        public int copyParallelism;
    }

    @Benchmark
    public MigrationReport engine(Servers servers, Engine engine) {
        return Migrations.run(MigrationSpec.builder().source(servers.source).destination(servers.destination).continuousSync(false)
                .copyParallelism(engine.copyParallelism).build(), Duration.ofHours(1));
    }

    @Benchmark
    public long naiveBaseline(Servers servers) {
        long copied = 0;
        try (MongoClient dst = MongoClients.create(servers.destination)) {
            for (String name : servers.collections()) {
                MongoCollection<Document> to = dst.getDatabase(BenchData.DATABASE).getCollection(name);
                List<Document> batch = new ArrayList<>(1000);
                for (Document d : servers.sourceClient.getDatabase(BenchData.DATABASE).getCollection(name).find()
                        .batchSize(servers.cursorBatch())) {
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
    public long sourceReadAlone(Servers servers) {
        long bytes = 0;
        for (String name : servers.collections()) {
            for (RawBsonDocument d : servers.raw(servers.sourceClient, name).find().batchSize(servers.cursorBatch())) {
                bytes += d.getByteBuffer().remaining();
            }
        }
        return bytes;
    }

    @Benchmark
    public long destinationWriteAlone(Servers servers) throws Exception {
        List<List<List<RawBsonDocument>>> batches = servers.batches();
        InsertManyOptions unordered = new InsertManyOptions().ordered(false).bypassDocumentValidation(true);
        try (MongoClient dst = MongoClients.create(servers.destination)) {
            ExecutorService threads = Executors.newFixedThreadPool(batches.size());
            try {
                List<Future<Long>> done = new ArrayList<>();
                List<String> names = servers.collections();
                for (int c = 0; c < batches.size(); c++) {
                    MongoCollection<RawBsonDocument> to = servers.raw(dst, names.get(c));
                    List<List<RawBsonDocument>> ofCollection = batches.get(c);
                    done.add(threads.submit(() -> {
                        long n = 0;
                        for (List<RawBsonDocument> batch : ofCollection) {
                            to.insertMany(batch, unordered);
                            n += batch.size();
                        }
                        return n;
                    }));
                }
                long written = 0;
                for (Future<Long> f : done) {
                    written += f.get();
                }
                return written;
            } finally {
                threads.shutdownNow();
            }
        }
    }
}
