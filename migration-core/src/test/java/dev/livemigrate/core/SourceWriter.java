package dev.livemigrate.core;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.UpdateOptions;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.Document;

import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A writer against the source for live-sync tests: inserts, {@code $set}/{@code $unset}/{@code $inc}/
 * {@code $push} and array-element updates, replaces, deletes, upserts, collection creation and drop,
 * index creation, over mixed {@code _id} types. Deterministic for a seed; runs until done. It
 * counts the writes that succeeded and keeps its failure for {@link #awaitAllWritten}, which the test must call.
 */
final class SourceWriter implements Runnable {

    private final MongoDatabase db;
    private final Random random;
    private final int operations;
    private final AtomicInteger written = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private Thread thread;

    SourceWriter(MongoClient client, String database, long seed, int operations) {
        this.db = client.getDatabase(database);
        this.random = new Random(seed);
        this.operations = operations;
    }

    /** Runs the writer on a thread of its own, started. */
    SourceWriter startInBackground() {
        thread = new Thread(() -> {
            try {
                run();
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "source-writer");
        thread.start();
        return this;
    }

    /** Writes that succeeded so far. */
    int written() {
        return written.get();
    }

    /** Whether the background writer is still writing. */
    boolean isWriting() {
        return thread != null && thread.isAlive();
    }

    /**
     * Waits for the background writer to finish; rethrows its failure, and fails unless every one of its
     * operations was written (a writer that died early would let convergence be "proven" on fewer writes).
     */
    int awaitAllWritten() throws InterruptedException {
        thread.join();
        if (failure.get() != null) {
            throw new AssertionError("the source writer failed after " + written.get() + " writes", failure.get());
        }
        if (written.get() != operations) {
            throw new AssertionError("the source writer wrote " + written.get() + " of " + operations + " operations");
        }
        return written.get();
    }

    /** Seeds the collections the writer works on. */
    void seed(int documents) {
        MongoCollection<BsonDocument> users = db.getCollection("users", BsonDocument.class);
        for (int i = 0; i < documents; i++) {
            users.insertOne(doc(id(i), i));
        }
        db.getCollection("users").createIndex(Indexes.ascending("email"), new IndexOptions().unique(true));
        db.getCollection("users").createIndex(Indexes.ascending("seen"), new IndexOptions().expireAfter(3600L, java.util.concurrent.TimeUnit.SECONDS));
        MongoCollection<BsonDocument> orders = db.getCollection("orders", BsonDocument.class);
        for (int i = 0; i < documents; i++) {
            orders.insertOne(doc(new BsonInt32(i), i));
        }
    }

    @Override
    public void run() {
        MongoCollection<BsonDocument> users = db.getCollection("users", BsonDocument.class);
        MongoCollection<BsonDocument> orders = db.getCollection("orders", BsonDocument.class);
        int created = 0;
        for (int op = 0; op < operations; op++) {
            MongoCollection<BsonDocument> c = random.nextBoolean() ? users : orders;
            BsonValue id = c == users ? id(random.nextInt(400)) : new BsonInt32(random.nextInt(400));
            BsonDocument byId = new BsonDocument("_id", id);
            switch (random.nextInt(11)) {
                case 0 -> c.replaceOne(byId, doc(id, op), new com.mongodb.client.model.ReplaceOptions().upsert(true));
                case 1 -> c.updateOne(byId, new BsonDocument("$set", new BsonDocument("n", new BsonInt32(op)).append("nested.x", new BsonString("v" + op))));
                case 2 -> c.updateOne(byId, new BsonDocument("$unset", new BsonDocument("nested", new BsonInt32(1))));
                case 3 -> c.updateOne(byId, new BsonDocument("$inc", new BsonDocument("counter", new BsonInt64(1))));
                case 4 -> c.updateOne(byId, new BsonDocument("$push", new BsonDocument("tags", new BsonString("t" + op))));
                case 5 -> c.updateOne(byId, new BsonDocument("$set", new BsonDocument("arr.0", new BsonInt32(op))));
                case 6 -> c.deleteOne(byId);
                case 7 -> c.updateOne(byId, new BsonDocument("$set", new BsonDocument("upserted", new BsonInt32(op)))
                        .append("$setOnInsert", new BsonDocument("email", new BsonString("up" + op + "@x"))), new UpdateOptions().upsert(true));
                case 8 -> c.updateOne(byId, new BsonDocument("$set", new BsonDocument("email", new BsonString("e" + op + "@x"))));
                case 9 -> {
                    if (op % 50 == 9) {
                        MongoCollection<Document> fresh = db.getCollection("created_" + created++);
                        fresh.insertOne(new Document("_id", op).append("born", op));
                        fresh.insertOne(new Document("_id", "s" + op).append("born", op));
                    } else if (op % 50 == 19 && created > 0) {
                        db.getCollection("created_" + (created - 1)).updateOne(new Document("_id", op - 10), new Document("$set", new Document("x", 1)));
                    } else {
                        c.insertOne(doc(new BsonString("new-" + op), op));
                    }
                }
                default -> {
                    if (op % 40 == 10) {
                        db.getCollection("temp").insertOne(new Document("_id", op));
                    } else if (op % 40 == 30) {
                        db.getCollection("temp").drop();
                    } else if (op % 200 == 100) {
                        orders.createIndex(Indexes.ascending("n" + op / 200));
                    } else {
                        c.updateOne(byId, new BsonDocument("$set", new BsonDocument("arr", new BsonArray(java.util.List.of(new BsonInt32(op), new BsonInt32(1))))));
                    }
                }
            }
            written.incrementAndGet();
        }
    }

    static BsonValue id(int i) {
        return switch (i % 4) {
            case 0 -> new BsonInt32(i);
            case 1 -> new BsonString("u" + i);
            case 2 -> new BsonInt64(1_000_000_000_000L + i);
            default -> new BsonDocument("k", new BsonInt32(i));
        };
    }

    static BsonDocument doc(BsonValue id, int n) {
        return new BsonDocument("_id", id).append("n", new BsonInt32(n)).append("email", new BsonString("user" + n + "-" + id.hashCode() + "@example.com"))
                .append("arr", new BsonArray(java.util.List.of(new BsonInt32(1), new BsonInt32(2))))
                .append("nested", new BsonDocument("x", new BsonString("y")));
    }
}
