package dev.livemigrate.core;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import dev.livemigrate.MigrationReport;
import dev.livemigrate.MigrationSession;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.MigrationState;
import dev.livemigrate.Migrations;
import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.core.testing.Sessions;
import dev.livemigrate.core.testing.WireProxy;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A connection that stalls, with no error at all (a half-open TCP connection, a hung server), is taken for dead
 * after {@code stallTimeout} and its work retried, during the copy, during sync and during cutover; the run ends
 * COMPLETED and byte for byte equal. Without the bound the driver waits for the reply forever (here: until the
 * test ends), so each of these tests fails on an engine whose clients have no read timeout. Index builds, which
 * may rightly take hours, are not bounded by it.
 */
@Timeout(180)
class StallTest {

    private static final Duration STALL_TIMEOUT = Duration.ofSeconds(2);
    private static final String TIMEOUT = "MongoSocketReadTimeoutException";

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    /**
     * Holds the reply to the next {@code times} commands of these names on database {@code app} once armed: the
     * command is not forwarded, and the connection stays open and silent until the test ends.
     */
    private static final class Stall implements WireProxy.Handler, AutoCloseable {
        final AtomicInteger left = new AtomicInteger();
        final AtomicInteger held = new AtomicInteger();
        private final CountDownLatch end = new CountDownLatch(1);
        private final List<String> commands;

        Stall(List<String> commands) {
            this.commands = commands;
        }

        Stall arm(int times) {
            left.set(times);
            return this;
        }

        @Override
        public byte[] reply(WireProxy.Command command, WireProxy.Upstream upstream) throws IOException {
            if (command.database().equals("app") && commands.contains(command.name()) && left.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                held.incrementAndGet();
                try {
                    end.await(3, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new SocketException("stalled connection closed at the end of the test");
            }
            return upstream.forward();
        }

        @Override
        public void close() {
            end.countDown();
        }
    }

    @Test
    void aCopyReadThatStallsIsTakenForDeadAndRetried() {
        seed(200);
        // two stalls: the driver retries a read once by itself, the second failure reaches the engine's retry
        try (Stall stall = new Stall(List.of("find", "getMore")).arm(2); WireProxy proxy = WireProxy.inFrontOf(source, stall);
             MigrationSession session = Migrations.start(spec("stall-copy").source(proxy.connectionString()).build())) {
            Sessions.awaitState(session, MigrationState.READY_TO_CUTOVER);

            MigrationReport report = session.cutover(false);

            assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
            assertThat(stall.held.get()).isEqualTo(2);
            assertThat(session.progress().counters().retriesByCode()).containsKey(TIMEOUT);
            LiveSyncTest.assertSameDatabase(source.client(), destination.client(), "app");
        }
    }

    @Test
    void aChangeStreamAndALaneWriteThatStallDuringSyncAreRetriedWithoutLosingAChange() {
        MongoCollection<Document> orders = seed(50);
        try (Stall reads = new Stall(List.of("getMore")); WireProxy sourceProxy = WireProxy.inFrontOf(source, reads);
             Stall writes = new Stall(List.of("insert", "update", "delete")); WireProxy destinationProxy = WireProxy.inFrontOf(destination, writes);
             MigrationSession session = Migrations.start(spec("stall-sync").source(sourceProxy.connectionString())
                     .destination(destinationProxy.connectionString()).build())) {
            Sessions.awaitState(session, MigrationState.READY_TO_CUTOVER);
            reads.arm(1);
            writes.arm(1);
            writeSome(orders, 1000);
            await().atMost(Duration.ofMinutes(1)).until(() -> reads.held.get() == 1 && writes.held.get() == 1);
            await().atMost(Duration.ofMinutes(1)).until(() -> destination.client().getDatabase("app").getCollection("orders")
                    .countDocuments(new Document("_id", 1000)) == 1);
            Sessions.awaitState(session, MigrationState.READY_TO_CUTOVER);

            MigrationReport report = session.cutover(false);

            assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
            assertThat(session.progress().counters().retriesByCode()).containsKey(TIMEOUT);
            LiveSyncTest.assertSameDatabase(source.client(), destination.client(), "app");
        }
    }

    @Test
    void aConnectionThatStallsDuringTheCutoverDrainDoesNotHoldTheCutoverForever() {
        MongoCollection<Document> orders = seed(50);
        try (Stall writes = new Stall(List.of("insert", "update", "delete")); WireProxy destinationProxy = WireProxy.inFrontOf(destination, writes);
             MigrationSession session = Migrations.start(spec("stall-cutover").destination(destinationProxy.connectionString()).build())) {
            Sessions.awaitState(session, MigrationState.READY_TO_CUTOVER);
            writes.arm(1);
            writeSome(orders, 2000); // these reach the destination only through the drain, whose first write stalls

            MigrationReport report = session.cutover(false);

            assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
            assertThat(writes.held.get()).isEqualTo(1);
            LiveSyncTest.assertSameDatabase(source.client(), destination.client(), "app");
        }
    }

    @Test
    void anIndexBuildMayTakeLongerThanTheStallTimeout() {
        MongoCollection<Document> orders = seed(50);
        orders.createIndex(Indexes.ascending("n"), new IndexOptions().name("by_n"));
        SlowIndexBuilds slow = new SlowIndexBuilds();
        try (WireProxy proxy = WireProxy.inFrontOf(destination, slow);
             MigrationSession session = Migrations.start(spec("stall-index").destination(proxy.connectionString()).build())) {
            Sessions.awaitState(session, MigrationState.READY_TO_CUTOVER);

            MigrationReport report = session.cutover(false);

            assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
            assertThat(proxy.commands("createIndexes")).hasSize(slow.builds.get()).isNotEmpty();
            assertThat(session.progress().counters().retriesByCode()).doesNotContainKey(TIMEOUT);
            LiveSyncTest.assertSameDatabase(source.client(), destination.client(), "app");
        }
    }

    /** Answers every {@code createIndexes} after twice the stall timeout, as a long build does. */
    private static final class SlowIndexBuilds implements WireProxy.Handler {
        final AtomicInteger builds = new AtomicInteger();

        @Override
        public byte[] reply(WireProxy.Command command, WireProxy.Upstream upstream) throws IOException {
            byte[] reply = upstream.forward();
            if (command.name().equals("createIndexes")) {
                builds.incrementAndGet();
                try {
                    Thread.sleep(STALL_TIMEOUT.multipliedBy(2).toMillis()); // a server busy building, not a condition to wait for
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return reply;
        }
    }

    private MigrationSpec.Builder spec(String id) {
        return LiveSyncTest.specFor(source, destination, id).stallTimeout(STALL_TIMEOUT);
    }

    private MongoCollection<Document> seed(int n) {
        return seedOrders(source, n);
    }

    /** {@code n} orders of about 130 bytes in app.orders on {@code source}, {@code _id} 0 to n - 1. */
    static MongoCollection<Document> seedOrders(EmbeddedMongo source, int n) {
        MongoCollection<Document> orders = source.client().getDatabase("app").getCollection("orders");
        for (int i = 0; i < n; i++) {
            orders.insertOne(new Document("_id", i).append("n", i).append("pad", "x".repeat(100)));
        }
        return orders;
    }

    private static void writeSome(MongoCollection<Document> orders, int newId) {
        for (int i = 0; i < 20; i++) {
            orders.updateOne(new Document("_id", i), new Document("$inc", new Document("n", 1)));
        }
        orders.deleteOne(new Document("_id", 21));
        orders.insertOne(new Document("_id", newId).append("n", newId));
    }
}
