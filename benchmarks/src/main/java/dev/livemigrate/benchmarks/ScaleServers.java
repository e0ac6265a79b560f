package dev.livemigrate.benchmarks;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.InsertManyOptions;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.RawBsonDocument;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The scale run's servers, in a JVM of their own (their data would not fit in the engine's 512 MB): a
 * source and an empty destination (mongo-java-server, in-memory), on free loopback ports. The source is
 * seeded with {@link ScaleData}'s documents by unordered bulk inserts of raw BSON, one thread per
 * collection, with its oplog off; then the oplog is switched on and one marker document inserted and
 * deleted, so the oplog holds only those two entries and the writer's changes (the embedded server scans
 * its whole oplog on every change-stream {@code getMore}), and the engine finds a start point in it.
 *
 * <p>Arguments: documents, collections, bytes per document. Prints one line on stdout,
 * {@code scale servers <sourcePort> <destinationPort> <bytes> <seedMillis> <heapAfterSeedBytes>}, and
 * stops both servers when its standard input closes.
 */
public final class ScaleServers {

    private ScaleServers() {
    }

    public static void main(String[] args) throws Exception {
        ScaleData data = new ScaleData(Integer.parseInt(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        MongoServer source = new MongoServer(new MemoryBackend());
        MongoServer destination = new MongoServer(new MemoryBackend());
        source.bind("127.0.0.1", 0);
        destination.bind("127.0.0.1", 0);
        String uri = "mongodb://127.0.0.1:" + source.getLocalAddress().getPort();
        long started = System.nanoTime();
        long bytes = seed(uri, data);
        long seedMillis = (System.nanoTime() - started) / 1_000_000;
        source.enableOplog();
        try (MongoClient client = MongoClients.create(uri)) {
            MongoCollection<BsonDocument> marker = client.getDatabase(ScaleData.DATABASE).getCollection(ScaleData.HOT, BsonDocument.class);
            marker.insertOne(new BsonDocument("_id", new BsonString("oplog-start")));
            marker.deleteOne(new BsonDocument("_id", new BsonString("oplog-start")));
        }
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        System.out.printf("scale servers %d %d %d %d %d%n", source.getLocalAddress().getPort(), destination.getLocalAddress().getPort(),
                bytes, seedMillis, heap);
        System.out.flush();
        waitForEndOfInput();
        source.shutdownNow();
        destination.shutdownNow();
    }

    private static void waitForEndOfInput() throws IOException {
        byte[] buffer = new byte[256];
        while (System.in.read(buffer) >= 0) {
            // the run ends when the parent closes our input (or dies)
        }
    }

    /** Seeds every collection in parallel; returns the bytes inserted. */
    static long seed(String uri, ScaleData data) throws Exception {
        List<String> names = new ArrayList<>(data.collectionNames());
        names.add(ScaleData.HOT);
        ExecutorService threads = Executors.newFixedThreadPool(names.size());
        try (MongoClient client = MongoClients.create(uri)) {
            List<Future<Long>> done = new ArrayList<>();
            for (String name : names) {
                MongoCollection<RawBsonDocument> to = client.getDatabase(ScaleData.DATABASE).getCollection(name, RawBsonDocument.class);
                done.add(threads.submit(() -> insertAll(to, data.idsOf(name), data)));
            }
            long bytes = 0;
            for (Future<Long> f : done) {
                bytes += f.get();
            }
            return bytes;
        } finally {
            threads.shutdownNow();
        }
    }

    private static long insertAll(MongoCollection<RawBsonDocument> to, ScaleData.Ids ids, ScaleData data) {
        InsertManyOptions unordered = new InsertManyOptions().ordered(false);
        List<RawBsonDocument> batch = new ArrayList<>(10_000);
        long bytes = 0;
        for (int id = ids.first(); id < ids.end(); id += ids.step()) {
            RawBsonDocument d = data.document(id);
            bytes += d.getByteBuffer().remaining();
            batch.add(d);
            if (batch.size() == 10_000) {
                to.insertMany(batch, unordered);
                batch = new ArrayList<>(10_000);
            }
        }
        if (!batch.isEmpty()) {
            to.insertMany(batch, unordered);
        }
        return bytes;
    }
}
