package dev.livemigrate.core;

import com.mongodb.client.MongoCollection;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.MigrationListener;
import dev.livemigrate.MigrationProgress;
import dev.livemigrate.MigrationReport;
import dev.livemigrate.MigrationSession;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.MigrationState;
import dev.livemigrate.Migrations;
import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.core.testing.Sessions;
import dev.livemigrate.core.testing.StateLog;
import dev.livemigrate.core.testing.WireProxy;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Outages ride on the retry budget: while a side cannot be reached the migration keeps its state and shows what
 * is retrying, and carries on, without losing a change, once the side is back; an outage longer than the budget
 * fails it with {@link ErrorCode#RETRY_BUDGET_EXHAUSTED}. The outage is a {@link WireProxy} that cuts every
 * connection carrying the chosen commands (the driver sees a network error) for as long as the test says.
 */
@Timeout(180)
class OutageTest {

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    /** Cuts the connection of every command it is told to, until {@code until} (System.nanoTime()). */
    private static final class Outage implements WireProxy.Handler {
        final AtomicLong until = new AtomicLong();
        final AtomicInteger cut = new AtomicInteger();
        private final List<String> commands;
        private final String database;

        Outage(String database, List<String> commands) {
            this.database = database;
            this.commands = commands;
        }

        void lasts(Duration d) {
            until.set(System.nanoTime() + d.toNanos());
        }

        @Override
        public byte[] reply(WireProxy.Command command, WireProxy.Upstream upstream) throws java.io.IOException {
            if (command.database().equals(database) && commands.contains(command.name()) && System.nanoTime() < until.get()) {
                cut.incrementAndGet();
                throw new SocketException("outage"); // the proxy closes the client's connection
            }
            return upstream.forward();
        }
    }

    @Test
    void aDestinationOutageDuringSyncIsRiddenOutAndShown() {
        MongoCollection<Document> orders = seed();
        Outage outage = new Outage("app", List.of("insert", "update", "delete"));
        List<MigrationProgress> told = new CopyOnWriteArrayList<>();
        StateLog states = new StateLog();
        try (WireProxy proxy = WireProxy.inFrontOf(destination, outage);
             MigrationSession session = Migrations.start(LiveSyncTest.specFor(source, destination, "outage-dest")
                     .destination(proxy.connectionString()).listener(states).listener(progressInto(told)).build())) {
            Sessions.awaitState(session, MigrationState.READY_TO_CUTOVER);
            outage.lasts(Duration.ofSeconds(4));
            for (int i = 0; i < 30; i++) {
                orders.updateOne(new Document("_id", i), new Document("$set", new Document("n", -i)));
            }
            orders.insertOne(new Document("_id", 1000).append("n", 1000));

            await().atMost(Duration.ofMinutes(1)).until(() -> told.stream().anyMatch(p -> p.retrying() != null));
            MigrationProgress.Retrying shown = told.stream().filter(p -> p.retrying() != null).findFirst().orElseThrow().retrying();
            assertThat(shown.what()).startsWith("applying");
            assertThat(shown.code()).startsWith("MongoSocket");
            await().atMost(Duration.ofMinutes(1)).until(() -> destination.client().getDatabase("app").getCollection("orders")
                    .countDocuments(new Document("_id", 1000)) == 1);
            Sessions.awaitState(session, MigrationState.READY_TO_CUTOVER);

            MigrationReport report = session.cutover(false);

            assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
            assertThat(outage.cut.get()).isPositive();
            assertThat(session.progress().retries()).isPositive();
            assertThat(states.entered()).doesNotContain(MigrationState.FAILED);
            LiveSyncTest.assertSameDatabase(source.client(), destination.client(), "app");
        }
    }

    @Test
    void aChangeStreamCutOffAgainAndAgainResumesAfterItsLastEvent() {
        MongoCollection<Document> orders = seed();
        Outage outage = new Outage("app", List.of("aggregate", "getMore"));
        try (WireProxy proxy = WireProxy.inFrontOf(source, outage);
             MigrationSession session = Migrations.start(LiveSyncTest.specFor(source, destination, "outage-stream")
                     .source(proxy.connectionString()).build())) {
            Sessions.awaitState(session, MigrationState.READY_TO_CUTOVER);
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 20; i++) {
                    orders.updateOne(new Document("_id", i), new Document("$inc", new Document("n", 1)));
                }
                outage.lasts(Duration.ofSeconds(2)); // the stream's reads fail, and so do its reopenings, for a while
                for (int i = 0; i < 20; i++) {
                    orders.insertOne(new Document("_id", 100 * (round + 1) + i).append("n", round));
                }
                await().atMost(Duration.ofMinutes(1)).until(() -> System.nanoTime() > outage.until.get());
            }
            await().atMost(Duration.ofMinutes(1)).until(() -> destination.client().getDatabase("app").getCollection("orders")
                    .countDocuments() == 50 + 60);
            Sessions.awaitState(session, MigrationState.READY_TO_CUTOVER);

            MigrationReport report = session.cutover(false);

            assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
            assertThat(outage.cut.get()).isPositive();
            LiveSyncTest.assertSameDatabase(source.client(), destination.client(), "app");
        }
    }

    @Test
    void anOutageLongerThanTheBudgetFailsTheMigrationWithItsCode() {
        MongoCollection<Document> orders = seed();
        Outage outage = new Outage("app", List.of("insert", "update", "delete"));
        try (WireProxy proxy = WireProxy.inFrontOf(destination, outage);
             MigrationSession session = Migrations.start(LiveSyncTest.specFor(source, destination, "outage-long")
                     .destination(proxy.connectionString()).retryBudget(Duration.ofSeconds(2)).build())) {
            Sessions.awaitState(session, MigrationState.READY_TO_CUTOVER);
            outage.lasts(Duration.ofHours(1));
            orders.updateOne(new Document("_id", 3), new Document("$set", new Document("n", -3)));

            assertThatThrownBy(() -> session.awaitCompletion(Duration.ofMinutes(1))).isInstanceOfSatisfying(MigrationException.class,
                    e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RETRY_BUDGET_EXHAUSTED)).hasMessageContaining("PT2S");
            assertThat(session.state()).isEqualTo(MigrationState.FAILED);
        }
    }

    @Test
    void aSessionClosedWhileAnApplyWaitsToRetryStopsAtOnceAndResumesLater() {
        MongoCollection<Document> orders = seed();
        Outage outage = new Outage("app", List.of("insert", "update", "delete"));
        try (WireProxy proxy = WireProxy.inFrontOf(destination, outage)) {
            MigrationSpec spec = LiveSyncTest.specFor(source, destination, "outage-close").destination(proxy.connectionString()).build();
            MigrationSession session = Migrations.start(spec);
            Sessions.awaitState(session, MigrationState.READY_TO_CUTOVER);
            outage.lasts(Duration.ofHours(1));
            orders.updateOne(new Document("_id", 3), new Document("$set", new Document("n", -3)));
            await().atMost(Duration.ofMinutes(1)).until(() -> session.progress().retrying() != null
                    && session.progress().retrying().attempt() >= 6); // its waits are 3 s and more from here

            Thread closing = new Thread(session::close, "closing");
            closing.start();

            // a lane that slept out its backoff and retried would hold the close for half a minute per lane
            await().atMost(Duration.ofSeconds(10)).until(() -> !closing.isAlive());
            assertThat(session.state()).isEqualTo(MigrationState.STOPPED);
            outage.lasts(Duration.ZERO);
            try (MigrationSession again = Migrations.start(spec)) {
                Sessions.awaitState(again, MigrationState.READY_TO_CUTOVER);
                assertThat(again.cutover(false).state()).isEqualTo(MigrationState.COMPLETED);
            }
            LiveSyncTest.assertSameDatabase(source.client(), destination.client(), "app");
        }
    }

    private MongoCollection<Document> seed() {
        MongoCollection<Document> orders = source.client().getDatabase("app").getCollection("orders");
        for (int i = 0; i < 50; i++) {
            orders.insertOne(new Document("_id", i).append("n", i));
        }
        return orders;
    }

    private static MigrationListener progressInto(List<MigrationProgress> told) {
        return new MigrationListener() {
            @Override
            public void progress(MigrationProgress p) {
                told.add(p);
            }
        };
    }
}
