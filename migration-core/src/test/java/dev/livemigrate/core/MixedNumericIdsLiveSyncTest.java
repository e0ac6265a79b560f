package dev.livemigrate.core;

import com.mongodb.client.MongoCollection;
import dev.livemigrate.MigrationReport;
import dev.livemigrate.MigrationSession;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.MigrationState;
import dev.livemigrate.Migrations;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.testing.EmbeddedMongo;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static dev.livemigrate.core.testing.DataAssertions.assertSameDocuments;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A live migration through the public API, with the default apply lanes, while a writer deletes
 * documents and inserts them again under an equal {@code _id} of another numeric type ({@code 1},
 * {@code NumberLong(1)}, {@code 1.0} are one {@code _id} to MongoDB and to the embedded server) and updates
 * them through yet another type. Routing by the raw bytes of the document key sent one document's events
 * to several lanes, where they overtook each other and documents went missing.
 */
class MixedNumericIdsLiveSyncTest {

    private static final Namespace NS = Namespace.parse("mixed.docs");
    private static final int DOCUMENTS = 100;
    private static final int OPERATIONS = 2400;
    private static final long WRITES_PER_SECOND = 300;

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    void oneDocumentWrittenUnderIdsOfSeveralNumericTypesEndsByteForByteEqualAfterCutover() throws Exception {
        MongoCollection<BsonDocument> docs = source.client().getDatabase(NS.database()).getCollection(NS.collection(), BsonDocument.class);
        for (int k = 0; k < DOCUMENTS; k++) {
            docs.insertOne(new BsonDocument("_id", typed(k, k)).append("v", new BsonInt32(-1)).append("as", new BsonString(typeName(k))));
        }
        AtomicInteger writes = new AtomicInteger();
        AtomicInteger operations = new AtomicInteger();
        Thread writer = new Thread(() -> write(docs, writes, operations), "mixed-id-writer");
        writer.start();
        await().until(() -> operations.get() > 100);

        MigrationSpec spec = MigrationSpec.builder().migrationId("mixed-ids").source(source.connectionString())
                .destination(destination.connectionString()).build(); // the default lanes
        try (MigrationSession session = Migrations.start(spec)) {
            writer.join(TimeUnit.MINUTES.toMillis(2));
            assertThat(operations.get()).isEqualTo(OPERATIONS);
            await().atMost(Duration.ofMinutes(2))
                    .until(() -> session.state() == MigrationState.READY_TO_CUTOVER || session.state() == MigrationState.FAILED);
            assertThat(session.state()).as("the sync did not fail applying one document's writes out of order")
                    .isEqualTo(MigrationState.READY_TO_CUTOVER);

            MigrationReport report = session.cutover(false);

            assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
            assertThat(report.changesApplied()).isPositive();
            assertSameDocuments(source.client(), NS, destination.client(), NS);
        }
        assertThat(writes.get()).as("writes made during the migration").isGreaterThan(OPERATIONS);
    }

    /**
     * Deletes and re-inserts under another numeric type, or updates through a third one, at a steady rate
     * (the embedded server's change streams slow down as its oplog grows).
     */
    private static void write(MongoCollection<BsonDocument> docs, AtomicInteger writes, AtomicInteger operations) {
        Random random = new Random(12);
        long start = System.nanoTime();
        long interval = TimeUnit.SECONDS.toNanos(1) / WRITES_PER_SECOND;
        for (int op = 0; op < OPERATIONS; op++) {
            LockSupport.parkNanos(start + op * interval - System.nanoTime());
            int k = random.nextInt(DOCUMENTS);
            int type = random.nextInt(3);
            if (random.nextBoolean()) {
                docs.deleteOne(new BsonDocument("_id", typed(k, type)));
                int insertedAs = type + 1 + random.nextInt(2);
                docs.insertOne(new BsonDocument("_id", typed(k, insertedAs)).append("v", new BsonInt32(op))
                        .append("as", new BsonString(typeName(insertedAs))));
                writes.addAndGet(2);
            } else {
                docs.updateOne(new BsonDocument("_id", typed(k, type)), new BsonDocument("$set", new BsonDocument("v", new BsonInt32(op))
                        .append("via", new BsonString(typeName(type)))));
                writes.incrementAndGet();
            }
            operations.incrementAndGet();
        }
    }

    private static BsonValue typed(int k, int type) {
        return switch (type % 3) {
            case 0 -> new BsonInt32(k);
            case 1 -> new BsonInt64(k);
            default -> new BsonDouble(k);
        };
    }

    private static String typeName(int type) {
        return switch (type % 3) {
            case 0 -> "int";
            case 1 -> "long";
            default -> "double";
        };
    }
}
