package dev.livemigrate.core;

import com.mongodb.MongoNamespace;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import dev.livemigrate.MigrationReport;
import dev.livemigrate.MigrationSession;
import dev.livemigrate.MigrationState;
import dev.livemigrate.Migrations;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.testing.DataAssertions;
import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.core.testing.Sessions;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Collections that appear and vanish while a migration syncs, on a server whose per-collection change
 * streams say nothing about renames (the embedded server): what arrives is what the catalog shows.
 */
class CollectionsDuringSyncTest {

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    void aCollectionRenamedDuringSyncArrivesWholeUnderItsNewNameAndTheOldNameGoes() {
        MongoCollection<Document> c = source.client().getDatabase("shop").getCollection("c");
        c.insertMany(documents(0, 500));
        source.client().getDatabase("shop").getCollection("other").insertOne(new Document("_id", "keep"));
        try (MigrationSession session = Migrations.start(LiveSyncTest.specFor(source, destination, "renamed").build())) {
            Sessions.awaitState(session, MigrationState.READY_TO_CUTOVER);

            c.renameCollection(new MongoNamespace("shop", "c2"));
            MongoCollection<Document> c2 = source.client().getDatabase("shop").getCollection("c2");
            for (Document d : documents(500, 550)) {
                c2.insertOne(d);
            }
            MongoCollection<Document> copied = destination.client().getDatabase("shop").getCollection("c2");
            await().atMost(Duration.ofMinutes(1)).until(() -> copied.countDocuments() == 550
                    && !names("shop").contains("c"));
            Sessions.awaitState(session, MigrationState.READY_TO_CUTOVER);
            assertThat(session.progress().catalogChanges()).isEqualTo(new MigrationReport.CatalogChanges(0, 1, 0, 1));
            assertThat(session.progress().toJson()).contains("\"catalogChangesDuringSync\": {\"created\": 0, \"copied\": 1");

            MigrationReport report = session.cutover(false);

            assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
            LiveSyncTest.assertSameDatabase(source.client(), destination.client(), "shop");
            assertThat(report.catalogChanges().copied()).isEqualTo(1);
            assertThat(report.catalogChanges().dropped()).isEqualTo(1);
            assertThat(report.toJson()).contains("\"catalogChangesDuringSync\": {\"created\": 0, \"copied\": 1, \"renamed\": 0, \"dropped\": 1}");
        }
    }

    @Test
    void aCollectionRenamedOutOfTheSelectionGoesAndOneWrittenByOutArrives() {
        MongoCollection<Document> c = source.client().getDatabase("shop").getCollection("c");
        c.insertMany(documents(0, 200));
        source.client().getDatabase("shop").getCollection("old_a").insertOne(new Document("_id", "excluded"));
        try (MigrationSession session = Migrations.start(LiveSyncTest.specFor(source, destination, "out").exclude("shop.old_*").build())) {
            Sessions.awaitState(session, MigrationState.READY_TO_CUTOVER);

            // $out writes a new selected collection with its documents in one go
            c.aggregate(List.of(new Document("$match", new Document("n", new Document("$gte", 100))),
                    new Document("$out", "big"))).toCollection();
            // and a rename to an excluded name takes c out of the selection without an event
            c.renameCollection(new MongoNamespace("shop", "old_c"));
            await().atMost(Duration.ofMinutes(1)).until(() -> names("shop").contains("big") && !names("shop").contains("c")
                    && destination.client().getDatabase("shop").getCollection("big").countDocuments() == 100);
            Sessions.awaitState(session, MigrationState.READY_TO_CUTOVER);

            MigrationReport report = session.cutover(false);

            assertThat(names("shop")).containsExactlyInAnyOrder("big");
            DataAssertions.assertSameDocuments(source.client(), Namespace.parse("shop.big"), destination.client(), Namespace.parse("shop.big"));
            assertThat(report.catalogChanges().copied()).isEqualTo(1);
            assertThat(report.catalogChanges().dropped()).isEqualTo(1);
        }
    }

    @Test
    void aCollectionCreatedEmptyAndFilledByInsertsIsNotCopiedAgain() {
        source.client().getDatabase("shop").getCollection("seed").insertOne(new Document("_id", 0));
        try (MigrationSession session = Migrations.start(LiveSyncTest.specFor(source, destination, "created").build())) {
            Sessions.awaitState(session, MigrationState.READY_TO_CUTOVER);

            source.client().getDatabase("shop").createCollection("fresh");
            await().atMost(Duration.ofMinutes(1)).until(() -> names("shop").contains("fresh"));
            MongoCollection<Document> fresh = source.client().getDatabase("shop").getCollection("fresh");
            for (Document d : documents(0, 50)) {
                fresh.insertOne(d);
            }
            await().atMost(Duration.ofMinutes(1)).until(() -> destination.client().getDatabase("shop").getCollection("fresh")
                    .countDocuments() == 50);
            Sessions.awaitState(session, MigrationState.READY_TO_CUTOVER);

            MigrationReport report = session.cutover(false);

            LiveSyncTest.assertSameDatabase(source.client(), destination.client(), "shop");
            assertThat(report.catalogChanges().created()).isEqualTo(1);
            assertThat(report.cutoverPoint()).endsWith("by the source's newest operation (no replica set)");
            assertThat(report.catalogChanges().copied()).isZero();
        }
    }

    @Test
    void aCollectionDroppedAndOneWhoseIndexesAreDroppedDuringSyncEndAsOnTheSource() {
        MongoCollection<Document> gone = source.client().getDatabase("shop").getCollection("gone");
        gone.insertMany(documents(0, 100));
        MongoCollection<Document> kept = source.client().getDatabase("shop").getCollection("kept");
        kept.insertMany(documents(0, 100));
        kept.createIndex(Indexes.ascending("s"), new IndexOptions().unique(true)); // relaxed while syncing
        kept.createIndex(Indexes.ascending("n"), new IndexOptions().expireAfter(3600L, TimeUnit.SECONDS)); // relaxed too
        kept.createIndex(Indexes.descending("n", "s"));
        source.client().getDatabase("shop").getCollection("other").insertOne(new Document("_id", "keep"));
        try (MigrationSession session = Migrations.start(LiveSyncTest.specFor(source, destination, "ddl").build())) {
            Sessions.awaitState(session, MigrationState.READY_TO_CUTOVER);
            assertThat(DataAssertions.indexes(destination.client(), Namespace.parse("shop.kept"))).hasSize(4);

            gone.drop();
            kept.dropIndexes();
            kept.insertOne(new Document("_id", 100).append("s", "v0")); // allowed now that s is no longer unique

            MigrationReport report = session.cutover(false);

            assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
            assertThat(names("shop")).containsExactlyInAnyOrder("kept", "other");
            LiveSyncTest.assertSameDatabase(source.client(), destination.client(), "shop");
            for (String c : List.of("kept", "other")) {
                assertThat(DataAssertions.indexes(destination.client(), new Namespace("shop", c))).as(c)
                        .isEqualTo(DataAssertions.indexes(source.client(), new Namespace("shop", c)));
            }
        }
    }

    private List<String> names(String database) {
        return destination.client().getDatabase(database).listCollectionNames().into(new ArrayList<>());
    }

    private static List<Document> documents(int from, int to) {
        List<Document> docs = new ArrayList<>();
        for (int i = from; i < to; i++) {
            docs.add(new Document("_id", i).append("n", i).append("s", "v" + i));
        }
        return docs;
    }

}
