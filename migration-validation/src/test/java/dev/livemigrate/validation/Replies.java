package dev.livemigrate.validation;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

/**
 * Command replies in the shapes MongoDB sends them, each with the page or the server source it is taken
 * from. The figures (sizes, hosts, times) are the tests' own; the fields and their BSON types are MongoDB's:
 * a reply shaped to fit the code would let the code pass on something no server says.
 */
final class Replies {

    /*
     * isMaster / hello, MongoDB 7.0. https://www.mongodb.com/docs/manual/reference/command/hello/ ("All
     * Instances", "Replica Sets", "Sharded Instances"): every instance sends the size limits, localTime,
     * logicalSessionTimeoutMinutes, connectionId, the wire versions and readOnly; only a replica-set member sends
     * hosts, setName, setVersion, primary, me, electionId and lastWrite; a mongos adds msg "isdbgrid" and
     * nothing of a replica set, so it never says which router answered ("me").
     */
    private static final String ALL_INSTANCES = "maxBsonObjectSize: 16777216, maxMessageSizeBytes: 48000000,"
            + " maxWriteBatchSize: 100000, localTime: {$date: '2026-11-30T10:00:00Z'}, logicalSessionTimeoutMinutes: 30,"
            + " connectionId: 41, minWireVersion: 0, maxWireVersion: 21, readOnly: false, ok: 1.0";
    private static final String TOPOLOGY_VERSION = "topologyVersion: {processId: {$oid: '6567a1b2c3d4e5f601234567'},"
            + " counter: {$numberLong: '6'}}";

    static final String REPLICA_SET_PRIMARY = "{" + TOPOLOGY_VERSION + ", hosts: ['a:27017', 'b:27017', 'c:27017'],"
            + " setName: 'rs0', setVersion: 1, ismaster: true, secondary: false, primary: 'a:27017', me: 'a:27017',"
            + " electionId: {$oid: '7fffffff0000000000000003'}, lastWrite: {opTime: {ts: {$timestamp: {t: 1764496800, i: 1}},"
            + " t: {$numberLong: '3'}}, lastWriteDate: {$date: '2026-11-30T10:00:00Z'}, majorityOpTime: {ts: {$timestamp:"
            + " {t: 1764496800, i: 1}}, t: {$numberLong: '3'}}, majorityWriteDate: {$date: '2026-11-30T10:00:00Z'}}, "
            + ALL_INSTANCES + "}";
    static final String MONGOS = "{ismaster: true, msg: 'isdbgrid', " + TOPOLOGY_VERSION + ", " + ALL_INSTANCES + "}";
    static final String STANDALONE = "{ismaster: true, " + TOPOLOGY_VERSION + ", " + ALL_INSTANCES + "}";

    /*
     * A collection's default collation as listCollections reports it: every field filled in, whatever the
     * create command gave (jstests/core/timeseries/timeseries_list_collections.js in mongodb/mongo expects
     * exactly these fields for {locale: 'ja'}; the fields are described at
     * https://www.mongodb.com/docs/manual/reference/collation/). version is the ICU version.
     */
    static final String FRENCH_COLLATION = "{locale: 'fr', caseLevel: false, caseFirst: 'off', strength: 2,"
            + " numericOrdering: false, alternate: 'non-ignorable', maxVariable: 'punct', normalization: false,"
            + " backwards: false, version: '57.1'}";

    /*
     * A capped collection's options. CollectionOptions::toBSON (src/mongo/db/catalog/collection_options.cpp)
     * appends size with BSONObjBuilder::appendNumber(long long), which writes an Int32 below 2^30 and an Int64
     * only above: 1 MiB is an Int32 here (JSON 1048576 parses as Int32).
     */
    static final String CAPPED_1_MIB = "{capped: true, size: 1048576, max: 5000}";

    /*
     * dbStats, MongoDB 7.0. https://www.mongodb.com/docs/manual/reference/command/dbStats/ ("Output"): db, collections,
     * views, objects, avgObjSize, dataSize, storageSize, indexes, indexSize (every index of the database), totalSize,
     * scaleFactor, fsUsedSize and fsTotalSize (the file system the data lives on), ok. Sizes are doubles or
     * integers depending on their magnitude; the engine reads them as numbers.
     */
    static String dbStats(String db, long dataSize, long storageSize, long indexSize) {
        return "{db: '" + db + "', collections: 3, views: 0, objects: 1000000, avgObjSize: " + (dataSize / 1000000)
                + ", dataSize: " + dataSize + ".0, storageSize: " + storageSize + ".0, indexes: 5, indexSize: " + indexSize
                + ".0, totalSize: " + (storageSize + indexSize) + ".0, scaleFactor: 1, fsUsedSize: 1.0E10, fsTotalSize: 1.0E11, ok: 1.0}";
    }

    /** dbStats on the destination's admin database: only the file system figures matter. */
    static String fileSystem(long fsTotalSize, long fsUsedSize) {
        return "{db: 'admin', collections: 0, views: 0, objects: 0, avgObjSize: 0, dataSize: 0, storageSize: 0, indexes: 0,"
                + " indexSize: 0, totalSize: 0, scaleFactor: 1, fsUsedSize: " + fsUsedSize + ".0, fsTotalSize: " + fsTotalSize + ".0, ok: 1.0}";
    }

    /*
     * collStats, MongoDB 7.0. https://www.mongodb.com/docs/manual/reference/command/collStats/ ("Output"): ns, size,
     * count, avgObjSize, storageSize, freeStorageSize, capped, nindexes, indexDetails, indexBuilds, totalIndexSize,
     * totalSize, indexSizes (bytes per index name), scaleFactor, ok (wiredTiger and indexDetails left out here).
     */
    static String collStats(String ns, long size, long storageSize, long idIndex, long otherIndex) {
        return "{ns: '" + ns + "', size: " + size + ", count: 1000, avgObjSize: " + (size / 1000) + ", storageSize: " + storageSize
                + ", freeStorageSize: 0, capped: false, nindexes: 2, indexBuilds: [], totalIndexSize: " + (idIndex + otherIndex)
                + ", totalSize: " + (storageSize + idIndex + otherIndex) + ", indexSizes: {_id_: " + idIndex + ", sku_1: " + otherIndex
                + "}, scaleFactor: 1, ok: 1.0}";
    }

    /*
     * getParameter featureCompatibilityVersion. https://www.mongodb.com/docs/manual/reference/command/setFeatureCompatibilityVersion/
     * ("Get FeatureCompatibilityVersion"): db.adminCommand({getParameter: 1, featureCompatibilityVersion: 1}) answers
     * {featureCompatibilityVersion: {version: "7.0"}, ok: 1}.
     */
    static String fcv(String version) {
        return "{featureCompatibilityVersion: {version: '" + version + "'}, ok: 1.0}";
    }

    /*
     * A refused command: {ok: 0, errmsg, code, codeName}, https://www.mongodb.com/docs/manual/reference/command/
     * ("Response"); Unauthorized is code 13 in src/mongo/base/error_codes.yml, with the server's message
     * "not authorized on <db> to execute command { ... }".
     */
    static String unauthorized(String db, String command) {
        return "{ok: 0.0, errmsg: 'not authorized on " + db + " to execute command { " + command + " }', code: 13, codeName: 'Unauthorized'}";
    }

    /* connectionStatus with showPrivileges for users of built-in roles: see Roles, which cites its sources. */

    /*
     * listShards on a mongos. https://www.mongodb.com/docs/manual/reference/command/listShards/ ("Example", "Output"):
     * shards[] of {_id: name, host: "rsName/host1:port,host2:port,...", state: 1, tags (zones) where set}, ok, and the
     * $clusterTime / operationTime every mongos reply carries.
     */
    static String listShards(String... idAndHost) {
        StringBuilder shards = new StringBuilder();
        for (int i = 0; i < idAndHost.length; i += 2) {
            shards.append(i == 0 ? "" : ", ").append("{_id: '").append(idAndHost[i]).append("', host: '").append(idAndHost[i + 1])
                    .append("', state: 1}");
        }
        return "{shards: [" + shards + "], ok: 1.0, $clusterTime: {clusterTime: {$timestamp: {t: 1764496800, i: 1}}, signature:"
                + " {hash: {$binary: {base64: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=', subType: '00'}}, keyId: {$numberLong: '0'}}},"
                + " operationTime: {$timestamp: {t: 1764496800, i: 1}}}";
    }

    /*
     * balancerStatus on a mongos. https://www.mongodb.com/docs/manual/reference/command/balancerStatus/ ("Output
     * Document"): {mode: "full" | "off", inBalancerRound: <bool>, numBalancerRounds: NumberLong, ok}; a round under way
     * when the balancer is stopped is let finish, so inBalancerRound can be true with mode "off" (same page).
     */
    static String balancerStatus(String mode, boolean inBalancerRound) {
        return "{mode: '" + mode + "', inBalancerRound: " + inBalancerRound + ", numBalancerRounds: {$numberLong: '86'}, ok: 1.0}";
    }

    /*
     * config.collections entries as a 5.0+ mongos returns them to find, the shape in
     * https://jira.mongodb.org/browse/DOCS-14450 (the config database page's example): {_id: "db.coll", lastmodEpoch,
     * lastmod, timestamp, uuid, key, unique, noBalance}; _id is the namespace in every version
     * (src/mongo/s/catalog/type_collection.idl).
     */
    static String shardedCollection(String ns, String key, boolean unique) {
        return "{_id: '" + ns + "', lastmodEpoch: {$oid: '60f989a2430bfdd95d8cfa20'}, lastmod: {$date: '2021-07-22T15:07:14.301Z'},"
                + " timestamp: {$timestamp: {t: 1626966434, i: 13}}, uuid: " + uuid(ns) + ", key: " + key + ", unique: " + unique
                + ", noBalance: false}";
    }

    /*
     * A config.databases entry (5.0+), the shape in https://jira.mongodb.org/browse/DOCS-14450: {_id: db, primary: shard,
     * partitioned, version: {uuid, timestamp, lastMod}}.
     */
    static String database(String name, String primary) {
        return "{_id: '" + name + "', primary: '" + primary + "', partitioned: true, version: {uuid: " + uuid(name + "-db")
                + ", timestamp: {$timestamp: {t: 1626966433, i: 34}}, lastMod: 1}}";
    }

    /** The reply of a {@code find} on {@code ns} whose documents all fit the first batch. */
    static String found(String ns, String... documents) {
        return "{cursor: {firstBatch: [" + String.join(", ", documents) + "], id: {$numberLong: '0'}, ns: '" + ns + "'}, ok: 1.0}";
    }

    /*
     * collStats through a mongos: the totals over the shards plus sharded (true for a sharded collection, false
     * otherwise; https://jira.mongodb.org/browse/SERVER-78732 shows it on a 7.0 mongos), nchunks and shards {name: {...}}
     * (db.collection.getShardDistribution() reads them: https://www.mongodb.com/docs/manual/reference/method/db.collection.getShardDistribution/).
     */
    static String mongosCollStats(String ns, boolean sharded, long size, long storageSize, long totalIndexSize) {
        return "{sharded: " + sharded + ", ns: '" + ns + "', count: 1000, size: " + size + ", storageSize: " + storageSize
                + ", totalIndexSize: " + totalIndexSize + ", totalSize: " + (storageSize + totalIndexSize) + ", indexSizes: {_id_: "
                + totalIndexSize + "}, avgObjSize: " + (size / 1000) + ", maxSize: 0, nindexes: 1, nchunks: " + (sharded ? 4 : 1)
                + ", shards: {}, ok: 1.0}";
    }

    /*
     * getParameter featureCompatibilityVersion while it is being changed: targetVersion beside version
     * (https://jira.mongodb.org/browse/SERVER-31630: "getParameter for featureCompatibilityVersion must expose
     * targetVersion").
     */
    static String fcvChanging(String version, String targetVersion) {
        return "{featureCompatibilityVersion: {version: '" + version + "', targetVersion: '" + targetVersion + "'}, ok: 1.0}";
    }

    private Replies() {
    }

    /*
     * listCollections entries. https://www.mongodb.com/docs/manual/reference/command/listCollections/ ("Output")
     * and src/mongo/db/commands/list_collections.cpp in mongodb/mongo: a collection has type "collection",
     * options, info {readOnly: false, uuid} and idIndex {v: 2, key: {_id: 1}, name: "_id_"} (buildCollectionBson);
     * a view has type "view", options {viewOn, pipeline} and info {readOnly: true}, no uuid and no idIndex
     * (buildViewBson); a time-series collection has type "timeseries", its filled-in timeseries options and
     * info {readOnly: false} only (buildTimeseriesBson; timeseries_list_collections.js), and its buckets collection
     * system.buckets.<name> is listed beside it, as is system.views once a view exists.
     */
    static String collection(String name, String options) {
        return "{name: '" + name + "', type: 'collection', options: " + options + ", info: {readOnly: false, uuid: "
                + uuid(name) + "}, idIndex: {v: 2, key: {_id: 1}, name: '_id_'}}";
    }

    static String collection(String name) {
        return collection(name, "{}");
    }

    static String view(String name, String viewOn) {
        return "{name: '" + name + "', type: 'view', options: {viewOn: '" + viewOn + "', pipeline: [{$match: {ok: true}}]},"
                + " info: {readOnly: true}}";
    }

    static String timeSeries(String name, String timeField) {
        return "{name: '" + name + "', type: 'timeseries', options: {timeseries: {timeField: '" + timeField + "',"
                + " granularity: 'seconds', bucketMaxSpanSeconds: 3600}}, info: {readOnly: false}}";
    }

    /*
     * A queryable-encryption collection's options (MongoDB 7.0): encryptedFields with the names of its two
     * metadata collections and the encrypted fields, https://www.mongodb.com/docs/manual/core/queryable-encryption/fundamentals/encrypt-and-query/
     */
    static String encrypted(String name) {
        return collection(name, "{encryptedFields: {escCollection: 'enxcol_." + name + ".esc', ecocCollection: 'enxcol_." + name
                + ".ecoc', fields: [{keyId: " + uuid(name + "-key") + ", path: 'ssn', bsonType: 'string',"
                + " queries: [{queryType: 'equality', contention: {$numberLong: '8'}}]}]}}");
    }

    /** The reply of {@code listCollections} on {@code database}, every entry in the first batch. */
    static String listCollections(String database, String... entries) {
        return "{cursor: {id: {$numberLong: '0'}, ns: '" + database + ".$cmd.listCollections', firstBatch: ["
                + String.join(", ", entries) + "]}, ok: 1.0}";
    }

    /** A collection UUID (BSON binary subtype 4), made from the name so that every run records the same one. */
    private static String uuid(String name) {
        UUID u = UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
        ByteBuffer bytes = ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
        return "{$binary: {base64: '" + Base64.getEncoder().encodeToString(bytes.array()) + "', subType: '04'}}";
    }
}
