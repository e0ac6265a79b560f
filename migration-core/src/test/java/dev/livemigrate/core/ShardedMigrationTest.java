package dev.livemigrate.core;

import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import dev.livemigrate.ConfigurationException;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.MigrationReport;
import dev.livemigrate.MigrationSession;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.MigrationState;
import dev.livemigrate.Migrations;
import dev.livemigrate.Namespace;
import dev.livemigrate.Sharding;
import dev.livemigrate.ValidationReport;
import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.core.testing.MongosProxy;
import dev.livemigrate.core.testing.Sessions;
import dev.livemigrate.core.testing.WireProxy;
import org.bson.BsonDocument;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.livemigrate.core.testing.DataAssertions.assertSameDocuments;
import static dev.livemigrate.core.testing.DataAssertions.indexes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Whole migrations through the public API between "sharded clusters": {@link MongosProxy}s in front of embedded
 * servers answer as mongos ({@code hello} with {@code msg: "isdbgrid"}, {@code listShards}, the {@code config}
 * collections in MongoDB's shapes) and acknowledge {@code enableSharding} and {@code shardCollection}; what the
 * engine sends is read off the wire. The data itself lives on the embedded servers, so it is compared byte for byte.
 *
 * <p>{@code config.collections} and {@code config.chunks} documents: MongoDB 5.0+ shape, fields of the server's
 * CollectionType (src/mongo/s/catalog/type_collection.idl in mongodb/mongo) and the example entry in DOCS-14450
 * (https://jira.mongodb.org/browse/DOCS-14450: {@code _id, lastmodEpoch, lastmod, timestamp, uuid, key, unique,
 * noBalance}); chunks by {@code uuid} as in the same ticket and the manual's config database page.
 * {@code config.system.sessions} is sharded on every cluster and must be left alone.
 */
class ShardedMigrationTest {

    private static final Namespace ORDERS = Namespace.parse("shop.orders");
    private static final Namespace CUSTOMERS = Namespace.parse("shop.customers");
    private static final Namespace NOTES = Namespace.parse("shop.notes");
    private static final Namespace ORDERS_TARGET = Namespace.parse("archive.orders2");
    private static final String ORDERS_UUID = "{$binary: {base64: 'yI6SN66LRS6diby8qqdj2w==', subType: '04'}}";
    private static final String CUSTOMERS_UUID = "{$binary: {base64: 'wCXQOeYmQ16y0sHUNgOAQQ==', subType: '04'}}";
    private static final String FRENCH = "{locale: 'fr', caseLevel: false, caseFirst: 'off', strength: 2, numericOrdering: false,"
            + " alternate: 'non-ignorable', maxVariable: 'punct', normalization: false, backwards: false, version: '57.1'}";

    private static final List<BsonDocument> CONFIG_COLLECTIONS = List.of(
            BsonDocument.parse("{_id: 'config.system.sessions', lastmodEpoch: {$oid: '60f989a2430bfdd95d8cfa10'},"
                    + " lastmod: {$date: '2021-07-22T15:07:14.301Z'}, timestamp: {$timestamp: {t: 1626966434, i: 1}},"
                    + " uuid: {$binary: {base64: 'AAECAwQFBgcICQoLDA0ODw==', subType: '04'}}, key: {_id: 1}, unique: false, noBalance: false}"),
            BsonDocument.parse("{_id: 'shop.orders', lastmodEpoch: {$oid: '60f989a2430bfdd95d8cfa20'},"
                    + " lastmod: {$date: '2021-07-22T15:07:14.301Z'}, timestamp: {$timestamp: {t: 1626966434, i: 13}},"
                    + " uuid: " + ORDERS_UUID + ", key: {region: 1, _id: 1}, defaultCollation: " + FRENCH + ","
                    + " unique: true, noBalance: false}"),
            BsonDocument.parse("{_id: 'shop.customers', lastmodEpoch: {$oid: '60f989a2430bfdd95d8cfa21'},"
                    + " lastmod: {$date: '2021-07-22T15:07:15.301Z'}, timestamp: {$timestamp: {t: 1626966435, i: 2}},"
                    + " uuid: " + CUSTOMERS_UUID + ", key: {customerId: 'hashed'}, unique: false, noBalance: false}"));
    private static final List<BsonDocument> CONFIG_CHUNKS = List.of(
            BsonDocument.parse("{_id: {$oid: '63a5537d7c71b9f73c26d76a'}, uuid: " + ORDERS_UUID + ", min: {region: {$minKey: 1},"
                    + " _id: {$minKey: 1}}, max: {region: 'm', _id: {$minKey: 1}}, shard: 'shard01',"
                    + " lastmod: {$timestamp: {t: 2, i: 0}}, history: [{validAfter: {$timestamp: {t: 1626966434, i: 14}}, shard: 'shard01'}]}"),
            BsonDocument.parse("{_id: {$oid: '63a5537d7c71b9f73c26d76b'}, uuid: " + ORDERS_UUID + ", min: {region: 'm',"
                    + " _id: {$minKey: 1}}, max: {region: {$maxKey: 1}, _id: {$maxKey: 1}}, shard: 'shard02',"
                    + " lastmod: {$timestamp: {t: 2, i: 1}}, history: [{validAfter: {$timestamp: {t: 1626966440, i: 3}}, shard: 'shard02'}]}"),
            BsonDocument.parse("{_id: {$oid: '63a5537d7c71b9f73c26d76c'}, uuid: " + CUSTOMERS_UUID + ", min: {customerId: {$minKey: 1}},"
                    + " max: {customerId: {$maxKey: 1}}, shard: 'shard02', lastmod: {$timestamp: {t: 1, i: 0}},"
                    + " history: [{validAfter: {$timestamp: {t: 1626966435, i: 3}}, shard: 'shard02'}]}"));

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    private final List<MongosProxy> proxies = new ArrayList<>();

    @AfterEach
    void closeProxies() {
        proxies.forEach(MongosProxy::close);
    }

    @Test
    void aShardedSourceIsShardedAlikeOnAShardedDestinationBeforeItsFirstDocumentArrives() {
        seed();
        MongosProxy from = proxy(MongosProxy.inFrontOf(source, CONFIG_COLLECTIONS, CONFIG_CHUNKS).withShardKeyInEvents("region", "customerId"));
        MongosProxy to = proxy(MongosProxy.empty(destination)); // buildInfo 5.0.0: enableSharding still needed

        MigrationReport report;
        try (MigrationSession session = Migrations.start(spec("sharded-live", from, to).rename("shop.orders", "archive.orders2").build())) {
            Sessions.awaitState(session, MigrationState.READY_TO_CUTOVER);
            source.client().getDatabase("shop").getCollection("orders").insertOne(new Document("_id", 100).append("region", "us"));
            source.client().getDatabase("shop").getCollection("orders").updateOne(new Document("_id", 4), new Document("$set",
                    new Document("total", 99.5)));
            source.client().getDatabase("shop").getCollection("customers").deleteOne(new Document("_id", 3));
            report = session.cutover(false);
        }

        assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
        List<WireProxy.Command> sent = to.commands();
        int shardOrders = indexOf(sent, "shardCollection", "archive.orders2");
        assertThat(sentCommand(sent.get(shardOrders).body())).isEqualTo(BsonDocument.parse("{shardCollection: 'archive.orders2',"
                + " key: {region: 1, _id: 1}, unique: true, collation: {locale: 'simple'}}"));
        assertThat(indexOf(sent, "enableSharding", "archive")).isLessThan(shardOrders);
        int supporting = indexOf(sent, "createIndexes", "orders2");
        assertThat(sent.get(supporting).body().getArray("indexes")).containsExactly(BsonDocument.parse(
                "{key: {region: 1, _id: 1}, name: 'region_1__id_1', unique: true, collation: {locale: 'simple'}}"));
        assertThat(supporting).isLessThan(shardOrders);
        assertThat(shardOrders).as("sharded before the copy's first insert").isLessThan(indexOf(sent, "insert", "orders2"));

        // spread over the destination's two shards along the source's chunk boundary before the copy
        int split = indexOf(sent, "split", "archive.orders2");
        assertThat(sentCommand(sent.get(split).body())).isEqualTo(BsonDocument.parse(
                "{split: 'archive.orders2', middle: {region: 'm', _id: {$minKey: 1}}}"));
        assertThat(sent).filteredOn(c -> c.name().equals("moveChunk")).extracting(c -> sentCommand(c.body())).containsExactly(
                BsonDocument.parse("{moveChunk: 'archive.orders2', bounds: [{region: {$minKey: 1}, _id: {$minKey: 1}},"
                        + " {region: 'm', _id: {$minKey: 1}}], to: 'shard01'}"),
                BsonDocument.parse("{moveChunk: 'archive.orders2', bounds: [{region: 'm', _id: {$minKey: 1}},"
                        + " {region: {$maxKey: 1}, _id: {$maxKey: 1}}], to: 'shard02'}"));
        assertThat(shardOrders).isLessThan(split);
        assertThat(indexOf(sent, "moveChunk", "archive.orders2")).isLessThan(indexOf(sent, "insert", "orders2"));
        assertThat(sent).filteredOn(c -> c.name().equals("split")).hasSize(1); // not the hashed customers

        int shardCustomers = indexOf(sent, "shardCollection", "shop.customers");
        assertThat(sentCommand(sent.get(shardCustomers).body())).isEqualTo(BsonDocument.parse(
                "{shardCollection: 'shop.customers', key: {customerId: 'hashed'}, unique: false}"));
        assertThat(shardCustomers).isLessThan(indexOf(sent, "insert", "customers"));
        assertThat(sent).filteredOn(c -> c.name().equals("shardCollection")).hasSize(2); // not notes, not config.system.sessions

        assertThat(from.commands("find")).filteredOn(c -> "config".equals(c.database()) && c.body().getString("find").getValue().equals("chunks"))
                .extracting(c -> c.body().getDocument("filter"))
                .containsExactlyInAnyOrder(BsonDocument.parse("{uuid: " + ORDERS_UUID + "}"), BsonDocument.parse("{uuid: " + CUSTOMERS_UUID + "}"));
        // the changes made while syncing are written by their whole key, the shard key included (a replace is a delete
        // and an insert on this destination, whose replace keeps the old field order)
        assertThat(to.commands("delete").stream().filter(c -> c.body().getString("delete").getValue().equals("orders2"))
                .flatMap(c -> c.documents().stream()).map(d -> new RawBsonDocument(d).getDocument("q")).toList())
                .contains(BsonDocument.parse("{region: 'us', _id: 100}"), BsonDocument.parse("{region: 'eu', _id: 4}"));
        assertSameDocuments(source.client(), ORDERS, destination.client(), ORDERS_TARGET);
        assertSameDocuments(source.client(), CUSTOMERS, destination.client(), CUSTOMERS);
        assertSameDocuments(source.client(), NOTES, destination.client(), NOTES);
        assertThat(indexes(destination.client(), ORDERS_TARGET)).containsOnlyKeys("_id_", "region_1__id_1") // built once, unique
                .extractingByKey("region_1__id_1").satisfies(i -> assertThat(i.getBoolean("unique").getValue()).isTrue());
        assertThat(report.sharding()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "archive.orders2", "sharded on {\"region\": 1, \"_id\": 1}, unique, simple collation as on the source",
                "shop.customers", "sharded on {\"customerId\": \"hashed\"} as on the source"));
    }

    @Test
    void theCopyOfACollectionShardedOnOneFieldReadsItChunkRangeByChunkRangeAcrossTypesAndMissingKeys() {
        var items = source.client().getDatabase("shop").getCollection("items");
        for (int i = 0; i < 100; i++) {
            items.insertOne(new Document("_id", i).append("sku", i).append("pad", "x".repeat(64)));
            items.insertOne(new Document("_id", 1000 + i).append("sku", String.format("s%03d", i)).append("pad", "y".repeat(64)));
        }
        for (int i = 0; i < 10; i++) {
            items.insertOne(new Document("_id", 2000 + i).append("pad", "no sku: sharded as null"));
            items.insertOne(new Document("_id", 3000 + i).append("sku", null));
        }
        items.createIndex(Indexes.ascending("sku"));
        // four chunks over two shards, their boundaries across numbers and strings (5.0+ shapes, as above)
        String uuid = "{$binary: {base64: 'q83vASNFZ4mrze8BI0VniQ==', subType: '04'}}";
        List<BsonDocument> collections = List.of(BsonDocument.parse("{_id: 'shop.items', lastmodEpoch: {$oid: '60f989a2430bfdd95d8cfa30'},"
                + " lastmod: {$date: '2021-07-22T15:07:16.301Z'}, timestamp: {$timestamp: {t: 1626966436, i: 1}}, uuid: " + uuid + ","
                + " key: {sku: 1}, unique: false, noBalance: false}"));
        List<BsonDocument> chunks = List.of(
                chunk(uuid, "{$minKey: 1}", "50", "shard01", 1), chunk(uuid, "50", "'s040'", "shard02", 2),
                chunk(uuid, "'s040'", "'s060'", "shard01", 3), chunk(uuid, "'s060'", "{$maxKey: 1}", "shard02", 4));
        MongosProxy from = proxy(MongosProxy.inFrontOf(source, collections, chunks));

        MigrationReport report = Migrations.run(spec("chunk-ranges", from.connectionString(), destination.connectionString())
                .continuousSync(false).partitionSizeBytes(4 * 1024).build(), Duration.ofMinutes(1));

        assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
        assertThat(from.commands("find")).filteredOn(c -> c.body().getString("find").getValue().equals("items"))
                .extracting(c -> c.body().getDocument("filter", new BsonDocument()))
                .contains(BsonDocument.parse("{sku: {$type: [1, 16, 18, 19], $not: {$gte: 50}}}"),
                        BsonDocument.parse("{sku: {$type: [1, 16, 18, 19], $gte: 50}}"),
                        BsonDocument.parse("{sku: {$gte: '', $not: {$gte: 's040'}}}"),
                        BsonDocument.parse("{sku: {$gte: 's040', $not: {$gte: 's060'}}}"),
                        BsonDocument.parse("{sku: {$gte: 's060'}}"),
                        BsonDocument.parse("{sku: {$eq: null}}"));
        assertThat(from.commands("aggregate")).as("no $sample of ids to plan the copy")
                .noneMatch(c -> c.body().getArray("pipeline").toString().contains("$sample"));
        assertThat(report.copiedDocuments()).as("every document copied once").isEqualTo(220);
        assertSameDocuments(source.client(), Namespace.parse("shop.items"), destination.client(), Namespace.parse("shop.items"));
    }

    @Test
    void aCollectionShardedOnTheSourceAfterTheStartIsShardedAlikeOnTheDestinationBeforeItsDocumentsArrive() {
        seed();
        MongosProxy from = proxy(MongosProxy.inFrontOf(source, CONFIG_COLLECTIONS, CONFIG_CHUNKS).withShardKeyInEvents("region", "customerId"));
        MongosProxy to = proxy(MongosProxy.empty(destination, 7, 0, 2));
        Namespace devices = Namespace.parse("shop.devices");

        MigrationReport report;
        try (MigrationSession session = Migrations.start(spec("sharded-late", from, to).build())) {
            Sessions.awaitState(session, MigrationState.READY_TO_CUTOVER);
            // shardCollection of a collection that does not exist yet creates it (5.0+ shape, as above)
            from.shardedMeanwhile(BsonDocument.parse("{_id: 'shop.devices', lastmodEpoch: {$oid: '60f989a2430bfdd95d8cfa40'},"
                    + " lastmod: {$date: '2021-07-22T15:09:14.301Z'}, timestamp: {$timestamp: {t: 1626966554, i: 1}},"
                    + " uuid: {$binary: {base64: 'ESIzRFVmd4iZqrvM3e7/AA==', subType: '04'}}, key: {device: 1}, unique: false, noBalance: false}"));
            var collection = source.client().getDatabase("shop").getCollection("devices");
            collection.createIndex(Indexes.ascending("device"));
            for (int i = 0; i < 20; i++) {
                collection.insertOne(new Document("_id", i).append("device", "d" + i));
            }
            report = session.cutover(false);
        }

        assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
        List<WireProxy.Command> sent = to.commands();
        int shard = indexOf(sent, "shardCollection", "shop.devices");
        assertThat(sentCommand(sent.get(shard).body())).isEqualTo(BsonDocument.parse("{shardCollection: 'shop.devices', key: {device: 1}, unique: false}"));
        assertThat(shard).as("sharded before its first document arrives").isLessThan(indexOf(sent, "insert", "devices"));
        assertThat(report.sharding()).containsEntry("shop.devices", "sharded on {\"device\": 1} as on the source (sharded there during the migration)");
        assertSameDocuments(source.client(), devices, destination.client(), devices);
    }

    @Test
    void aCutoverThroughMongosBlocksWritesThereAndDrainsToAPointThatCoversEveryShard() {
        seed();
        MongosProxy from = proxy(MongosProxy.inFrontOf(source, CONFIG_COLLECTIONS, CONFIG_CHUNKS).withShardKeyInEvents("region", "customerId"));
        MongosProxy to = proxy(MongosProxy.empty(destination, 7, 0, 2));

        MigrationReport report;
        try (MigrationSession session = Migrations.start(spec("sharded-cutover", from, to).build())) {
            Sessions.awaitState(session, MigrationState.READY_TO_CUTOVER);
            source.client().getDatabase("shop").getCollection("orders").insertOne(new Document("_id", 200).append("region", "eu"));
            source.client().getDatabase("shop").getCollection("notes").insertOne(new Document("_id", 200).append("author", "z"));
            report = session.cutover(true);
        }

        assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
        List<String> sent = from.commands().stream().map(WireProxy.Command::name).toList();
        int block = sent.indexOf("setUserWriteBlockMode");
        assertThat(sentCommand(from.commands("setUserWriteBlockMode").get(0).body()))
                .isEqualTo(BsonDocument.parse("{setUserWriteBlockMode: 1, global: true}"));
        assertThat(block).as("writes blocked on the mongos before the cut point is taken").isLessThan(sent.indexOf("appendOplogNote"));
        assertThat(report.cutoverPoint()).endsWith("by appendOplogNote on every shard (mongos)");
        assertSameDocuments(source.client(), ORDERS, destination.client(), ORDERS);
        assertSameDocuments(source.client(), NOTES, destination.client(), NOTES);
        assertSameDocuments(source.client(), CUSTOMERS, destination.client(), CUSTOMERS);
    }

    @Test
    void aReplicaSetIsShardedOnTheDestinationAsTheShardingEntryAsks() {
        seed();
        MongosProxy to = proxy(MongosProxy.empty(destination, 7, 0, 2)); // 6.0+: no enableSharding
        Sharding sharding = Sharding.fromDocument(BsonDocument.parse("{createSupportingIndexes: true, shardingEntries: [{database: 'shop',"
                + " collection: 'notes', shardCollection: {key: [{author: 1}, {_id: 1}]}}]}"));

        MigrationReport report = Migrations.run(MigrationSpec.builder().migrationId("rs-to-sharded").source(source.connectionString())
                .destination(to.connectionString()).rename("shop.notes", "archive.notes").sharding(sharding)
                .continuousSync(false).build(), Duration.ofMinutes(1));

        assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
        List<WireProxy.Command> sent = to.commands();
        assertThat(to.commands("enableSharding")).isEmpty();
        int shard = indexOf(sent, "shardCollection", "archive.notes");
        assertThat(sentCommand(sent.get(shard).body())).isEqualTo(BsonDocument.parse(
                "{shardCollection: 'archive.notes', key: {author: 1, _id: 1}, unique: false}"));
        int supporting = indexOf(sent, "createIndexes", "notes");
        assertThat(sent.get(supporting).body().getArray("indexes"))
                .containsExactly(BsonDocument.parse("{key: {author: 1, _id: 1}, name: 'author_1__id_1'}"));
        assertThat(supporting).isLessThan(shard);
        assertThat(shard).isLessThan(indexOf(sent, "insert", "notes"));
        assertThat(to.commands("shardCollection")).hasSize(1);
        assertSameDocuments(source.client(), NOTES, destination.client(), Namespace.parse("archive.notes"));
        assertThat(report.sharding()).containsExactly(Map.entry("archive.notes", "sharded on {\"author\": 1, \"_id\": 1} as the sharding entry asks"));
    }

    @Test
    void aShardedSourceArrivesUnshardedOnAReplicaSetAndTheReportSaysSo() {
        seed();
        MongosProxy from = proxy(MongosProxy.inFrontOf(source, CONFIG_COLLECTIONS, CONFIG_CHUNKS));

        MigrationReport report = Migrations.run(MigrationSpec.builder().migrationId("sharded-to-rs").source(from.connectionString())
                .destination(destination.connectionString()).continuousSync(false).build(), Duration.ofMinutes(1));

        assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
        assertSameDocuments(source.client(), ORDERS, destination.client(), ORDERS);
        assertSameDocuments(source.client(), CUSTOMERS, destination.client(), CUSTOMERS);
        assertThat(report.sharding()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "shop.orders", "unsharded: the destination is not a sharded cluster (sharded on the source on {\"region\": 1, \"_id\": 1})",
                "shop.customers", "unsharded: the destination is not a sharded cluster (sharded on the source on {\"customerId\": \"hashed\"})"));
        assertThat(report.toJson()).contains("\"sharding\": {\"shop.customers\": \"unsharded: the destination is not a sharded cluster");
    }

    @Test
    void badShardingEntriesAreRefusedNamingTheEntryBeforeAnythingIsWritten() {
        seed();
        MongosProxy to = proxy(MongosProxy.empty(destination));
        MigrationSpec.Builder missing = spec("bad-1", source.connectionString(), to.connectionString())
                .sharding(Sharding.of(true, List.of(Sharding.parseEntry("shop.missing={\"k\": 1}"))));
        MigrationSpec.Builder unsupported = spec("bad-2", source.connectionString(), to.connectionString())
                .sharding(Sharding.of(false, List.of(Sharding.parseEntry("shop.notes={\"author\": 1}"))));
        MigrationSpec.Builder notSharded = spec("bad-3", source.connectionString(), destination.connectionString())
                .sharding(Sharding.of(true, List.of(Sharding.parseEntry("shop.notes={\"author\": 1}"))));

        assertRefused(missing, "[INVALID_SHARDING_ENTRY] sharding entry shop.missing={\"k\": 1}: the migration copies no collection"
                + " shop.missing (the source has none of that name, or the include and exclude rules leave it out); name a collection"
                + " the migration copies.");
        assertRefused(unsupported, "[INVALID_SHARDING_ENTRY] sharding entry shop.notes={\"author\": 1}: the source has no index on"
                + " shop.notes that supports the key; create one on the source, or set createSupportingIndexes to have it created on"
                + " the destination.");
        assertRefused(notSharded, "[INVALID_SHARDING_ENTRY] sharding entry shop.notes={\"author\": 1}: the destination is not a"
                + " sharded cluster (it does not answer hello as a mongos); point the destination at a mongos of a sharded cluster,"
                + " or remove the sharding entries.");
        assertThat(destination.client().listDatabaseNames().into(new ArrayList<>())).as("only the oplog's database").containsExactly("local");
        assertThat(to.commands()).extracting(WireProxy.Command::name)
                .doesNotContainAnyElementsOf(Set.of("insert", "create", "createIndexes", "enableSharding", "shardCollection", "update"));
    }

    @Test
    void aSourceWhoseShardingMetadataTheUserMayNotReadIsRefusedWithTheRemedy() {
        seed();
        MongosProxy from = proxy(MongosProxy.inFrontOf(source, CONFIG_COLLECTIONS, CONFIG_CHUNKS).refusingConfigReads());

        assertThatThrownBy(() -> Migrations.start(spec("no-monitor", from.connectionString(), destination.connectionString()).build()))
                .isInstanceOfSatisfying(MigrationException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.SHARDING_METADATA_UNREADABLE))
                .hasMessage("[SHARDING_METADATA_UNREADABLE] the source is a sharded cluster whose shards and sharding metadata (listShards,"
                        + " config.collections, config.chunks) the migration's user may not read (not authorized on config to execute"
                        + " command { find: \"collections\" }): grant the user clusterMonitor on the source, beside readAnyDatabase and backup");
        assertThat(destination.client().listDatabaseNames().into(new ArrayList<>())).containsExactly("local");
    }

    @Test
    void validateReportsABadEntryAndAnUnreadableSourceAsFindingsWithTheirRemedies() {
        seed();
        MongosProxy to = proxy(MongosProxy.empty(destination));
        MongosProxy refusing = proxy(MongosProxy.inFrontOf(source, CONFIG_COLLECTIONS, CONFIG_CHUNKS).refusingConfigReads());

        ValidationReport entry = Migrations.validate(spec("check-1", source.connectionString(), to.connectionString())
                .sharding(Sharding.of(false, List.of(Sharding.parseEntry("shop.missing={\"k\": 1}")))).build());
        ValidationReport unreadable = Migrations.validate(spec("check-2", refusing.connectionString(), to.connectionString()).build());

        assertThat(entry.errors()).filteredOn(f -> f.code().equals("INVALID_SHARDING_ENTRY")).singleElement().satisfies(f -> {
            assertThat(f.message()).startsWith("[INVALID_SHARDING_ENTRY] sharding entry shop.missing={\"k\": 1}: the migration copies no");
            assertThat(f.remedy()).isEqualTo("correct or remove the sharding entry");
        });
        assertThat(unreadable.errors()).filteredOn(f -> f.code().equals("SHARDING_METADATA_UNREADABLE")).singleElement()
                .satisfies(f -> assertThat(f.remedy()).isEqualTo("grant the migration's user clusterMonitor on the source"));
    }

    private void assertRefused(MigrationSpec.Builder spec, String message) {
        assertThatThrownBy(() -> Migrations.start(spec.build()))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_SHARDING_ENTRY))
                .hasMessage(message);
    }

    private void seed() {
        var shop = source.client().getDatabase("shop");
        for (int i = 0; i < 30; i++) {
            shop.getCollection("orders").insertOne(new Document("_id", i).append("region", i % 2 == 0 ? "eu" : "us").append("total", i * 1.5));
            shop.getCollection("customers").insertOne(new Document("_id", i).append("customerId", "c" + i));
            shop.getCollection("notes").insertOne(new Document("_id", i).append("author", "a" + (i % 3)));
        }
        // the indexes that support the shard keys on the source (a sharded collection always has one)
        shop.getCollection("orders").createIndex(Indexes.ascending("region", "_id"), new IndexOptions().unique(true));
        shop.getCollection("customers").createIndex(Indexes.hashed("customerId"));
    }

    /** A config.chunks document (5.0+: by collection uuid) of a collection sharded on {@code sku}. */
    private static BsonDocument chunk(String uuid, String min, String max, String shard, int version) {
        return BsonDocument.parse("{_id: {$oid: '63a5537d7c71b9f73c26d77" + version + "'}, uuid: " + uuid + ", min: {sku: " + min + "},"
                + " max: {sku: " + max + "}, shard: '" + shard + "', lastmod: {$timestamp: {t: 1, i: " + version + "}},"
                + " history: [{validAfter: {$timestamp: {t: 1626966436, i: 2}}, shard: '" + shard + "'}]}");
    }

    private MongosProxy proxy(MongosProxy p) {
        proxies.add(p);
        return p;
    }

    private static MigrationSpec.Builder spec(String id, MongosProxy from, MongosProxy to) {
        return spec(id, from.connectionString(), to.connectionString());
    }

    private static MigrationSpec.Builder spec(String id, String from, String to) {
        return MigrationSpec.builder().migrationId(id).source(from).destination(to).lagThreshold(Duration.ofSeconds(5));
    }

    /** The first command of this name whose first value names {@code target} (a namespace or collection). */
    private static int indexOf(List<WireProxy.Command> commands, String name, String target) {
        for (int i = 0; i < commands.size(); i++) {
            WireProxy.Command c = commands.get(i);
            if (c.name().equals(name) && c.body().get(name).isString() && c.body().getString(name).getValue().equals(target)) {
                return i;
            }
        }
        throw new AssertionError("no " + name + " of " + target + " among " + commands.stream().map(WireProxy.Command::name).toList());
    }

    /** A command as sent, less what the driver adds ({@code $db}, {@code lsid}, {@code $clusterTime}, ...); it went to admin. */
    private static BsonDocument sentCommand(BsonDocument body) {
        assertThat(body.getString("$db").getValue()).isEqualTo("admin");
        BsonDocument command = new BsonDocument();
        body.forEach((k, v) -> {
            if (!k.startsWith("$") && !k.equals("lsid")) {
                command.put(k, v);
            }
        });
        return command;
    }
}
