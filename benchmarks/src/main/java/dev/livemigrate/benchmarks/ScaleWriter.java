package dev.livemigrate.benchmarks;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import org.bson.BsonDocument;
import org.bson.RawBsonDocument;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * The scale run's application: writes to the source at a steady rate, one write at a time, for a while.
 * Of every four writes, one inserts a new document into the bulk collections (ids from {@link
 * ScaleData#bulk()} up), one deletes a seeded one (ids from {@code bulk() - 1} down) and two update a
 * document of the hot collection ({@code $set} of its string, same size). Updates go to the hot set because the
 * embedded server answers an update event's {@code updateLookup} by scanning the whole collection: over a
 * bulk collection of a million documents that scan, not the engine, would set the pace.
 */
final class ScaleWriter {

    /** What the writer did: writes by kind, how long it took, and how far it fell behind its schedule at worst. */
    record Result(long inserts, long deletes, long updates, long nanos, long maxBehindMillis) {

        long writes() {
            return inserts + deletes + updates;
        }

        double perSecond() {
            return writes() / (nanos / 1e9);
        }
    }

    private ScaleWriter() {
    }

    static Result run(String sourceUri, ScaleData data, int writesPerSecond, Duration duration) {
        long total = writesPerSecond * duration.toSeconds();
        long inserts = 0;
        long deletes = 0;
        long updates = 0;
        long maxBehind = 0;
        try (MongoClient client = MongoClients.create(sourceUri)) {
            MongoDatabase db = client.getDatabase(ScaleData.DATABASE);
            long start = System.nanoTime();
            for (long k = 0; k < total; k++) {
                long due = start + k * 1_000_000_000L / writesPerSecond;
                long now = System.nanoTime();
                if (due > now) {
                    LockSupport.parkNanos(due - now); // pacing the writes, not waiting for a condition
                } else {
                    maxBehind = Math.max(maxBehind, now - due);
                }
                switch ((int) (k % 4)) {
                    case 0 -> {
                        int id = data.bulk() + (int) inserts++;
                        db.getCollection(data.collectionOf(id), RawBsonDocument.class).insertOne(data.document(id));
                    }
                    case 1 -> {
                        int id = data.bulk() - 1 - (int) deletes++;
                        db.getCollection(data.collectionOf(id), BsonDocument.class).deleteOne(ScaleData.byId(id));
                    }
                    default -> {
                        int id = (int) ((updates++ * 7919) % ScaleData.HOT_DOCUMENTS);
                        db.getCollection(ScaleData.HOT, BsonDocument.class).updateOne(ScaleData.byId(id),
                                new BsonDocument("$set", new BsonDocument("s", data.text(k))));
                    }
                }
            }
            return new Result(inserts, deletes, updates, System.nanoTime() - start, maxBehind / 1_000_000);
        }
    }
}
