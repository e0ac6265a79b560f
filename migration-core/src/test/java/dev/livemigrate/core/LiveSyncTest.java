package dev.livemigrate.core;

import com.mongodb.client.MongoClient;
import dev.livemigrate.MigrationListener;
import dev.livemigrate.MigrationProgress;
import dev.livemigrate.MigrationSession;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.MigrationState;
import dev.livemigrate.Migrations;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.state.MetadataStore;
import dev.livemigrate.core.catalog.IndexRelaxation;
import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.core.testing.StateLog;
import dev.livemigrate.core.testing.WireProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.livemigrate.core.testing.DataAssertions.assertSameDocuments;
import static dev.livemigrate.core.testing.DataAssertions.indexes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class LiveSyncTest {

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    void followsWritesMadeBeforeDuringAndAfterTheCopy() throws Exception {
        SourceWriter writer = new SourceWriter(source.client(), "live", 1, 1500);
        writer.seed(400);
        writer.startInBackground();
        await().until(() -> writer.written() > 100);

        try (MigrationSession session = Migrations.start(spec("live-1").build())) {
            assertThat(writer.awaitAllWritten()).isEqualTo(1500);
            awaitConverged(session, "live");
            assertThat(session.progress().eventsApplied()).isPositive();
            assertRestoredIndexesMatch("live-1", "live");
        }
    }

    @Test
    void resumesAfterBeingStoppedAtRandomPointsDuringCopyAndApply() throws Exception {
        SourceWriter writer = new SourceWriter(source.client(), "live", 2, 2500);
        writer.seed(400);
        writer.startInBackground();
        java.util.Random random = new java.util.Random(3);
        for (int round = 0; round < 4; round++) {
            long target = random.nextInt(400);
            MigrationSession stopped;
            try (MigrationSession session = Migrations.start(spec("live-2").build())) {
                stopped = session;
                await().atMost(Duration.ofMinutes(1)).until(() -> session.progress().copiedDocuments() + session.progress().eventsApplied() > target
                        || !writer.isWriting());
            }
            assertThat(stopped.state()).isEqualTo(MigrationState.STOPPED);
        }
        assertThat(writer.awaitAllWritten()).isEqualTo(2500);
        try (MigrationSession session = Migrations.start(spec("live-2").build())) {
            awaitConverged(session, "live");
            assertRestoredIndexesMatch("live-2", "live");
        }
    }

    @Test
    void swappingUniqueValuesNeverFailsTheApplyAndTheRestoredIndexHolds() throws Exception {
        var users = source.client().getDatabase("swap").getCollection("users");
        for (int i = 0; i < 20; i++) {
            users.insertOne(new org.bson.Document("_id", i).append("email", "e" + i));
        }
        users.createIndex(com.mongodb.client.model.Indexes.ascending("email"), new com.mongodb.client.model.IndexOptions().unique(true));
        StateLog states = new StateLog();
        try (MigrationSession session = Migrations.start(spec("swap").listener(states).build())) {
            states.awaitEntered(MigrationState.SYNCING);
            java.util.Random random = new java.util.Random(4);
            for (int round = 0; round < 300; round++) {
                int a = random.nextInt(20);
                int b = (a + 1 + random.nextInt(19)) % 20;
                String ea = users.find(new org.bson.Document("_id", a)).first().getString("email");
                String eb = users.find(new org.bson.Document("_id", b)).first().getString("email");
                users.updateOne(new org.bson.Document("_id", b), new org.bson.Document("$set", new org.bson.Document("email", "swap-" + round)));
                users.updateOne(new org.bson.Document("_id", a), new org.bson.Document("$set", new org.bson.Document("email", eb)));
                users.updateOne(new org.bson.Document("_id", b), new org.bson.Document("$set", new org.bson.Document("email", ea)));
            }
            awaitConverged(session, "swap");
            assertRestoredIndexesMatch("swap", "swap");
            assertThat(indexes(destination.client(), Namespace.parse("swap.users")).get("email_1").getBoolean("unique").getValue()).isTrue();
        }
    }

    @Test
    void keepsEachDocumentsChangesInOrderAcrossManyLanes() {
        var counters = source.client().getDatabase("order").getCollection("counters");
        for (int i = 0; i < 10; i++) {
            counters.insertOne(new org.bson.Document("_id", i).append("n", 0).append("history", new ArrayList<>()));
        }
        try (MigrationSession session = Migrations.start(spec("order").applyLanes(16).build())) {
            for (int op = 0; op < 3000; op++) {
                counters.updateOne(new org.bson.Document("_id", op % 10), new org.bson.Document("$inc", new org.bson.Document("n", 1))
                        .append("$set", new org.bson.Document("last", op)));
            }
            awaitConverged(session, "order");
            for (int i = 0; i < 10; i++) {
                org.bson.Document d = destination.client().getDatabase("order").getCollection("counters").find(new org.bson.Document("_id", i)).first();
                assertThat(d.getInteger("n")).isEqualTo(300);
                assertThat(d.getInteger("last")).isEqualTo(2990 + i);
            }
        }
    }

    /**
     * Lag while the destination is behind: a proxy holds back every write the lanes send to the destination
     * while the source takes a burst of inserts, so the oldest unapplied change ages on the source's clock;
     * once the writes go through, the rate is positive and the lag falls to zero.
     */
    @Test
    void reportsLagWhileBehindAndTheRateOfApplying() {
        var c = source.client().getDatabase("lag").getCollection("c");
        c.insertOne(new org.bson.Document("_id", 0));
        CountDownLatch held = new CountDownLatch(1);
        AtomicBoolean holding = new AtomicBoolean();
        List<Double> rates = new CopyOnWriteArrayList<>();
        try (WireProxy proxy = WireProxy.inFrontOf(destination, (command, upstream) -> {
            if (holding.get() && "lag".equals(command.database()) && Set.of("insert", "update", "delete").contains(command.name())) {
                awaitUninterruptibly(held); // released by the test, at the latest when it ends
            }
            return upstream.forward();
        }); MigrationSession session = Migrations.start(spec("lag").destination(proxy.connectionString())
                .listener(new MigrationListener() {
                    @Override
                    public void progress(MigrationProgress progress) {
                        rates.add(progress.eventsPerSecond());
                    }
                }).build())) {
            try {
                awaitConverged(session, "lag");
                long appliedBefore = session.progress().eventsApplied();
                holding.set(true);
                // lag is the source's newest operation less the oldest change not applied, in the source's
                // seconds: the source keeps writing (one insert per poll) until the held changes are a second behind
                AtomicInteger inserted = new AtomicInteger();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
                    c.insertOne(new org.bson.Document("_id", inserted.incrementAndGet()));
                    return session.progress().lag().compareTo(Duration.ofSeconds(1)) >= 0;
                });
                assertThat(session.progress().eventsApplied()).isEqualTo(appliedBefore);

                rates.clear(); // only the rates measured once the held writes go through count
                holding.set(false);
                held.countDown();
                awaitConverged(session, "lag");
                await().atMost(Duration.ofSeconds(30)).until(() -> rates.stream().anyMatch(r -> r > 0));
                assertThat(session.progress().eventsApplied()).isGreaterThanOrEqualTo(appliedBefore + inserted.get());
            } finally {
                held.countDown(); // before the session closes: its lanes wait on it
            }
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aSourceWithoutChangeHistoryIsRefusedForALiveMigration() {
        EmbeddedMongo standalone = new EmbeddedMongo(false);
        standalone.start();
        try {
            standalone.client().getDatabase("a").getCollection("b").insertOne(new org.bson.Document("_id", 1));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Migrations.start(specFor(standalone, destination, "standalone").build()))
                    .isInstanceOfSatisfying(dev.livemigrate.MigrationException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(dev.livemigrate.ErrorCode.SOURCE_HAS_NO_CHANGE_HISTORY))
                    .hasMessageContaining("continuousSync(false)");
            assertThat(destination.client().listDatabaseNames().into(new ArrayList<>())).doesNotContain("__livemigrate");
        } finally {
            standalone.stop();
        }
    }

    static MigrationSpec.Builder specFor(EmbeddedMongo source, EmbeddedMongo destination, String id) {
        return MigrationSpec.builder().migrationId(id).source(source.connectionString()).destination(destination.connectionString())
                .partitionSizeBytes(8 * 1024).batchSizeBytes(16 * 1024).applyLanes(8);
    }

    private MigrationSpec.Builder spec(String id) {
        return specFor(source, destination, id);
    }

    /** Waits until lag is zero and every source collection of the database equals its copy byte for byte. */
    void awaitConverged(MigrationSession session, String database) {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(session.state()).isIn(MigrationState.SYNCING, MigrationState.READY_TO_CUTOVER);
            assertThat(session.progress().lag()).isEqualTo(Duration.ZERO);
            assertSameDatabase(source.client(), destination.client(), database);
        });
    }

    static void assertSameDatabase(MongoClient source, MongoClient destination, String database) {
        List<String> names = source.getDatabase(database).listCollectionNames().into(new ArrayList<>());
        assertThat(destination.getDatabase(database).listCollectionNames().into(new ArrayList<>()))
                .containsExactlyInAnyOrderElementsOf(names);
        for (String c : names) {
            Namespace ns = new Namespace(database, c);
            assertSameDocuments(source, ns, destination, ns);
        }
    }

    /** Restores the relaxed indexes as cutover will, then compares every index definition. */
    void assertRestoredIndexesMatch(String migrationId, String database) {
        Map<Namespace, List<org.bson.BsonDocument>> relaxed = new MetadataStore(destination.client()).relaxedIndexes(migrationId);
        assertThat(relaxed).isNotEmpty();
        relaxed.forEach((ns, originals) -> {
            IndexRelaxation.RestoreReport report = IndexRelaxation.restore(destination.client(), ns, originals);
            assertThat(report.conflicts()).isEmpty();
        });
        for (String c : source.client().getDatabase(database).listCollectionNames()) {
            Namespace ns = new Namespace(database, c);
            assertThat(indexes(destination.client(), ns)).as("indexes of %s", ns).isEqualTo(indexes(source.client(), ns));
        }
    }
}
