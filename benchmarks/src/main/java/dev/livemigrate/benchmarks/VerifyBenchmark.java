package dev.livemigrate.benchmarks;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.InsertManyOptions;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.livemigrate.Namespace;
import dev.livemigrate.NamespaceVerification;
import dev.livemigrate.verify.HashVerifier;
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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The hash verifier over one collection of small documents (1 million by default) on two embedded
 * servers, against the source read alone: the verifier's documents per second is the collection size
 * divided by its time, and its ratio to the read is the second figure. Memory stays bounded: the verifier
 * keeps 4,096 bucket digests per side, whatever the size.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class VerifyBenchmark {

    private static final Namespace NS = Namespace.parse("bench.small");

    @Param({"1000000"})
    public int documents;

    private MongoServer sourceServer;
    private MongoServer destinationServer;
    private MongoClientSettings source;
    private MongoClientSettings destination;
    private MongoClient sourceClient;

    @Setup(Level.Trial)
    public void seed() {
        sourceServer = server();
        destinationServer = server();
        source = settings(sourceServer);
        destination = settings(destinationServer);
        sourceClient = MongoClients.create(source);
        try (MongoClient d = MongoClients.create(destination)) {
            List<Document> batch = new ArrayList<>(10_000);
            for (int i = 0; i < documents; i++) {
                batch.add(new Document("_id", i).append("n", i).append("s", "v" + (i % 1000)));
                if (batch.size() == 10_000) {
                    insert(batch, sourceClient, d);
                    batch = new ArrayList<>(10_000);
                }
            }
            if (!batch.isEmpty()) {
                insert(batch, sourceClient, d);
            }
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        sourceClient.close();
        sourceServer.shutdownNow();
        destinationServer.shutdownNow();
    }

    @Benchmark
    public NamespaceVerification hashVerifier() {
        NamespaceVerification r = new HashVerifier().verify(source, destination, Map.of(NS, NS)).get(0);
        if (!r.equal()) {
            throw new IllegalStateException(String.join("; ", r.differences()));
        }
        return r;
    }

    @Benchmark
    public long sourceReadAlone() {
        long bytes = 0;
        for (RawBsonDocument d : sourceClient.getDatabase(NS.database()).getCollection(NS.collection(), RawBsonDocument.class).find()
                .batchSize(100_000)) { // what the verifier asks for these small documents (8 MiB, at most 100,000)
            bytes += d.getByteBuffer().remaining();
        }
        return bytes;
    }

    private static void insert(List<Document> batch, MongoClient s, MongoClient d) {
        for (MongoClient c : new MongoClient[] {s, d}) {
            MongoCollection<Document> coll = c.getDatabase(NS.database()).getCollection(NS.collection());
            coll.insertMany(batch, new InsertManyOptions().ordered(false));
        }
    }

    private static MongoServer server() {
        MongoServer server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", 0);
        return server;
    }

    private static MongoClientSettings settings(MongoServer server) {
        return MongoClientSettings.builder().applyConnectionString(
                new ConnectionString("mongodb://127.0.0.1:" + server.getLocalAddress().getPort())).build();
    }
}
