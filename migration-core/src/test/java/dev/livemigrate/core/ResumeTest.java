package dev.livemigrate.core;

import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import dev.livemigrate.ConfigurationException;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationReport;
import dev.livemigrate.MigrationSession;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.MigrationState;
import dev.livemigrate.Migrations;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.core.testing.WireProxy;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.livemigrate.core.testing.DataAssertions.assertSameDocuments;
import static dev.livemigrate.core.testing.DataAssertions.indexes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class ResumeTest {

    private static final List<String> NAMESPACES = List.of("shop.orders", "shop.items", "crm.contacts");

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    /**
     * Each stop comes at a known point: the destination (behind a proxy) holds the copy's inserts after a
     * given number of them, the session is closed from another thread, and only once that thread waits in
     * {@code close()} are the held inserts let through. The copy in flight then ends, and a resume by the
     * same id must neither lose nor duplicate a document.
     */
    @Test
    void resumesAStoppedCopyWithoutLosingOrDuplicatingDocuments() throws Exception {
        long total = seed();
        HeldInserts hold = new HeldInserts();
        try (WireProxy proxy = WireProxy.inFrontOf(destination, hold)) {
            MigrationSpec spec = MigrationSpec.builder(spec("resume-1")).destination(proxy.connectionString()).build();

            for (int insertsBeforeStop : new int[] {20, 100, 100}) {
                hold.armAfter(insertsBeforeStop);
                MigrationSession session = Migrations.start(spec);
                Thread closer = new Thread(session::close, "closer");
                try {
                    assertThat(hold.awaitHolding()).as("the copy reached insert %s", insertsBeforeStop).isTrue();
                    closer.start();
                    await().atMost(Duration.ofMinutes(1)).until(() -> waitsInClose(closer));
                } finally {
                    hold.release(); // also when an assertion failed, so that closing does not wait for held inserts
                    if (closer.getState() == Thread.State.NEW) {
                        session.close();
                    }
                }
                closer.join(Duration.ofMinutes(1).toMillis());

                assertThat(closer.isAlive()).isFalse();
                assertThat(session.state()).isEqualTo(MigrationState.STOPPED);
                assertThat(destinationCount()).isLessThan(total);
            }

            MigrationReport report = Migrations.run(spec, Duration.ofMinutes(2));

            assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
            for (String ns : NAMESPACES) { // fails on a duplicate _id too
                assertSameDocuments(source.client(), Namespace.parse(ns), destination.client(), Namespace.parse(ns));
            }
            assertThat(indexes(destination.client(), Namespace.parse("shop.orders")))
                    .isEqualTo(indexes(source.client(), Namespace.parse("shop.orders")));
            assertThat(report.copiedDocuments()).isEqualTo(total);
            assertThat(report.collectionsCopied()).isEqualTo(3);
        }
    }

    /** Whether the thread waits for the session's runner inside {@code close()}. */
    private static boolean waitsInClose(Thread closer) {
        List<StackTraceElement> stack = List.of(closer.getStackTrace());
        return (closer.getState() == Thread.State.TIMED_WAITING || closer.getState() == Thread.State.WAITING)
                && stack.stream().anyMatch(f -> f.getClassName().equals(Thread.class.getName()) && f.getMethodName().equals("join"))
                && stack.stream().anyMatch(f -> f.getMethodName().equals("close"));
    }

    /**
     * Lets the copy's inserts (into the migrated databases; not the engine's own records) through until a
     * given number have passed, then holds every further one until {@link #release}.
     */
    private static final class HeldInserts implements WireProxy.Handler {

        private final AtomicInteger remaining = new AtomicInteger(Integer.MAX_VALUE);
        private volatile CountDownLatch holding = new CountDownLatch(1);
        private volatile CountDownLatch released = new CountDownLatch(0);

        void armAfter(int inserts) {
            holding = new CountDownLatch(1);
            released = new CountDownLatch(1);
            remaining.set(inserts);
        }

        boolean awaitHolding() throws InterruptedException {
            return holding.await(1, TimeUnit.MINUTES);
        }

        void release() {
            remaining.set(Integer.MAX_VALUE);
            released.countDown();
        }

        @Override
        public byte[] reply(WireProxy.Command command, WireProxy.Upstream upstream) throws IOException {
            if (command.name().equals("insert") && !"__livemigrate".equals(command.database())
                    && remaining.getAndDecrement() <= 0) {
                CountDownLatch release = released;
                holding.countDown();
                try {
                    if (!release.await(2, TimeUnit.MINUTES)) {
                        throw new IOException("held inserts never released");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
            return upstream.forward();
        }
    }

    @Test
    void refusesToResumeWithOtherNamespaceRules() {
        seedSmall();
        MigrationSession session = Migrations.start(spec("resume-2"));
        session.close();

        assertThatThrownBy(() -> Migrations.start(MigrationSpec.builder(spec("resume-2")).exclude("crm.*").build()))
                .isInstanceOfSatisfying(ConfigurationException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.MIGRATION_ID_CONFLICT))
                .hasMessageContaining("resume-2");
    }

    @Test
    void refusesToRunACompletedMigrationAgain() {
        seedSmall();
        Migrations.run(spec("resume-3"), Duration.ofMinutes(1));

        assertThatThrownBy(() -> Migrations.start(spec("resume-3")))
                .isInstanceOfSatisfying(ConfigurationException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.MIGRATION_ID_CONFLICT))
                .hasMessageContaining("already completed");
    }

    private MigrationSpec spec(String id) {
        return MigrationSpec.builder()
                .migrationId(id)
                .source(source.connectionString())
                .destination(destination.connectionString())
                .continuousSync(false)
                .partitionSizeBytes(128 * 1024)
                .batchSizeBytes(16 * 1024)
                .copyParallelism(2)
                .build();
    }

    private long seed() {
        long total = 0;
        for (String ns : NAMESPACES) {
            Namespace n = Namespace.parse(ns);
            List<BsonDocument> docs = new ArrayList<>();
            for (int i = 0; i < 8_000; i++) {
                docs.add(new BsonDocument("_id", i % 2 == 0 ? new BsonInt32(i) : new BsonString("k" + i))
                        .append("payload", new BsonString("p".repeat(200 + i % 50))));
            }
            source.client().getDatabase(n.database()).getCollection(n.collection(), BsonDocument.class).insertMany(docs);
            total += docs.size();
        }
        source.client().getDatabase("shop").getCollection("orders").createIndex(Indexes.ascending("payload"),
                new IndexOptions().name("by_payload"));
        return total;
    }

    private void seedSmall() {
        for (String ns : NAMESPACES) {
            Namespace n = Namespace.parse(ns);
            source.client().getDatabase(n.database()).getCollection(n.collection(), BsonDocument.class)
                    .insertOne(new BsonDocument("_id", new BsonInt32(1)));
        }
    }

    private long destinationCount() {
        long count = 0;
        for (String ns : NAMESPACES) {
            Namespace n = Namespace.parse(ns);
            count += destination.client().getDatabase(n.database()).getCollection(n.collection()).countDocuments();
        }
        return count;
    }
}
