package dev.livemigrate.cli;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.testing.EmbeddedMongo;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static dev.livemigrate.core.testing.DataAssertions.assertSameDocuments;
import static dev.livemigrate.core.testing.DataAssertions.indexes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code livemigrate run} as a separate process, answered on standard input, with writes going on. */
class RunCommandProcessTest {

    /** Bound of the writer that runs while the process migrates. */
    private static final int MAX_OPS = 3000;

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void runsTheWholeJourneyAndCutsOverWhenTold() throws Exception {
        MongoCollection<Document> orders = source.client().getDatabase("shop").getCollection("orders");
        for (int i = 0; i < 300; i++) {
            orders.insertOne(new Document("_id", i).append("code", "c" + i).append("n", 0));
        }
        orders.createIndex(Indexes.ascending("code"), new IndexOptions().unique(true));
        // about 200 operations a second, 3,000 at most: the embedded server rescans its whole oplog on every change
        // stream read, so a writer running flat out would keep the lag over the threshold
        AtomicInteger ops = new AtomicInteger();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
        writer.scheduleAtFixedRate(() -> {
            int op = ops.get();
            if (op >= MAX_OPS || writerFailure.get() != null) {
                return;
            }
            try {
                assertThat(orders.updateOne(new Document("_id", op % 300), new Document("$inc", new Document("n", 1)))
                        .getModifiedCount()).isEqualTo(1);
                if (op % 10 == 0) {
                    orders.insertOne(new Document("_id", 1000 + op).append("code", "new" + op));
                }
                ops.incrementAndGet();
            } catch (Throwable t) {
                writerFailure.set(t);
            }
        }, 0, 5, TimeUnit.MILLISECONDS);

        try (CliProcess cli = new CliProcess(ProcessBuilder.Redirect.INHERIT, "run",
                "--source", source.connectionString(), "--destination", destination.connectionString(),
                "--json", "--lag-threshold", "5s", "--migration-id", "cli-run", "--verify")) {
            runsToTheEnd(cli, orders, writer, ops, writerFailure);
        } finally {
            writer.shutdownNow();
        }
    }

    private void runsToTheEnd(CliProcess cli, MongoCollection<Document> orders, ScheduledExecutorService writer,
                              AtomicInteger ops, AtomicReference<Throwable> writerFailure) throws Exception {
        List<String> lines = cli.lines;
        // ready with the writer still going, after at least a second of its writes
        assertThat(cli.awaitUnlessEnded(java.time.Duration.ofMinutes(2), "ready to cut over", () -> writerFailure.get() != null
                || ops.get() >= 200 && lines.stream().anyMatch(l -> l.contains("\"state\": \"READY_TO_CUTOVER\""))))
                .as("the process ended before it was ready; it printed:%n%s", String.join("\n", lines)).isTrue();
        writer.shutdown();
        assertThat(writer.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
        assertThat(writerFailure.get()).as("the writer failed").isNull();
        int written = ops.get();
        assertThat(written).isBetween(200, MAX_OPS);
        cli.answer("cutover");
        assertThat(cli.process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        cli.awaitOutput();

        assertThat(cli.process.exitValue()).as(String.join("\n", lines)).isZero();
        List<BsonDocument> events = lines.stream().map(BsonDocument::parse).toList();
        assertThat(events).anySatisfy(e -> {
            assertThat(e.getString("type").getValue()).isEqualTo("progress");
            assertThat(e.keySet()).contains("state", "lagMillis", "copiedBytes", "totalBytes");
        });
        assertThat(events).anySatisfy(e -> assertThat(e.toJson()).contains("\"state\": \"SYNCING\""));
        BsonDocument report = events.get(events.size() - 1);
        assertThat(report.getString("type").getValue()).isEqualTo("report");
        assertThat(report.getString("state").getValue()).isEqualTo("COMPLETED");
        assertThat(report.getNumber("changesApplied").longValue()).isPositive();
        assertThat(report.getString("verification").getValue()).as(report.toJson()).isEqualTo("EQUAL");
        Namespace ns = Namespace.parse("shop.orders");
        assertSameDocuments(source.client(), ns, destination.client(), ns);
        assertThat(indexes(destination.client(), ns)).isEqualTo(indexes(source.client(), ns));
        // every counted write arrived: one $inc each, and an insert every tenth
        MongoCollection<Document> migrated = destination.client().getDatabase("shop").getCollection("orders");
        assertThat(migrated.countDocuments()).isEqualTo(300 + (written + 9) / 10);
        assertThat(migrated.find().into(new java.util.ArrayList<>()).stream().mapToInt(d -> d.getInteger("n", 0)).sum())
                .isEqualTo(written);
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void ctrlCCancelsCleanlyAndTheSameIdResumes(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        MongoCollection<Document> orders = source.client().getDatabase("shop").getCollection("orders");
        for (int i = 0; i < 200; i++) {
            orders.insertOne(new Document("_id", i).append("n", 0));
        }
        java.io.File stderr = dir.resolve("stderr.txt").toFile();
        try (CliProcess cli = new CliProcess(ProcessBuilder.Redirect.to(stderr), "run", "--source", source.connectionString(),
                "--destination", destination.connectionString(), "--json", "--migration-id", "interrupted")) {
            assertThat(cli.awaitUnlessEnded(java.time.Duration.ofMinutes(2), "syncing",
                    () -> cli.lines.stream().anyMatch(l -> l.contains("\"state\": \"SYNCING\"")))).isTrue();
            orders.updateOne(new Document("_id", 7), new Document("$set", new Document("n", 7)));

            cli.process.destroy(); // SIGTERM: the JVM runs its shutdown hooks, as on Ctrl-C (SIGINT)
            assertThat(cli.process.waitFor(1, TimeUnit.MINUTES)).isTrue();
            cli.awaitOutput();
            assertThat(cli.process.exitValue()).isEqualTo(4);
        }
        assertThat(java.nio.file.Files.readString(stderr.toPath()))
                .contains("cancelled: syncing stopped, migrated data stays on the destination", "--migration-id interrupted");

        orders.insertOne(new Document("_id", 1000).append("n", 1)); // written while nothing ran
        try (CliProcess resumed = new CliProcess(ProcessBuilder.Redirect.INHERIT, "run", "--source", source.connectionString(),
                "--destination", destination.connectionString(), "--json", "--migration-id", "interrupted", "--cutover", "auto")) {
            assertThat(resumed.awaitUnlessEnded(java.time.Duration.ofMinutes(2), "ended", () -> false)).isFalse();
            resumed.awaitOutput();
            assertThat(resumed.process.exitValue()).as(String.join("\n", resumed.lines)).isZero();
        }
        Namespace ns = Namespace.parse("shop.orders");
        assertSameDocuments(source.client(), ns, destination.client(), ns);
    }
}
