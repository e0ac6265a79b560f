package dev.livemigrate.core.sync;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.Connections;
import dev.livemigrate.core.RunContext;
import dev.livemigrate.core.catalog.NamespaceMapper;
import dev.livemigrate.core.catalog.Selection;
import dev.livemigrate.core.state.MetadataStore;
import dev.livemigrate.core.testing.DataAssertions;
import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.core.testing.WireProxy;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * DDL events as MongoDB 6.0+ reports them with {@code showExpandedEvents} (shapes from MongoDB's manual,
 * "Change Events": drop, rename, dropIndexes, modify), applied to the destination, and the relaxed-index
 * records kept in step with them, so cutover restores exactly what the source has then. The embedded
 * server sends none of these events itself.
 */
class DdlApplierTest {

    private static final Namespace USERS = Namespace.parse("app.users");
    private static final String ID = "ddl";

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    private MetadataStore metadata;
    private DdlApplier ddl;
    private final List<IndexBuilds> builds = new ArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();

    @BeforeEach
    void followUsersWithARelaxedUniqueAndTtlIndex() {
        MigrationSpec spec = MigrationSpec.builder().migrationId(ID).source(source.connectionString())
                .destination(destination.connectionString()).include("app.*").build();
        MongoClient to = destination.client();
        metadata = new MetadataStore(to);
        RunContext run = new RunContext(spec, new Connections(null, source.client(), to, null, null), metadata,
                new Selection(NamespaceMapper.of(spec), Map.of(), Map.of(), List.of()), null);
        metadata.recordCollection(ID, USERS, USERS, "collection");
        to.getDatabase("app").getCollection("users").insertOne(new Document("_id", 1).append("email", "a@x"));
        to.getDatabase("app").getCollection("users").createIndex(Indexes.ascending("email"), new IndexOptions().name("email_1"));
        to.getDatabase("app").getCollection("users").createIndex(Indexes.ascending("seen"), new IndexOptions().name("seen_1"));
        to.getDatabase("app").getCollection("users").createIndex(Indexes.ascending("plan"), new IndexOptions().name("plan_1"));
        metadata.recordRelaxedIndex(ID, USERS, BsonDocument.parse("{key: {email: 1}, name: 'email_1', unique: true}"));
        metadata.recordRelaxedIndex(ID, USERS, BsonDocument.parse("{key: {seen: 1}, name: 'seen_1', expireAfterSeconds: 3600}"));
        ddl = new DdlApplier(run, new SyncTargets(run), new CatalogChanges(), builds(run));
    }

    @AfterEach
    void stopIndexBuilds() {
        builds.forEach(IndexBuilds::close);
    }

    private IndexBuilds builds(RunContext run) {
        IndexBuilds b = new IndexBuilds(ID, run.retries(), failures::add);
        builds.add(b);
        return b;
    }

    @Test
    void anIndexBuildIsQueuedOffTheCallersThreadAndDoneInTheBackground() throws Exception {
        try (HeldIndexBuilds held = new HeldIndexBuilds(); WireProxy proxy = WireProxy.inFrontOf(destination, held);
             MongoClient viaProxy = MongoClients.create(proxy.connectionString())) {
            DdlApplier slow = applierWritingTo(viaProxy);
            CountDownLatch applied = new CountDownLatch(1);

            slow.queue(createIndexes(), USERS, applied::countDown); // a stream's reader goes on at once

            assertThat(held.arrived.await(1, TimeUnit.MINUTES)).as("the build reached the destination").isTrue();
            assertThat(applied.getCount()).as("not applied while the destination builds").isEqualTo(1);
            held.release();
            assertThat(applied.await(1, TimeUnit.MINUTES)).isTrue();
            assertThat(indexNames()).contains("region_1");
            assertThat(failures).isEmpty();
        }
    }

    @Test
    void aDropWaitsForTheIndexBuildsQueuedBeforeIt() throws Exception {
        try (HeldIndexBuilds held = new HeldIndexBuilds(); WireProxy proxy = WireProxy.inFrontOf(destination, held);
             MongoClient viaProxy = MongoClients.create(proxy.connectionString())) {
            DdlApplier slow = applierWritingTo(viaProxy);
            slow.queue(createIndexes(), USERS, () -> { });
            assertThat(held.arrived.await(1, TimeUnit.MINUTES)).isTrue();
            AtomicBoolean dropped = new AtomicBoolean();
            Thread reader = new Thread(() -> {
                try {
                    slow.applyInOrder(event("{operationType: 'drop', clusterTime: Timestamp(1654878544, 1), ns: {db: 'app', coll: 'users'}}"), USERS);
                    dropped.set(true);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "reader");
            reader.start();

            // the drop stays behind the build while the destination builds; done first, the build would create users again
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> !dropped.get());
            held.release();
            reader.join(Duration.ofMinutes(1).toMillis());

            assertThat(dropped).isTrue();
            assertThat(destination.client().getDatabase("app").listCollectionNames().into(new ArrayList<>())).doesNotContain("users");
        }
    }

    /** Holds every createIndexes before it reaches the destination, until released: a long build. */
    private static final class HeldIndexBuilds implements WireProxy.Handler, AutoCloseable {
        final CountDownLatch arrived = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);

        @Override
        public byte[] reply(WireProxy.Command command, WireProxy.Upstream upstream) throws IOException {
            if (command.name().equals("createIndexes")) {
                arrived.countDown();
                try {
                    released.await(2, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return upstream.forward();
        }

        void release() {
            released.countDown();
        }

        @Override
        public void close() {
            release();
        }
    }

    private DdlApplier applierWritingTo(MongoClient to) {
        MigrationSpec spec = MigrationSpec.builder().migrationId(ID).source(source.connectionString())
                .destination(destination.connectionString()).include("app.*").build();
        RunContext run = new RunContext(spec, new Connections(null, source.client(), to, null, null), metadata,
                new Selection(NamespaceMapper.of(spec), Map.of(), Map.of(), List.of()), null);
        return new DdlApplier(run, new SyncTargets(run), new CatalogChanges(), builds(run));
    }

    private static ChangeEvent createIndexes() {
        // the manual's createIndexes event (6.0+, showExpandedEvents): operationDescription.indexes as listIndexes shows them
        return event("{operationType: 'createIndexes', clusterTime: Timestamp(1654878543, 1), ns: {db: 'app', coll: 'users'},"
                + " operationDescription: {indexes: [{v: 2, key: {region: 1}, name: 'region_1'}]}}");
    }

    @Test
    void aDroppedCollectionLeavesNoIndexToRestore() {
        ddl.apply(event("{operationType: 'drop', clusterTime: Timestamp(1654878543, 1), ns: {db: 'app', coll: 'users'}}"), USERS);

        assertThat(destination.client().getDatabase("app").listCollectionNames().into(new ArrayList<>())).doesNotContain("users");
        assertThat(metadata.relaxedIndexes(ID, USERS)).isEmpty();
        assertThat(metadata.relaxedIndexes(ID).getOrDefault(USERS, List.of())).isEmpty();
        assertThat(metadata.collections(ID)).doesNotContainKey(USERS); // its record, partitions and checkpoint go with it
    }

    @Test
    void aDroppedIndexIsNotRestored() {
        ddl.apply(event("{operationType: 'dropIndexes', clusterTime: Timestamp(1654878543, 1), ns: {db: 'app', coll: 'users'},"
                + " operationDescription: {indexes: [{v: 2, key: {email: 1}, name: 'email_1', unique: true}]}}"), USERS);

        assertThat(names(metadata.relaxedIndexes(ID, USERS))).containsExactly("seen_1");
        assertThat(indexNames()).doesNotContain("email_1");
    }

    @Test
    void aRenamedCollectionTakesItsRelaxedIndexesAlong() {
        Namespace renamed = Namespace.parse("app.members");

        ddl.apply(event("{operationType: 'rename', clusterTime: Timestamp(1654878543, 1), ns: {db: 'app', coll: 'users'},"
                + " to: {db: 'app', coll: 'members'}, operationDescription: {to: {db: 'app', coll: 'members'}}}"), USERS);

        assertThat(metadata.relaxedIndexes(ID, USERS)).isEmpty();
        assertThat(names(metadata.relaxedIndexes(ID, renamed))).containsExactlyInAnyOrder("email_1", "seen_1");
        assertThat(metadata.relaxedIndexes(ID)).containsOnlyKeys(renamed);
        assertThat(metadata.collections(ID)).containsKey(renamed).doesNotContainKey(USERS);
        assertThat(destination.client().getDatabase("app").listCollectionNames().into(new ArrayList<>()))
                .contains("members").doesNotContain("users");
    }

    @Test
    void aCollectionRenamedIntoTheSelectionIsCopiedWholeOverWhatTheDestinationHeld() {
        // $out and mapReduce write a temporary collection outside the selection, then rename it onto the target
        source.client().getDatabase("app").getCollection("report").insertMany(List.of(
                new Document("_id", 1).append("total", 10), new Document("_id", 2).append("total", 20)));
        destination.client().getDatabase("app").getCollection("report").insertOne(new Document("_id", 9).append("stale", true));

        ddl.apply(event("{operationType: 'rename', clusterTime: Timestamp(1654878543, 1), ns: {db: 'scratch', coll: 'tmp.agg_out.1'},"
                + " to: {db: 'app', coll: 'report'}, operationDescription: {to: {db: 'app', coll: 'report'}, dropTarget: true}}"), null);

        DataAssertions.assertSameDocuments(source.client(), Namespace.parse("app.report"), destination.client(), Namespace.parse("app.report"));
        assertThat(metadata.collections(ID).get(Namespace.parse("app.report")).status()).isEqualTo(MetadataStore.CollectionStatus.DONE);
    }

    @Test
    void aNewTtlOnARelaxedIndexIsRecordedAndNotApplied() {
        ddl.apply(modify("{index: {name: 'seen_1', expireAfterSeconds: 60}}"), USERS);

        assertThat(metadata.relaxedIndexes(ID, USERS)).contains(BsonDocument.parse("{key: {seen: 1}, name: 'seen_1', expireAfterSeconds: 60}"));
        assertThat(destinationIndex("seen_1")).doesNotContainKey("expireAfterSeconds");
    }

    @Test
    void anIndexConvertedToUniqueIsRelaxedFromThenOn() {
        ddl.apply(modify("{index: {name: 'plan_1', prepareUnique: true}}"), USERS);
        assertThat(names(metadata.relaxedIndexes(ID, USERS))).doesNotContain("plan_1");

        ddl.apply(modify("{index: {name: 'plan_1', unique: true}}"), USERS);

        BsonDocument recorded = metadata.relaxedIndexes(ID, USERS).stream().filter(i -> i.getString("name").getValue().equals("plan_1"))
                .findFirst().orElseThrow();
        assertThat(recorded.getBoolean("unique").getValue()).isTrue();
        assertThat(recorded.getDocument("key")).isEqualTo(new BsonDocument("plan", new BsonInt32(1)));
        assertThat(destinationIndex("plan_1")).doesNotContainKey("unique");
    }

    @Test
    void aCollModTheDestinationRefusesFailsSyncingInsteadOfBeingSkipped() {
        // hiding an index is passed on; the embedded destination has no collMod and refuses it
        assertThatThrownBy(() -> ddl.apply(modify("{index: {name: 'plan_1', hidden: true}}"), USERS))
                .isInstanceOf(MongoCommandException.class);
        assertThatThrownBy(() -> ddl.apply(modify("{validationLevel: 'moderate'}"), USERS))
                .isInstanceOf(MongoCommandException.class);
    }

    private static ChangeEvent modify(String operationDescription) {
        // the manual's modify example: {operationType: "modify", ns: {...}, operationDescription: {index: {name, hidden}},
        // stateBeforeChange: {collectionOptions: {...}, indexOptions: {...}}}
        return event("{operationType: 'modify', clusterTime: Timestamp(1654878543, 1), ns: {db: 'app', coll: 'users'},"
                + " operationDescription: " + operationDescription + ", stateBeforeChange: {collectionOptions: {}, indexOptions: {}}}");
    }

    private static ChangeEvent event(String json) {
        RawBsonDocument raw = RawBsonDocument.parse("{_id: {_data: '8262A3700F000000012B'}, " + json.substring(1));
        return ChangeEvent.parse("cluster", 0, raw, null, false);
    }

    private List<String> indexNames() {
        return names(destination.client().getDatabase("app").getCollection("users").listIndexes(BsonDocument.class).into(new ArrayList<>()));
    }

    private BsonDocument destinationIndex(String name) {
        return destination.client().getDatabase("app").getCollection("users").listIndexes(BsonDocument.class).into(new ArrayList<>())
                .stream().filter(i -> i.getString("name").getValue().equals(name)).findFirst().orElseThrow();
    }

    private static List<String> names(List<BsonDocument> indexes) {
        return indexes.stream().map(i -> i.getString("name").getValue()).toList();
    }
}
