package dev.livemigrate.core;

import com.mongodb.client.MongoCollection;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.MigrationReport;
import dev.livemigrate.MigrationSession;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.MigrationState;
import dev.livemigrate.Migrations;
import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.core.testing.MutableClock;
import dev.livemigrate.core.testing.Sessions;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** {@link MigrationSession#pause()} and {@link MigrationSession#resume()} through the public API. */
class PauseResumeTest {

    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    private final MutableClock clock = new MutableClock(T);

    @Test
    void aPausedMigrationAppliesNothingAndCatchesUpFromItsCheckpointsOnResume() {
        MongoCollection<Document> orders = seed();
        try (MigrationSession session = Migrations.start(spec("pause-1").build())) {
            Sessions.awaitState(session, MigrationState.READY_TO_CUTOVER);
            assertThatThrownBy(session::resume).isInstanceOfSatisfying(MigrationException.class,
                    e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_STATE));

            session.pause();

            assertThat(session.state()).isEqualTo(MigrationState.PAUSED);
            assertThatThrownBy(session::pause).isInstanceOfSatisfying(MigrationException.class,
                    e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_STATE));
            assertThatThrownBy(() -> session.cutover(false)).isInstanceOfSatisfying(MigrationException.class,
                    e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_STATE));
            for (int i = 100; i < 150; i++) {
                orders.insertOne(new Document("_id", i).append("n", i));
            }
            orders.updateOne(new Document("_id", 1), new Document("$set", new Document("n", -1)));
            MongoCollection<Document> copied = destination.client().getDatabase("app").getCollection("orders");
            // nothing is read while paused: the destination keeps its 100 documents for a while
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> copied.countDocuments() == 100);

            session.resume();

            assertThat(session.state()).isIn(MigrationState.SYNCING, MigrationState.READY_TO_CUTOVER);
            Sessions.awaitState(session, MigrationState.READY_TO_CUTOVER);
            MigrationReport report = session.cutover(false);
            assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
            assertThat(report.changesApplied()).isGreaterThanOrEqualTo(51); // counted over both syncs
            LiveSyncTest.assertSameDatabase(source.client(), destination.client(), "app");
        }
    }

    @Test
    void theCutoverWindowKeepsCountingWhilePaused() {
        seed();
        try (MigrationSession session = Migrations.start(spec("pause-2").build())) {
            Sessions.awaitState(session, MigrationState.READY_TO_CUTOVER);
            Instant closes = session.cutoverWindowExpiresAt().orElseThrow();
            session.pause();

            clock.set(closes);

            assertThat(session.awaitCompletion(Duration.ofMinutes(1)).state()).isEqualTo(MigrationState.EXPIRED);
        }
    }

    @Test
    void aPausedMigrationCanBeCancelled() {
        seed();
        try (MigrationSession session = Migrations.start(spec("pause-3").build())) {
            Sessions.awaitState(session, MigrationState.READY_TO_CUTOVER);
            session.pause();

            session.cancel();

            assertThat(session.awaitCompletion(Duration.ofMinutes(1)).state()).isEqualTo(MigrationState.CANCELLED);
        }
    }

    private MongoCollection<Document> seed() {
        MongoCollection<Document> orders = source.client().getDatabase("app").getCollection("orders");
        for (int i = 0; i < 100; i++) {
            orders.insertOne(new Document("_id", i).append("n", i));
        }
        return orders;
    }


    private MigrationSpec.Builder spec(String id) {
        return LiveSyncTest.specFor(source, destination, id).clock(clock);
    }
}
