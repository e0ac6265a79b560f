package dev.livemigrate.core;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.MigrationReport;
import dev.livemigrate.MigrationSession;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.MigrationState;
import dev.livemigrate.Migrations;
import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.core.testing.WireProxy;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Two ways syncing can go wrong and be recovered from, made to happen at a known moment by a proxy in
 * front of the destination that sees the apply lanes' writes: a cutover whose drain cannot finish in time
 * (the lanes' writes held) goes back to READY_TO_CUTOVER still in sync; a change the destination refuses
 * ends the migration FAILED with APPLY_FAILED, and starting it again by id converges.
 */
class SyncRecoveryTest {

    private static final Set<String> LANE_WRITES = Set.of("insert", "update", "delete");

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    private final LaneWrites lanes = new LaneWrites();

    @Test
    void aCutoverThatCannotDrainInTimeGoesBackToReadyStillInSyncAndCanBeRetried() throws Exception {
        MongoCollection<Document> users = seed();
        try (WireProxy proxy = WireProxy.inFrontOf(destination, lanes);
             MigrationSession session = Migrations.start(spec(proxy, "drain-timeout").cutoverDrainTimeout(Duration.ofMillis(500)).build());
             LaneWrites releasedOnFailureToo = lanes) { // closed first, so a failing test does not hang closing the session
            awaitState(session, MigrationState.READY_TO_CUTOVER);
            lanes.hold();
            users.insertOne(new Document("_id", 1000).append("email", "during@x"));
            assertThat(lanes.awaitHeld()).as("a lane's write reached the destination and is held").isTrue();
            Thread writer = new Thread(() -> { // writes go on while the cutover drains
                for (int i = 1001; i <= 1100; i++) {
                    users.insertOne(new Document("_id", i).append("email", "u" + i + "@x"));
                }
            }, "writer");
            writer.start();

            assertThatThrownBy(() -> session.cutover(false)).isInstanceOfSatisfying(MigrationException.class,
                    e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CUTOVER_FAILED)).hasMessageContaining("PT0.5S");
            assertThat(session.state()).isEqualTo(MigrationState.READY_TO_CUTOVER);

            writer.join(Duration.ofMinutes(1).toMillis());
            assertThat(users.countDocuments()).isEqualTo(50 + 101);
            lanes.release();
            // still in sync: every write made during the failed cutover arrives without another cutover
            MongoCollection<Document> copied = destination.client().getDatabase("app").getCollection("users");
            await().atMost(Duration.ofMinutes(1)).until(() -> copied.countDocuments() == 50 + 101);
            assertThat(session.state()).isEqualTo(MigrationState.READY_TO_CUTOVER);

            MigrationReport report = session.cutover(false);

            assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
            LiveSyncTest.assertSameDatabase(source.client(), destination.client(), "app");
        }
    }

    @Test
    void aChangeTheDestinationRefusesFailsTheMigrationAndStartingItAgainConverges() throws Exception {
        MongoCollection<Document> users = seed();
        try (WireProxy proxy = WireProxy.inFrontOf(destination, lanes)) {
            MigrationSpec spec = spec(proxy, "apply-failed").build();
            try (MigrationSession session = Migrations.start(spec)) {
                awaitState(session, MigrationState.READY_TO_CUTOVER);
                lanes.failNext();
                users.updateOne(Filters.eq("_id", 7), Updates.set("email", "changed@x"));
                users.deleteOne(Filters.eq("_id", 8));
                users.insertOne(new Document("_id", 2000).append("email", "new@x"));

                assertThatThrownBy(() -> session.awaitCompletion(Duration.ofMinutes(1))).isInstanceOfSatisfying(MigrationException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.APPLY_FAILED)).hasMessageContaining("resume the migration with the same id");
                assertThat(session.state()).isEqualTo(MigrationState.FAILED);
                assertThat(lanes.refused()).isTrue();
            }

            try (MigrationSession again = Migrations.start(spec)) {
                awaitState(again, MigrationState.READY_TO_CUTOVER);
                users.updateOne(Filters.eq("_id", 9), Updates.set("email", "after@x"));

                MigrationReport report = again.cutover(false);

                assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
                LiveSyncTest.assertSameDatabase(source.client(), destination.client(), "app");
            }
        }
    }

    private MongoCollection<Document> seed() {
        MongoCollection<Document> users = source.client().getDatabase("app").getCollection("users");
        for (int i = 0; i < 50; i++) {
            users.insertOne(new Document("_id", i).append("email", "u" + i + "@x"));
        }
        return users;
    }

    private MigrationSpec.Builder spec(WireProxy proxy, String id) {
        return LiveSyncTest.specFor(source, destination, id).destination(proxy.connectionString());
    }

    private static void awaitState(MigrationSession session, MigrationState wanted) {
        await().atMost(Duration.ofMinutes(1)).until(() -> session.state() == wanted || session.state().isTerminal());
        assertThat(session.state()).isEqualTo(wanted);
    }

    /**
     * The destination's side of the apply lanes: their writes ({@code insert}, {@code update},
     * {@code delete} into the migrated database {@code app}) pass, are held until {@link #release}, or the
     * next one is refused with a write error.
     */
    private static final class LaneWrites implements WireProxy.Handler, AutoCloseable {

        private final CountDownLatch held = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);
        private final AtomicBoolean holding = new AtomicBoolean();
        private final AtomicBoolean failNext = new AtomicBoolean();
        private final AtomicBoolean refused = new AtomicBoolean();

        void hold() {
            holding.set(true);
        }

        boolean awaitHeld() throws InterruptedException {
            return held.await(1, TimeUnit.MINUTES);
        }

        void release() {
            holding.set(false);
            released.countDown();
        }

        @Override
        public void close() {
            release();
        }

        void failNext() {
            failNext.set(true);
        }

        boolean refused() {
            return refused.get();
        }

        @Override
        public byte[] reply(WireProxy.Command command, WireProxy.Upstream upstream) throws IOException {
            if (!LANE_WRITES.contains(command.name()) || !"app".equals(command.database())) {
                return upstream.forward();
            }
            if (failNext.compareAndSet(true, false)) {
                refused.set(true);
                return WireProxy.bytes(writeError(command.name()));
            }
            if (holding.get()) {
                held.countDown();
                try {
                    if (!released.await(2, TimeUnit.MINUTES)) {
                        throw new IOException("held lane writes never released");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
            return upstream.forward();
        }

        /**
         * A write command's reply whose first write failed, not retryable: {@code ok: 1} with
         * {@code writeErrors} entries of {@code index}, {@code code}, {@code errmsg} (and {@code errInfo} for a
         * validation failure), as https://www.mongodb.com/docs/manual/reference/command/insert/#output and
         * .../command/update/#output describe; code 121 is DocumentValidationFailure (MongoDB's
         * src/mongo/base/error_codes.yml).
         */
        private static BsonDocument writeError(String command) {
            BsonDocument reply = new BsonDocument("n", new BsonInt32(0));
            if (command.equals("update")) {
                reply.append("nModified", new BsonInt32(0));
            }
            return reply.append("writeErrors", new BsonArray(List.of(new BsonDocument("index", new BsonInt32(0))
                            .append("code", new BsonInt32(121))
                            .append("errInfo", new BsonDocument("details", new BsonDocument("operatorName", new BsonString("$jsonSchema"))))
                            .append("errmsg", new BsonString("Document failed validation")))))
                    .append("ok", new BsonInt32(1));
        }
    }
}
