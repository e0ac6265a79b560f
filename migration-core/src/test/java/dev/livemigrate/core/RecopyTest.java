package dev.livemigrate.core;

import com.mongodb.client.MongoCollection;
import dev.livemigrate.ConfigurationException;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.MigrationReport;
import dev.livemigrate.MigrationSession;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.MigrationState;
import dev.livemigrate.Migrations;
import dev.livemigrate.core.state.MetadataStore;
import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.core.testing.LostChangeHistory;
import dev.livemigrate.core.testing.Sessions;
import dev.livemigrate.core.testing.WireProxy;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The way on after a lost change history: resuming with {@code recopy} copies the named collections again and
 * follows them from a new start point, while the others keep their copy and resume their streams where they were.
 * The loss is a proxy in front of the source answering a stream's resumption with the server's
 * {@code ChangeStreamHistoryLost} error ({@link LostChangeHistory}).
 */
@Timeout(180)
class RecopyTest {

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    void aCollectionWhoseHistoryWasLostIsCopiedAgainAndTheOthersResumeWhereTheyWere() {
        MongoCollection<Document> orders = source.client().getDatabase("app").getCollection("orders");
        MongoCollection<Document> users = source.client().getDatabase("app").getCollection("users");
        for (int i = 0; i < 40; i++) {
            orders.insertOne(new Document("_id", i).append("n", i));
            users.insertOne(new Document("_id", i).append("name", "u" + i));
        }
        LostChangeHistory lost = new LostChangeHistory("orders");
        try (WireProxy proxy = WireProxy.inFrontOf(source, lost)) {
            MigrationSpec.Builder spec = LiveSyncTest.specFor(source, destination, "recopy").source(proxy.connectionString());
            try (MigrationSession first = Migrations.start(spec.build())) {
                Sessions.awaitState(first, MigrationState.READY_TO_CUTOVER);
                orders.insertOne(new Document("_id", 100).append("n", 100));
                users.insertOne(new Document("_id", 100).append("name", "u100"));
                await().atMost(Duration.ofMinutes(1)).untilAsserted(
                        () -> LiveSyncTest.assertSameDatabase(source.client(), destination.client(), "app"));
            } // stopped: every stream's checkpoint saved
            // while it is stopped the source moves on and (as the proxy will say) the oplog forgets where orders was
            orders.updateOne(new Document("_id", 1), new Document("$set", new Document("n", -1)));
            orders.deleteOne(new Document("_id", 2));
            users.updateOne(new Document("_id", 1), new Document("$set", new Document("name", "renamed")));
            lost.arm();

            MigrationSession failed = Migrations.start(spec.build());
            assertThatThrownBy(() -> failed.awaitCompletion(Duration.ofMinutes(1))).isInstanceOfSatisfying(MigrationException.class,
                    e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CHANGE_HISTORY_LOST))
                    .hasMessageContaining("changes to app.orders may have been missed").hasMessageContaining("--recopy 'app.orders'");
            failed.close();

            int usersReadBefore = finds(proxy, "users");
            int ordersReadBefore = finds(proxy, "orders");
            try (MigrationSession again = Migrations.start(MigrationSpec.builder(spec.build()).recopy(List.of("app.orders")).build())) {
                Sessions.awaitState(again, MigrationState.READY_TO_CUTOVER);
                orders.insertOne(new Document("_id", 200).append("n", 200));
                users.insertOne(new Document("_id", 200).append("name", "u200"));

                MigrationReport report = again.cutover(false);

                assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
            }
            LiveSyncTest.assertSameDatabase(source.client(), destination.client(), "app");
            assertThat(finds(proxy, "orders")).as("orders is copied again").isGreaterThan(ordersReadBefore);
            assertThat(finds(proxy, "users")).as("users keeps its copy: not read again").isEqualTo(usersReadBefore);
            assertThat(resumedStreams(proxy, "users")).as("users' stream resumes after its token").isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void recopyingEverythingMovesTheStartPointOfEveryStreamIncludingTheClusterWideOne() {
        MongoCollection<Document> orders = source.client().getDatabase("app").getCollection("orders");
        orders.insertOne(new Document("_id", 1).append("n", 1));
        MigrationSpec spec = LiveSyncTest.specFor(source, destination, "recopy-all").build();
        try (MigrationSession first = Migrations.start(spec)) {
            Sessions.awaitState(first, MigrationState.READY_TO_CUTOVER);
        }
        MetadataStore metadata = new MetadataStore(destination.client());
        BsonTimestamp firstStart = metadata.startAt("recopy-all").orElseThrow();
        orders.insertOne(new Document("_id", 2).append("n", 2));

        try (MigrationSession again = Migrations.start(MigrationSpec.builder(spec).recopy(List.of("*")).build())) {
            Sessions.awaitState(again, MigrationState.READY_TO_CUTOVER);
            BsonTimestamp restart = metadata.startAt("recopy-all").orElseThrow();
            assertThat(restart).isGreaterThan(firstStart);
            assertThat(metadata.checkpoints("recopy-all").get("cluster").getTimestamp("clusterTime")).isEqualTo(restart);
            assertThat(again.cutover(false).state()).isEqualTo(MigrationState.COMPLETED);
        }
        LiveSyncTest.assertSameDatabase(source.client(), destination.client(), "app");
    }

    @Test
    void aRecopyThatNamesNoSelectedCollectionOrAMigrationThatNeverRanIsRefusedBeforeAnythingIsWritten() {
        source.client().getDatabase("app").getCollection("orders").insertOne(new Document("_id", 1));
        MigrationSpec spec = LiveSyncTest.specFor(source, destination, "recopy-bad").build();

        assertThatThrownBy(() -> Migrations.start(MigrationSpec.builder(spec).recopy(List.of("app.orders")).build()))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_SPEC))
                .hasMessageContaining("it has not run on this destination");
        assertThat(destination.client().listDatabaseNames().into(new ArrayList<>())).doesNotContain("app", MetadataStore.DATABASE);

        try (MigrationSession first = Migrations.start(spec)) {
            Sessions.awaitState(first, MigrationState.READY_TO_CUTOVER);
        }
        assertThatThrownBy(() -> Migrations.start(MigrationSpec.builder(spec).recopy(List.of("app.missing")).build()))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_SPEC))
                .hasMessage("[INVALID_SPEC] recopy 'app.missing' is not a collection this migration selects on the source: name source"
                        + " collections of the migration (app.orders), or * for all of them.");
        assertThatThrownBy(() -> MigrationSpec.builder(spec).recopy(List.of("orders")).build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_SPEC))
                .hasMessageContaining("recopy 'orders' is not a collection");
        assertThat(destination.client().getDatabase("app").getCollection("orders").countDocuments()).isEqualTo(1);
    }

    private static int finds(WireProxy proxy, String collection) {
        return (int) proxy.commands("find").stream().filter(c -> c.database().equals("app")
                && new BsonString(collection).equals(c.body().get("find"))).count();
    }

    private static int resumedStreams(WireProxy proxy, String collection) {
        return (int) proxy.commands("aggregate").stream().filter(c -> LostChangeHistory.isResumption(c, new BsonString(collection))).count();
    }
}
