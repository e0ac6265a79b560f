package dev.livemigrate.cli;

import com.mongodb.client.MongoCollection;
import dev.livemigrate.MigrationSession;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.MigrationState;
import dev.livemigrate.Migrations;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.testing.EmbeddedMongo;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

import static dev.livemigrate.core.testing.DataAssertions.assertSameDocuments;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A migration process killed outright (SIGKILL) ten times with writes going on, each time restarted with the same
 * id: once while it copies, once while it applies changes, then at eight instants drawn from a seeded random
 * generator; then resumed, it converges byte for byte with no duplicate.
 */
class KilledProcessResumeTest {

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void resumesAfterTheProcessIsKilled() throws Exception {
        MongoCollection<Document> items = source.client().getDatabase("shop").getCollection("items");
        List<Document> seed = new java.util.ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            seed.add(new Document("_id", i % 2 == 0 ? i : "k" + i).append("n", 0).append("pad", "x".repeat(300)));
        }
        items.insertMany(seed);
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> {
            // bounded (the embedded oplog is rescanned per read) and throttled to ~250 writes a second, so
            // writes go on while each process runs: each one after the first has changes of its own to apply
            for (int op = 0; writing.get() && op < 15_000; op++) {
                if (op % 5 == 4) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                }
                Object id = op % 2 == 0 ? (op % 20_000) : "k" + (op % 20_000 | 1);
                items.updateOne(new Document("_id", id), new Document("$inc", new Document("n", 1)));
                if (op % 7 == 0) {
                    items.insertOne(new Document("_id", "new-" + op));
                }
                if (op % 11 == 0) {
                    items.deleteOne(new Document("_id", "new-" + (op - 77)));
                }
            }
        });
        writer.start();

        try {
            killWhen("copiedDocuments\": [1-9]");   // copying, or just past it
            killWhen("eventsApplied\": [1-9]");     // applying changes
            Random instants = new Random(20261201);
            for (int kill = 0; kill < 8; kill++) {
                killAfter(Duration.ofMillis(200 + instants.nextInt(2800)));
            }
        } finally {
            writing.set(false);
            writer.join();
        }

        try (MigrationSession session = Migrations.start(MigrationSpec.builder().migrationId("killed")
                .source(source.connectionString()).destination(destination.connectionString()).build())) {
            Namespace ns = Namespace.parse("shop.items");
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                assertThat(session.state()).isIn(MigrationState.SYNCING, MigrationState.READY_TO_CUTOVER);
                assertThat(session.progress().lag()).isEqualTo(Duration.ZERO);
                assertSameDocuments(source.client(), ns, destination.client(), ns);
            });
        }
    }

    /** Runs the CLI until a JSON line matches the pattern, then kills it without warning. */
    private void killWhen(String progress) throws Exception {
        runAndKill("printed " + progress, cli -> cli.lines.stream().anyMatch(l -> l.matches(".*" + progress + ".*")), Duration.ZERO);
    }

    /** Runs the CLI and kills it without warning {@code after} it first printed (its JVM is up by then). */
    private void killAfter(Duration after) throws Exception {
        runAndKill("printed a line", cli -> !cli.lines.isEmpty(), after);
    }

    /** A process that ends before it is killed fails the test with what it printed. */
    private void runAndKill(String what, Predicate<CliProcess> when, Duration after) throws Exception {
        File stderr = File.createTempFile("killed-cli", ".log");
        try (CliProcess cli = new CliProcess(ProcessBuilder.Redirect.to(stderr), "run",
                "--source", source.connectionString(), "--destination", destination.connectionString(),
                "--json", "--migration-id", "killed", "--lag-threshold", "0s")) {
            boolean alive = cli.awaitUnlessEnded(Duration.ofMinutes(2), what, () -> when.test(cli));
            if (alive && !after.isZero()) {
                LockSupport.parkNanos(after.toNanos());
                alive = cli.process.isAlive();
            }
            cli.process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            cli.awaitOutput();
            String printed = Files.readString(stderr.toPath());
            assertThat(alive).as("the process ended before it was killed (%s, then %s); it printed:%n%s%n%s", what, after,
                    String.join("\n", cli.lines), printed.substring(Math.max(0, printed.length() - 4000))).isTrue();
        } finally {
            Files.deleteIfExists(stderr.toPath());
        }
    }
}
