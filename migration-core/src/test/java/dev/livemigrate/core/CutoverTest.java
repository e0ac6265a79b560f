package dev.livemigrate.core;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.MigrationListener;
import dev.livemigrate.MigrationReport;
import dev.livemigrate.MigrationSession;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.MigrationState;
import dev.livemigrate.Migrations;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.core.testing.MutableClock;
import dev.livemigrate.core.testing.WireProxy;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.livemigrate.core.testing.DataAssertions.indexes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class CutoverTest {

    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    private final MutableClock clock = new MutableClock(T);
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final MigrationListener recorder = new MigrationListener() {
        @Override
        public void stateChanged(MigrationState from, MigrationState to) {
            events.add(to.name());
        }

        @Override
        public void cutoverWindowChanged(Instant expiresAt) {
            events.add("window until " + expiresAt);
        }

        @Override
        public void cutoverWindowExpiring(Instant expiresAt) {
            events.add("expiring at " + expiresAt);
        }
    };

    @Test
    void cutsOverWhenReadyAndReportsWhatHappened() throws Exception {
        MongoCollection<Document> users = seedUsers();
        SourceWriter writer = new SourceWriter(source.client(), "shop", 5, 800);
        writer.seed(100);
        Duration finalizing = Duration.ofSeconds(7);
        MigrationListener slowFinalize = new MigrationListener() { // writes are stopped while the cutover finalizes
            @Override
            public void stateChanged(MigrationState from, MigrationState to) {
                if (to == MigrationState.FINALIZING) {
                    clock.advance(finalizing);
                }
            }
        };
        try (MigrationSession session = Migrations.start(spec("cut-1").listener(slowFinalize).build())) {
            // started once the catalog is read, so the collections it creates are followed, not copied
            writer.startInBackground();
            assertThat(writer.awaitAllWritten()).isEqualTo(800);
            users.insertOne(new Document("_id", 999).append("email", "last@x"));
            awaitReady(session);
            assertThat(session.cutoverWindowExpiresAt()).contains(T.plus(Duration.ofHours(120)));

            clock.advance(Duration.ofSeconds(42));
            MigrationReport report = session.cutover(false);

            assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
            assertThat(session.state()).isEqualTo(MigrationState.COMPLETED);
            assertThat(events).containsSubsequence("COPYING", "SYNCING", "READY_TO_CUTOVER", "CUTTING_OVER", "FINALIZING", "COMPLETED");
            LiveSyncTest.assertSameDatabase(source.client(), destination.client(), "app");
            LiveSyncTest.assertSameDatabase(source.client(), destination.client(), "shop");
            assertThat(indexes(destination.client(), Namespace.parse("app.users")))
                    .isEqualTo(indexes(source.client(), Namespace.parse("app.users")));
            assertThat(report.collectionsCopied()).isEqualTo(3);
            assertThat(report.copiedDocuments()).isGreaterThanOrEqualTo(50 + 200);
            assertThat(report.changesApplied()).isGreaterThanOrEqualTo(1);
            assertThat(report.downtime()).isEqualTo(finalizing);
            assertThat(report.duration()).isEqualTo(Duration.ofSeconds(42).plus(finalizing));
            assertThat(report.startedAt()).isEqualTo(T);
            assertThat(report.syncedThrough()).isNotNull();
            assertThat(report.indexConflicts()).isEmpty();
            assertThat(report.verification()).isEqualTo(MigrationReport.Verification.NOT_REQUESTED);
            assertThat(report.toJson()).contains("\"state\": \"COMPLETED\"", "\"downtimeMillis\": 7000", "\"collectionsCopied\": 3");
        }
    }

    @Test
    void cutoverIsRefusedBeforeReadyAndAFailedCutoverCanBeRetried() {
        seedUsers();
        try (MigrationSession session = Migrations.start(spec("cut-2").lagThreshold(Duration.ZERO).verify(true).build())) {
            assertThatThrownBy(() -> session.cutover(false)).isInstanceOfSatisfying(MigrationException.class,
                    e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_STATE));
            awaitReady(session);

            // this server has no setUserWriteBlockMode: the cutover fails clearly and the session stays in sync
            assertThatThrownBy(() -> session.cutover(true)).isInstanceOfSatisfying(MigrationException.class,
                    e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.WRITE_BLOCKING_UNSUPPORTED)).hasMessageContaining("6.0");
            assertThat(session.state()).isEqualTo(MigrationState.READY_TO_CUTOVER);
            source.client().getDatabase("app").getCollection("users").insertOne(new Document("_id", 1000).append("email", "after@x"));

            MigrationReport report = session.cutover(false);

            assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
            assertThat(destination.client().getDatabase("app").getCollection("users").countDocuments(new Document("_id", 1000))).isEqualTo(1);
            assertThat(report.verification()).isEqualTo(MigrationReport.Verification.NOT_VERIFIED); // no verifier in core
        }
    }

    /**
     * Something other than the migration wrote to the destination, so its documents break a unique index
     * of the source. The cutover builds the real index, the destination refuses it, and the cutover goes
     * back to READY_TO_CUTOVER, with the source's writes unblocked before that and the conflict in the
     * progress; once the document is fixed, cutover completes. The embedded source has no
     * {@code setUserWriteBlockMode}: a proxy answers it with MongoDB's reply ({@code {ok: 1}},
     * https://www.mongodb.com/docs/manual/reference/command/setUserWriteBlockMode/).
     */
    @Test
    void aUniqueIndexTheDestinationBreaksUnblocksTheSourceAndGoesBackToReady() {
        MongoCollection<Document> users = seedUsers();
        try (WireProxy sourceProxy = WireProxy.inFrontOf(source, (command, upstream) -> {
            if (!command.name().equals("setUserWriteBlockMode")) {
                return upstream.forward();
            }
            events.add(command.body().getBoolean("global").getValue() ? "writes blocked" : "writes unblocked");
            return WireProxy.bytes(new BsonDocument("ok", new BsonInt32(1)));
        }); MigrationSession session = Migrations.start(spec("cut-conflict").source(sourceProxy.connectionString()).build())) {
            awaitReady(session);
            MongoCollection<Document> copied = destination.client().getDatabase("app").getCollection("users");
            copied.insertOne(new Document("_id", "stray").append("email", "u7@x"));

            assertThatThrownBy(() -> session.cutover(true)).isInstanceOfSatisfying(MigrationException.class,
                    e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.UNIQUE_INDEX_CONFLICT)).hasMessageContaining("u7@x");

            assertThat(session.state()).isEqualTo(MigrationState.READY_TO_CUTOVER);
            assertThat(events).containsSubsequence("CUTTING_OVER", "writes blocked", "FINALIZING", "writes unblocked", "READY_TO_CUTOVER");
            assertThat(session.progress().indexConflicts()).containsOnlyKeys("app.users.email_1");
            assertThat(session.progress().indexConflicts().get("app.users.email_1")).singleElement().asString().contains("u7@x");
            assertThat(indexes(destination.client(), Namespace.parse("app.users")).get("email_1")).doesNotContainKey("unique");
            users.insertOne(new Document("_id", 1000).append("email", "after@x")); // still in sync
            await().atMost(Duration.ofMinutes(1)).until(() -> copied.countDocuments(new Document("_id", 1000)) == 1);

            copied.deleteOne(new Document("_id", "stray"));
            MigrationReport report = session.cutover(false);

            assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
            assertThat(report.indexConflicts()).isEmpty();
            assertThat(indexes(destination.client(), Namespace.parse("app.users")))
                    .isEqualTo(indexes(source.client(), Namespace.parse("app.users")));
        }
    }

    /**
     * Any other failure while finalizing fails the migration, but the source's writes are unblocked first.
     * The destination refuses the restore of the unique index with an authorization error (code 13
     * Unauthorized, https://www.mongodb.com/docs/manual/reference/error-codes/), answered by a proxy.
     */
    @Test
    void aFailureWhileFinalizingUnblocksTheSourceBeforeTheMigrationFails() {
        seedUsers();
        try (WireProxy sourceProxy = WireProxy.inFrontOf(source, (command, upstream) -> {
            if (!command.name().equals("setUserWriteBlockMode")) {
                return upstream.forward();
            }
            events.add(command.body().getBoolean("global").getValue() ? "writes blocked" : "writes unblocked");
            return WireProxy.bytes(new BsonDocument("ok", new BsonInt32(1)));
        }); WireProxy destinationProxy = WireProxy.inFrontOf(destination, (command, upstream) ->
                command.name().equals("createIndexes") && command.body().getArray("indexes").get(0).asDocument().containsKey("unique")
                        ? WireProxy.bytes(BsonDocument.parse("{ok: 0, errmsg: 'not authorized on app to execute command',"
                        + " code: 13, codeName: 'Unauthorized'}")) : upstream.forward());
             MigrationSession session = Migrations.start(spec("cut-fail").source(sourceProxy.connectionString())
                     .destination(destinationProxy.connectionString()).build())) {
            awaitReady(session);

            assertThatThrownBy(() -> session.cutover(true)).isInstanceOf(MigrationException.class).hasMessageContaining("not authorized");

            assertThatThrownBy(() -> session.awaitCompletion(Duration.ofMinutes(1))).hasMessageContaining("not authorized");
            assertThat(session.state()).isEqualTo(MigrationState.FAILED);
        }
        assertThat(events).containsSubsequence("writes blocked", "FINALIZING", "writes unblocked", "FAILED");
    }

    @Test
    void theWindowWarnsCanBeExtendedAndExpires() {
        seedUsers();
        MigrationSpec spec = spec("cut-3").expiryWarning(Duration.ofHours(12)).build();
        try (MigrationSession session = Migrations.start(spec)) {
            awaitReady(session);
            Instant opened = T.plus(Duration.ofHours(120));
            await().until(() -> events.contains("window until " + opened));

            assertThat(session.extendCutoverWindow()).isEqualTo(opened.plus(Duration.ofHours(24)));
            Instant expires = opened.plus(Duration.ofHours(24));
            assertThat(events).contains("window until " + expires);

            clock.set(expires.minus(Duration.ofHours(11)));
            Instant expected = expires;
            await().until(() -> events.contains("expiring at " + expected));
            assertThat(session.state()).isEqualTo(MigrationState.READY_TO_CUTOVER);

            clock.set(expires);
            MigrationReport report = session.awaitCompletion(Duration.ofMinutes(1));

            assertThat(report.state()).isEqualTo(MigrationState.EXPIRED);
            assertThat(destination.client().getDatabase("app").getCollection("users").countDocuments()).isEqualTo(50);
            assertThatThrownBy(session::extendCutoverWindow).isInstanceOfSatisfying(MigrationException.class,
                    e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_STATE));
        }
        // the migration can be started again: it resumes, and with a window that is still closed, expires again
        try (MigrationSession again = Migrations.start(spec)) {
            assertThat(again.awaitCompletion(Duration.ofMinutes(1)).state()).isEqualTo(MigrationState.EXPIRED);
        }
    }

    @ParameterizedTest
    @EnumSource(value = MigrationState.class, names = {"COPYING", "SYNCING", "READY_TO_CUTOVER", "CUTTING_OVER", "FINALIZING"})
    void cancelsInEveryStateLeavingTheDataInPlace(MigrationState when) throws Exception {
        seedUsers();
        CompletableFuture<MigrationSession> started = new CompletableFuture<>();
        MigrationSpec spec = spec("cancel-" + when.name().toLowerCase()).lagThreshold(when == MigrationState.SYNCING ? Duration.ZERO : Duration.ofSeconds(10))
                .listener(new MigrationListener() {
                    @Override
                    public void stateChanged(MigrationState from, MigrationState to) {
                        if (to == when) {
                            started.join().cancel();
                        }
                    }
                }).build();
        try (MigrationSession session = Migrations.start(spec)) {
            started.complete(session);
            if (when == MigrationState.SYNCING) {
                // SYNCING is short here: cancel it from the outside before the lag is measured
                await().until(() -> session.state() != MigrationState.COPYING);
            }
            if (when.compareTo(MigrationState.CUTTING_OVER) >= 0) {
                awaitReady(session);
                assertThatThrownBy(() -> session.cutover(false)).isInstanceOfSatisfying(MigrationException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CANCELLED));
            }

            MigrationReport report = session.awaitCompletion(Duration.ofMinutes(1));

            assertThat(report.state()).isEqualTo(MigrationState.CANCELLED);
            assertThat(destination.client().listDatabaseNames()).contains("__livemigrate");
            if (when != MigrationState.COPYING) {
                assertThat(destination.client().getDatabase("app").getCollection("users").countDocuments()).isEqualTo(50);
            }
        }
    }

    private void awaitReady(MigrationSession session) {
        await().atMost(Duration.ofMinutes(1)).until(() -> session.state() == MigrationState.READY_TO_CUTOVER
                || session.state().isTerminal());
        assertThat(session.state()).isEqualTo(MigrationState.READY_TO_CUTOVER);
    }

    private MongoCollection<Document> seedUsers() {
        MongoCollection<Document> users = source.client().getDatabase("app").getCollection("users");
        for (int i = 0; i < 50; i++) {
            users.insertOne(new Document("_id", i).append("email", "u" + i + "@x"));
        }
        users.createIndex(Indexes.ascending("email"), new IndexOptions().unique(true));
        return users;
    }

    private MigrationSpec.Builder spec(String id) {
        return LiveSyncTest.specFor(source, destination, id).clock(clock).listener(recorder);
    }
}
