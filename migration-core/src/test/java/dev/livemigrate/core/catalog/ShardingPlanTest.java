package dev.livemigrate.core.catalog;

import dev.livemigrate.ConfigurationException;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.Namespace;
import dev.livemigrate.Sharding;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Reading a sharded cluster's topology and catalog from replies in MongoDB's shapes, and deciding how each
 * destination collection is sharded. Each reply cites where its shape comes from.
 */
class ShardingPlanTest {

    /*
     * hello from a mongos and from a replica-set member, https://www.mongodb.com/docs/manual/reference/command/hello/
     * ("Sharded Instances": msg "isdbgrid"; "Replica Sets": setName, hosts, ... and no msg).
     */
    private static final String MONGOS_HELLO = "{isWritablePrimary: true, msg: 'isdbgrid', maxBsonObjectSize: 16777216,"
            + " maxMessageSizeBytes: 48000000, maxWriteBatchSize: 100000, localTime: {$date: '2026-12-01T10:00:00Z'},"
            + " logicalSessionTimeoutMinutes: 30, connectionId: 7, minWireVersion: 0, maxWireVersion: 21, readOnly: false, ok: 1}";
    private static final String PRIMARY_HELLO = "{isWritablePrimary: true, hosts: ['a:27017', 'b:27017'], setName: 'rs0',"
            + " setVersion: 1, secondary: false, primary: 'a:27017', me: 'a:27017', maxWireVersion: 21, ok: 1}";
    /* listShards, the manual's example output: https://www.mongodb.com/docs/manual/reference/command/listShards/ */
    private static final String LIST_SHARDS = "{shards: [{_id: 'shard01', host: 'shard01/host1:27018,host2:27018,host3:27018', state: 1},"
            + " {_id: 'shard02', host: 'shard02/host4:27018,host5:27018,host6:27018', tags: ['NYC'], state: 1},"
            + " {_id: 'shard03', host: 'shard03/host7:27018,host8:27018,host9:27018', state: 1}], ok: 1,"
            + " $clusterTime: {clusterTime: {$timestamp: {t: 1510716515, i: 1}}, signature: {hash: {$binary: {base64:"
            + " 'B2ViX7XLzFLS5Fl9XEuFXbwKIM4=', subType: '00'}}, keyId: {$numberLong: '6488045157173166092'}}},"
            + " operationTime: {$timestamp: {t: 1510716515, i: 1}}}";
    /*
     * config.collections from 5.0: DOCS-14450's example entry (https://jira.mongodb.org/browse/DOCS-14450), with the
     * optional defaultCollation of CollectionType (src/mongo/s/catalog/type_collection.idl in mongodb/mongo).
     */
    private static final String COLLECTION_50 = "{_id: 'nameOfTheDatabase.nameOfTheCollection', lastmodEpoch: {$oid:"
            + " '60f989a2430bfdd95d8cfa20'}, lastmod: {$date: '2021-07-22T15:07:14.301Z'}, timestamp: {$timestamp: {t: 1626966434,"
            + " i: 13}}, uuid: {$binary: {base64: 'yI6SN66LRS6diby8qqdj2w==', subType: '04'}}, key: {num: 1}, unique: false,"
            + " noBalance: false, defaultCollation: {locale: 'fr', strength: 2, version: '57.1'}}";
    /*
     * config.collections before 5.0: the fields of the 5.0 entry less timestamp (which 5.0 added; an entry without
     * it has its chunks by ns, MONGOSH-1179, https://jira.mongodb.org/browse/MONGOSH-1179), with dropped: false as
     * 4.x wrote it; a dropped collection's entry as SERVER-22247 (https://jira.mongodb.org/browse/SERVER-22247)
     * quotes one: {_id: "dbname.collname", lastmod: new Date(1369013796), dropped: true}.
     */
    private static final String COLLECTION_44 = "{_id: 'records.pets', lastmodEpoch: {$oid: '5f1b0b6c3b1c2e0f9c6d1a2b'},"
            + " lastmod: {$date: '2020-07-24T16:12:28.421Z'}, dropped: false, key: {a: 1}, unique: true,"
            + " uuid: {$binary: {base64: 'pN5u3mf1Qv6A2jzQj3o7nA==', subType: '04'}}}";
    private static final String DROPPED_44 = "{_id: 'dbname.collname', lastmod: {$date: 1369013796}, dropped: true}";
    private static final String SESSIONS = "{_id: 'config.system.sessions', lastmodEpoch: {$oid: '5f1b0b6c3b1c2e0f9c6d1a20'},"
            + " lastmod: {$date: '2020-07-24T16:12:28.421Z'}, dropped: false, key: {_id: 1}, unique: false,"
            + " uuid: {$binary: {base64: 'AAECAwQFBgcICQoLDA0ODw==', subType: '04'}}}";
    /*
     * config.chunks before 5.0, the manual's config database page example before 5.0 (ns "mydb.foo" and lastmodEpoch
     * ObjectId("5d8aa9fbe7a2f52c300e8e6f"), as DOCS-14450 quotes them); from 5.0 ns is replaced by uuid and
     * lastmodEpoch dropped (DOCS-14450), as in
     * https://www.mongodb.com/community/forums/t/understanding-sharding-chunks-further/206408.
     */
    private static final String CHUNK_44 = "{_id: 'mydb.foo-a_\"cat\"', lastmod: {$timestamp: {t: 2, i: 1}}, lastmodEpoch:"
            + " {$oid: '5d8aa9fbe7a2f52c300e8e6f'}, ns: 'mydb.foo', min: {animal: 'cat'}, max: {animal: 'dog'}, shard: 'shard0004',"
            + " history: [{validAfter: {$timestamp: {t: 1569368571, i: 27}}, shard: 'shard0004'}]}";
    private static final String CHUNK_50 = "{_id: {$oid: '63a5537d7c71b9f73c26d76a'}, uuid: {$binary: {base64:"
            + " 'uNGKaR9iQ3CY6eLDSccvLw==', subType: '04'}}, min: {'value.id': {$numberLong: '-3006967400825036684'}}, max:"
            + " {'value.id': {$numberLong: '-3006947767359106207'}}, shard: 'mongos-01-shard-02', lastmod: {$timestamp: {t: 89, i: 1}},"
            + " jumbo: true, history: [{validAfter: {$timestamp: {t: 1671689810, i: 6}}, shard: 'mongos-01-shard-02'}]}";

    private static final Namespace ORDERS = Namespace.parse("shop.orders");
    private static final Topology SHARDED_7 = new Topology(true, List.of(), 7);
    private static final Topology SHARDED_5 = new Topology(true, List.of(), 5);
    private static final Topology REPLICA_SET = new Topology(false, List.of(), 7);

    @Test
    void aMongosIsToldApartByItsHelloAndItsShardsAreListed() {
        assertThat(Topology.isMongos(BsonDocument.parse(MONGOS_HELLO))).isTrue();
        assertThat(Topology.isMongos(BsonDocument.parse(PRIMARY_HELLO))).isFalse();
        assertThat(Topology.shards(BsonDocument.parse(LIST_SHARDS))).containsExactly(
                new Topology.Shard("shard01", "shard01/host1:27018,host2:27018,host3:27018"),
                new Topology.Shard("shard02", "shard02/host4:27018,host5:27018,host6:27018"),
                new Topology.Shard("shard03", "shard03/host7:27018,host8:27018,host9:27018"));
        assertThat(Topology.majorVersion(BsonDocument.parse("{version: '5.0.21', versionArray: [5, 0, 21, 0], ok: 1}"))).isEqualTo(5);
        assertThat(SHARDED_5.needsEnableSharding()).isTrue();
        assertThat(new Topology(true, List.of(), 6).needsEnableSharding()).isFalse();
    }

    @Test
    void configCollectionsAreReadInBothShapesLeavingOutDroppedAndInternalOnes() {
        ShardedCollections.Info v50 = ShardedCollections.parse(BsonDocument.parse(COLLECTION_50)).orElseThrow();
        assertThat(v50.namespace()).isEqualTo(Namespace.parse("nameOfTheDatabase.nameOfTheCollection"));
        assertThat(v50.key()).isEqualTo(BsonDocument.parse("{num: 1}"));
        assertThat(v50.unique()).isFalse();
        assertThat(v50.collated()).isTrue();
        assertThat(v50.chunksByUuid()).isTrue();
        assertThat(ShardedCollections.chunkFilter(v50))
                .isEqualTo(BsonDocument.parse("{uuid: {$binary: {base64: 'yI6SN66LRS6diby8qqdj2w==', subType: '04'}}}"));

        ShardedCollections.Info v44 = ShardedCollections.parse(BsonDocument.parse(COLLECTION_44)).orElseThrow();
        assertThat(v44.unique()).isTrue();
        assertThat(v44.collated()).isFalse();
        assertThat(v44.chunksByUuid()).isFalse();
        assertThat(ShardedCollections.chunkFilter(v44)).isEqualTo(BsonDocument.parse("{ns: 'records.pets'}"));

        assertThat(ShardedCollections.parse(BsonDocument.parse(DROPPED_44))).isEmpty();
        assertThat(ShardedCollections.parse(BsonDocument.parse(SESSIONS))).isEmpty();
    }

    @Test
    void chunksAreReadInBothShapes() {
        assertThat(ShardedCollections.chunk(BsonDocument.parse(CHUNK_44))).isEqualTo(new ShardedCollections.Chunk(
                BsonDocument.parse("{animal: 'cat'}"), BsonDocument.parse("{animal: 'dog'}"), "shard0004"));
        assertThat(ShardedCollections.chunk(BsonDocument.parse(CHUNK_50))).isEqualTo(new ShardedCollections.Chunk(
                BsonDocument.parse("{'value.id': {$numberLong: '-3006967400825036684'}}"),
                BsonDocument.parse("{'value.id': {$numberLong: '-3006947767359106207'}}"), "mongos-01-shard-02"));
    }

    @Test
    void aSourceShardedCollectionIsShardedAlikeWithItsSupportingIndexOrArrivesUnshardedOnAReplicaSet() {
        Map<Namespace, ShardedCollections.Info> sharded = Map.of(ORDERS, new ShardedCollections.Info(ORDERS,
                BsonDocument.parse("{region: 1, _id: 1}"), true, BsonDocument.parse("{locale: 'fr'}"), null, true));
        List<BsonDocument> indexes = List.of(BsonDocument.parse("{v: 2, key: {_id: 1}, name: '_id_'}"),
                BsonDocument.parse("{v: 2, key: {region: 1}, name: 'region_1', sparse: true}"),
                BsonDocument.parse("{v: 2, key: {region: 1, _id: 1, day: -1}, name: 'r_i_d', unique: true}"));

        ShardingPlan plan = ShardingPlan.plan(Sharding.NONE, sharded, SHARDED_5, selected("collection", "{}"), ns -> indexes);

        ShardingPlan.ShardKey key = plan.of(ORDERS);
        assertThat(plan.enableShardingFirst()).isTrue();
        assertThat(key.supportingIndex()).as("the sparse one cannot support a shard key")
                .isEqualTo(BsonDocument.parse("{key: {region: 1, _id: 1, day: -1}, name: 'r_i_d', unique: true, collation: {locale: 'simple'}}"));
        assertThat(key.shardCollection(Namespace.parse("archive.orders"))).isEqualTo(BsonDocument.parse(
                "{shardCollection: 'archive.orders', key: {region: 1, _id: 1}, unique: true, collation: {locale: 'simple'}}"));
        assertThat(plan.supportingIndexName(ORDERS)).isEqualTo("r_i_d");
        assertThat(plan.report(Map.of(ORDERS, Namespace.parse("archive.orders")))).containsExactly(
                Map.entry("archive.orders", "sharded on {\"region\": 1, \"_id\": 1}, unique, simple collation as on the source"));

        ShardingPlan toReplicaSet = ShardingPlan.plan(Sharding.NONE, sharded, REPLICA_SET, selected("collection", "{}"), ns -> indexes);
        assertThat(toReplicaSet.keys()).isEmpty();
        assertThat(toReplicaSet.report(Map.of(ORDERS, ORDERS))).containsExactly(Map.entry("shop.orders",
                "unsharded: the destination is not a sharded cluster (sharded on the source on {\"region\": 1, \"_id\": 1})"));
        assertThat(ShardingPlan.plan(Sharding.NONE, Map.of(), REPLICA_SET, selected("collection", "{}"), ns -> indexes))
                .isSameAs(ShardingPlan.NONE);
    }

    @Test
    void anEntryShardsAReplicaSetCollectionAndWinsOverTheSourceKey() {
        Sharding hashed = Sharding.of(true, List.of(Sharding.parseEntry("shop.orders={\"customer\": \"hashed\"}")));
        Map<Namespace, ShardedCollections.Info> sharded = Map.of(ORDERS, new ShardedCollections.Info(ORDERS,
                BsonDocument.parse("{region: 1}"), false, new BsonDocument(), null, true));

        ShardingPlan plan = ShardingPlan.plan(hashed, sharded, SHARDED_7, selected("collection", "{collation: {locale: 'de'}}"), ns -> List.of());

        assertThat(plan.enableShardingFirst()).isFalse();
        assertThat(plan.of(ORDERS).supportingIndex()).as("made, since createSupportingIndexes is set")
                .isEqualTo(BsonDocument.parse("{key: {customer: 'hashed'}, name: 'customer_hashed', collation: {locale: 'simple'}}"));
        assertThat(plan.of(ORDERS).shardCollection(ORDERS)).isEqualTo(BsonDocument.parse(
                "{shardCollection: 'shop.orders', key: {customer: 'hashed'}, unique: false, collation: {locale: 'simple'}}"));
        Sharding onId = Sharding.of(false, List.of(Sharding.parseEntry("shop.orders={\"_id\": 1}")));
        assertThat(ShardingPlan.plan(onId, Map.of(), SHARDED_7, selected("collection", "{}"), ns -> List.of()).of(ORDERS).supportingIndex())
                .as("the _id index supports it: nothing to build").isEmpty();
    }

    @Test
    void anEntryForAViewACappedOrATimeSeriesCollectionIsRefusedNamingIt() {
        Sharding entry = Sharding.of(true, List.of(Sharding.parseEntry("shop.orders={\"k\": 1}")));
        assertRefused(() -> ShardingPlan.plan(entry, Map.of(), SHARDED_7, selected("view", "{viewOn: 'x', pipeline: []}"), ns -> List.of()),
                "shop.orders is a view, which the migration does not shard");
        assertRefused(() -> ShardingPlan.plan(entry, Map.of(), SHARDED_7, selected("collection", "{capped: true, size: 4096}"), ns -> List.of()),
                "shop.orders is a capped collection, which the migration does not shard");
        assertRefused(() -> ShardingPlan.plan(entry, Map.of(), SHARDED_7, selected("timeseries", "{timeseries: {timeField: 't'}}"),
                ns -> List.of()), "shop.orders is a time-series collection, which the migration does not shard");
    }

    private static void assertRefused(Runnable planning, String what) {
        assertThatThrownBy(planning::run)
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_SHARDING_ENTRY))
                .hasMessage("[INVALID_SHARDING_ENTRY] sharding entry shop.orders={\"k\": 1}: " + what + "; remove the entry; it arrives unsharded.");
    }

    private static Map<Namespace, CollectionInfo> selected(String type, String options) {
        Map<Namespace, CollectionInfo> selected = new LinkedHashMap<>();
        selected.put(ORDERS, new CollectionInfo(ORDERS, type, BsonDocument.parse(options)));
        return selected;
    }
}
