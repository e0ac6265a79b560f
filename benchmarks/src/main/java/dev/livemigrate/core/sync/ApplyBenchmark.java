package dev.livemigrate.core.sync;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.Namespace;
import dev.livemigrate.benchmarks.LatencyProxy;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
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
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The apply path: a recorded stream of mixed change events (inserts, diff updates, replaces, deletes over
 * a hot set of documents) applied to an embedded destination by {@link ApplyLanes} with N lanes, against
 * applying the events one by one in order. Score: ms per stream (lower is better). Lives in the engine's
 * package to reach the package-private apply classes; it is benchmark code, not part of the engine.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ApplyBenchmark {

    private static final Namespace NS = Namespace.parse("bench.hot");

    @Param({"200000"})
    public int events;


    /** Delay each way between the applier and the destination (0: the embedded server's own). */
    @Param({"0", "250"})
    public int oneWayLatencyMicros;

    private List<ChangeEvent> stream;
    private MongoServer server;
    private LatencyProxy proxy;
    private MongoClient destination;

    @Setup(Level.Trial)
    public void record() {
        Random random = new Random(11);
        stream = new ArrayList<>(events);
        for (int i = 0; i < events; i++) {
            int id = random.nextInt(10_000);
            BsonDocument key = new BsonDocument("_id", new BsonInt32(id));
            String type = switch (random.nextInt(10)) {
                case 0, 1 -> "insert";
                case 2 -> "replace";
                case 3 -> "delete";
                default -> "update";
            };
            RawBsonDocument full = type.equals("insert") || type.equals("replace")
                    ? RawBsonDocument.parse(new BsonDocument("_id", new BsonInt32(id)).append("n", new BsonInt32(i))
                    .append("s", new BsonString("v" + i)).toJson()) : null;
            BsonDocument description = type.equals("update") ? new BsonDocument("updatedFields",
                    new BsonDocument("n", new BsonInt32(i))).append("removedFields", new org.bson.BsonArray()) : null;
            stream.add(new ChangeEvent("bench", i, new BsonDocument("_data", new BsonString(Integer.toHexString(i))),
                    new BsonTimestamp(1_700_000_000, i), type, NS, null, key, full, description, null));
        }
    }

    @Setup(Level.Invocation)
    public void freshDestination() {
        server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", 0);
        int port = server.getLocalAddress().getPort();
        if (oneWayLatencyMicros > 0) {
            proxy = new LatencyProxy(port, oneWayLatencyMicros);
            port = proxy.port();
        }
        destination = MongoClients.create("mongodb://127.0.0.1:" + port);
    }

    @TearDown(Level.Invocation)
    public void stop() {
        destination.close();
        if (proxy != null) {
            proxy.close();
        }
        server.shutdownNow();
    }

    /** The number of lanes, a state of its own so that {@link #oneByOne} runs once per data set. */
    @State(Scope.Benchmark)
    public static class Lanes {

        @Param({"1", "8"})
        public int lanes;
    }

    @Benchmark
    public long lanes(Lanes settings) throws InterruptedException {
        int lanes = settings.lanes;
        ChangeApplier applier = new ChangeApplier(destination, destination, ns -> ns, new ChangeApplier.Settings(ChangeApplier.Mode.DIFF, false, ns -> false, ns -> false));
        Checkpointer checkpointer = new Checkpointer();
        try (ApplyLanes applyLanes = new ApplyLanes(new ApplyLanes.Shape("bench", lanes, 1000, MigrationSpec.DEFAULT_APPLY_BUFFER_BYTES), applier::apply, ns -> false, checkpointer, t -> {
            throw new IllegalStateException(t);
        })) {
            for (ChangeEvent e : stream) {
                applyLanes.dispatch(e);
            }
            applyLanes.drain();
        }
        return checkpointer.inFlight();
    }

    @Benchmark
    public int oneByOne() {
        ChangeApplier applier = new ChangeApplier(destination, destination, ns -> ns, new ChangeApplier.Settings(ChangeApplier.Mode.DIFF, false, ns -> false, ns -> false));
        for (ChangeEvent e : stream) {
            applier.apply(List.of(e));
        }
        return stream.size();
    }
}
