package dev.livemigrate.benchmarks;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.bson.Document;
import org.bson.types.ObjectId;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The data sets of the end-to-end benchmarks, seeded into an embedded server: {@value #COLLECTIONS}
 * collections in database {@value #DATABASE}, {@code _id}s of four types in turn (int, string, long,
 * ObjectId), documents padded to a given size with a few typed fields.
 */
final class BenchData {

    static final String DATABASE = "bench";
    static final int COLLECTIONS = 4;

    private BenchData() {
    }

    /** A data set named like {@code 1000000x200} (documents × bytes). */
    record Shape(int documents, int documentBytes) {

        static Shape parse(String text) {
            String[] parts = text.toLowerCase(Locale.ROOT).split("x");
            return new Shape(Integer.parseInt(parts[0].replace("_", "")), Integer.parseInt(parts[1].replace("_", "")));
        }
    }

    /** An in-memory embedded server on a free loopback port. */
    static MongoServer server() {
        MongoServer server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", 0);
        return server;
    }

    static String uri(MongoServer server) {
        return "mongodb://127.0.0.1:" + server.getLocalAddress().getPort();
    }

    static void seed(MongoClient client, Shape shape) {
        for (int c = 0; c < COLLECTIONS; c++) {
            MongoCollection<Document> coll = client.getDatabase(DATABASE).getCollection("c" + c);
            List<Document> batch = new ArrayList<>();
            for (int i = 0; i < shape.documents() / COLLECTIONS; i++) {
                batch.add(document(i, shape.documentBytes()));
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

    static Document document(int i, int bytes) {
        Object id = switch (i % 4) {
            case 0 -> i;
            case 1 -> "k" + i;
            case 2 -> (long) i * 1_000_000L;
            default -> new ObjectId(new java.util.Date(1_700_000_000_000L + i * 1000L), i);
        };
        return new Document("_id", id).append("n", i).append("price", i * 0.25).append("tags", List.of("a", "b"))
                .append("pad", "p".repeat(Math.max(0, bytes - 90)));
    }
}
