package dev.livemigrate.core.sync;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Indexes;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.Namespace;
import dev.livemigrate.Sharding;
import dev.livemigrate.core.Connections;
import dev.livemigrate.core.RunContext;
import dev.livemigrate.core.catalog.CollectionInfo;
import dev.livemigrate.core.catalog.NamespaceMapper;
import dev.livemigrate.core.catalog.Selection;
import dev.livemigrate.core.catalog.ShardingPlan;
import dev.livemigrate.core.state.MetadataStore;
import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.core.testing.MongosProxy;
import dev.livemigrate.core.testing.WireProxy;
import org.bson.BsonDocument;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A collection of the migration sharded on the source while it syncs: the {@code shardCollection} event of MongoDB 6.0+
 * with expanded events (https://www.mongodb.com/docs/manual/reference/change-events/shardCollection/: {@code
 * operationDescription} with {@code shardKey}, {@code unique}, {@code presplitHashedZones}) shards the destination
 * collection alike, or the report says it stays unsharded where the destination is no sharded cluster. The embedded
 * server sends no such event; it is fed to the applier here, the source's {@code config.collections} answered by
 * {@link MongosProxy} (5.0+ shape, as in ShardedMigrationTest).
 */
class ShardedDuringSyncTest {

    private static final Namespace EVENTS = Namespace.parse("app.events");
    private static final BsonDocument CONFIG_ENTRY = BsonDocument.parse("{_id: 'app.events', lastmodEpoch: {$oid: '60f989a2430bfdd95d8cfa50'},"
            + " lastmod: {$date: '2021-07-22T15:10:14.301Z'}, timestamp: {$timestamp: {t: 1626966614, i: 1}},"
            + " uuid: {$binary: {base64: 'ASNFZ4mrze8BI0VniavN7w==', subType: '04'}}, key: {device: 1}, unique: false, noBalance: false}");
    private static final String EVENT = "{_id: {_data: '8265F0A1B2000000012B022C0100296E5A1004'}, operationType: 'shardCollection',"
            + " clusterTime: {$timestamp: {t: 1764583200, i: 1}}, wallTime: {$date: '2026-12-01T10:00:00Z'},"
            + " collectionUUID: {$binary: {base64: 'ASNFZ4mrze8BI0VniavN7w==', subType: '04'}}, ns: {db: 'app', coll: 'events'},"
            + " operationDescription: {shardKey: {device: 1}, unique: false, presplitHashedZones: false}}";

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    @Test
    void aShardCollectionEventShardsTheDestinationCollectionAlikeWithItsDocuments() {
        MongosProxy to = closes(MongosProxy.empty(destination, 7, 0, 2));
        ShardingPlan plan = applyShardCollection(to.connectionString());

        assertThat(to.commands("shardCollection")).extracting(c -> c.body().getDocument("key")).containsExactly(BsonDocument.parse("{device: 1}"));
        assertThat(to.commands("createIndexes")).extracting(c -> c.body().getArray("indexes").get(0).asDocument().getString("name").getValue())
                .containsExactly("device_1");
        assertThat(plan.report(Map.of())).containsExactly(Map.entry("app.events",
                "sharded on {\"device\": 1} as on the source (sharded there during the migration)"));
    }

    @Test
    void onADestinationThatIsNoShardedClusterTheReportSaysItStaysUnsharded() {
        WireProxy to = closes(WireProxy.recording(destination));
        ShardingPlan plan = applyShardCollection(to.connectionString());

        assertThat(to.commands("shardCollection")).isEmpty();
        assertThat(plan.report(Map.of())).containsExactly(Map.entry("app.events",
                "unsharded: the destination is not a sharded cluster (sharded on the source on {\"device\": 1})"));
    }

    /** app.events, unsharded when the migration started, copied; then sharded on the source and its event applied. */
    private ShardingPlan applyShardCollection(String destinationUri) {
        source.client().getDatabase("app").getCollection("events").insertOne(new Document("_id", 1).append("device", "d1"));
        source.client().getDatabase("app").getCollection("events").createIndex(Indexes.ascending("device"));
        destination.client().getDatabase("app").getCollection("events").insertOne(new Document("_id", 1).append("device", "d1"));
        MongosProxy from = closes(MongosProxy.inFrontOf(source, List.of(), List.of()));
        MongoClient fromClient = closes(MongoClients.create(from.connectionString()));
        MongoClient toClient = closes(MongoClients.create(destinationUri));
        Map<Namespace, CollectionInfo> selected = Map.of(EVENTS, CollectionInfo.fromListCollections("app",
                BsonDocument.parse("{name: 'events', type: 'collection', options: {}}")));
        ShardingPlan plan = ShardingPlan.make(Sharding.NONE, fromClient, toClient, selected);
        assertThat(plan.of(EVENTS)).as("unsharded at the start").isNull();
        from.shardedMeanwhile(CONFIG_ENTRY);

        MigrationSpec spec = MigrationSpec.builder().migrationId("late").source(from.connectionString()).destination(destinationUri).build();
        RunContext run = new RunContext(spec, new Connections(null, fromClient, toClient, null, null), new MetadataStore(toClient),
                new Selection(NamespaceMapper.of(spec), selected, Map.of(EVENTS, EVENTS), List.of(), plan), null);
        IndexBuilds builds = closes(new IndexBuilds("late", run.retries(), e -> { }));
        new DdlApplier(run, new SyncTargets(run), new CatalogChanges(), builds)
                .apply(ChangeEvent.parse("cluster", 0, RawBsonDocument.parse(EVENT), null, false), EVENTS);
        return plan;
    }

    private <T extends AutoCloseable> T closes(T c) {
        closing.add(0, c);
        return c;
    }
}
