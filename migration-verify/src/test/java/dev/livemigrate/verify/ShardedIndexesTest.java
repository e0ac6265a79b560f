package dev.livemigrate.verify;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import dev.livemigrate.Namespace;
import dev.livemigrate.NamespaceVerification;
import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.core.testing.WireProxy;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shard keys and per-shard indexes through mongos. Each embedded server stands behind a proxy that answers as a
 * mongos would what the embedded server cannot: {@code isMaster} with {@code msg: "isdbgrid"}
 * (https://www.mongodb.com/docs/manual/reference/command/hello/, "Sharded Instances"), {@code find} on
 * {@code config.collections} with recorded entries, and {@code $indexStats} with one document per index per shard;
 * {@code listIndexes} and {@code listCollections} reach the embedded server.
 */
class ShardedIndexesTest {

    private static final Namespace NS = Namespace.parse("app.things");

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    void shardKeysAreComparedInOrderWithTheirUniqueness() {
        createIndex(source, "{key: {a: 1, b: 1}, name: 'a_1_b_1'}");
        createIndex(destination, "{key: {a: 1, b: 1}, name: 'a_1_b_1'}");
        try (WireProxy s = mongos(source, List.of(entry("{a: 1, b: 1}", false)), null);
             WireProxy d = mongos(destination, List.of(entry("{b: 1, a: 1}", true)), indexStats("dst-a", "_id_", "a_1_b_1"))) {
            NamespaceVerification r = run(s, d);

            assertThat(r.optionDifferences()).containsExactly(
                    "app.things: shard key differs: source {\"a\": 1, \"b\": 1}, destination {\"b\": 1, \"a\": 1}",
                    "app.things: shard key unique differs: source false, destination true");
            assertThat(r.indexDifferences()).isEmpty();
            assertThat(r.equal()).isFalse();
        }
        // the same key with its numbers of another type is the same key
        try (WireProxy s = mongos(source, List.of(entry("{a: 1, b: 1}", false)), null);
             WireProxy d = mongos(destination, List.of(entry("{a: 1.0, b: {$numberLong: '1'}}", false)),
                     indexStats("dst-a", "_id_", "a_1_b_1"))) {
            assertThat(run(s, d).equal()).isTrue();
        }
    }

    @Test
    void aCollectionShardedOnOneSideOnlyIsADifference() {
        createIndex(source, "{key: {a: 'hashed'}, name: 'a_hashed'}");
        createIndex(destination, "{key: {a: 'hashed'}, name: 'a_hashed'}");
        try (WireProxy s = mongos(source, List.of(entry("{a: 'hashed'}", false)), null);
             WireProxy d = mongos(destination, List.of(), stats("dst-a", "{v: 2, key: {_id: 1}, name: '_id_'}",
                     "{v: 2, key: {a: 'hashed'}, name: 'a_hashed'}"))) {
            assertThat(run(s, d).optionDifferences()).containsExactly(
                    "app.things is sharded on the source (shard key {\"a\": \"hashed\"}) and not on the destination");
        }
    }

    /**
     * The destination's mongos lists a_1 (its listIndexes asks one shard), but shard dst-b lacks it, dst-c holds it as
     * unique and dst-a is still building t_1; s_1, missing on every shard, is the collection-level difference only.
     */
    @Test
    void anIndexMissingOrDifferentOnOneShardIsNamedWithTheShard() {
        createIndex(source, "{key: {a: 1}, name: 'a_1'}");
        createIndex(source, "{key: {s: 1}, name: 's_1'}");
        createIndex(destination, "{key: {a: 1}, name: 'a_1'}");
        BsonArray stats = indexStats("dst-a", "_id_", "a_1");
        stats.addAll(indexStats("dst-b", "_id_"));
        stats.addAll(indexStats("dst-c", "_id_"));
        stats.add(stat("dst-c", "{v: 2, key: {a: 1}, name: 'a_1', unique: true}", false));
        stats.add(stat("dst-a", "{v: 2, key: {t: 1}, name: 't_1'}", true));
        try (WireProxy s = WireProxy.recording(source); WireProxy d = mongos(destination, List.of(), stats)) {
            NamespaceVerification r = run(s, d);

            assertThat(r.indexDifferences()).containsExactly(
                    "app.things: index s_1 is missing on the destination",
                    "app.things: index t_1 exists only on the destination's shard dst-a",
                    "app.things: index a_1 is missing on the destination's shard dst-b",
                    "app.things: index a_1 differs on the destination's shard dst-c in unique: source (not set), shard dst-c true",
                    "app.things: index t_1 is still being built on the destination's shard dst-a");
            assertThat(r.equal()).isFalse();
            // no shard key compared where the source is not a sharded cluster
            assertThat(r.optionDifferences()).isEmpty();
            // statistics are read with read concern local, not the verifiers' majority
            assertThat(d.commands("aggregate")).singleElement().satisfies(c -> assertThat(c.body().getDocument("readConcern"))
                    .isEqualTo(BsonDocument.parse("{level: 'local'}")));
        }
    }

    /** $indexStats needs the indexStats action (clusterMonitor): refused (code 13, Unauthorized), the check says so. */
    @Test
    void perShardIndexesThatCannotBeReadAreNotPassed() {
        createIndex(source, "{key: {a: 1}, name: 'a_1'}");
        createIndex(destination, "{key: {a: 1}, name: 'a_1'}");
        BsonDocument unauthorized = BsonDocument.parse("{ok: 0.0, errmsg: 'not authorized on app to execute command { aggregate:"
                + " \"things\", pipeline: [ { $indexStats: {} } ] }', code: 13, codeName: 'Unauthorized'}");
        try (WireProxy s = WireProxy.recording(source); WireProxy d = mongos(destination, List.of(), null, unauthorized)) {
            NamespaceVerification r = run(s, d);

            assertThat(r.indexDifferences()).singleElement().asString().startsWith("app.things: the indexes on each of the"
                    + " destination's shards could not be compared ($indexStats: Unauthorized, not authorized on app");
            assertThat(r.equal()).isFalse();
        }
    }

    private NamespaceVerification run(WireProxy s, WireProxy d) {
        return new IndexOptionsVerifier().verify(settings(s), settings(d), Map.of(NS, NS)).get(0);
    }

    private static WireProxy mongos(EmbeddedMongo upstream, List<BsonDocument> shardedCollections, BsonArray indexStats) {
        return mongos(upstream, shardedCollections, indexStats, null);
    }

    /**
     * A proxy that answers as a mongos: {@code isMaster} as the hello page's "Sharded Instances" reply, {@code find} on
     * {@code config.collections} from {@code shardedCollections} (by {@code _id}), and an aggregation starting with
     * {@code $indexStats} with {@code indexStats} (or {@code refusal}).
     */
    private static WireProxy mongos(EmbeddedMongo upstream, List<BsonDocument> shardedCollections, BsonArray indexStats,
                                    BsonDocument refusal) {
        BsonDocument hello = BsonDocument.parse("{ismaster: true, msg: 'isdbgrid', maxBsonObjectSize: 16777216,"
                + " maxMessageSizeBytes: 48000000, maxWriteBatchSize: 100000, localTime: {$date: '2026-11-30T10:00:00Z'},"
                + " logicalSessionTimeoutMinutes: 30, connectionId: 41, minWireVersion: 0, maxWireVersion: 21, readOnly: false, ok: 1.0}");
        return WireProxy.inFrontOf(upstream, (command, up) -> {
            BsonDocument body = command.body();
            boolean driverHeartbeat = body.containsKey("helloOk") || body.containsKey("topologyVersion") || body.containsKey("client");
            if (command.name().equals("isMaster") && !driverHeartbeat) {
                return WireProxy.bytes(hello);
            }
            if (command.name().equals("find") && command.database().equals("config")) {
                BsonValue id = body.getDocument("filter", new BsonDocument()).get("_id");
                BsonArray batch = new BsonArray();
                shardedCollections.stream().filter(e -> e.get("_id").equals(id)).forEach(batch::add);
                return WireProxy.bytes(cursor("config.collections", batch));
            }
            if (command.name().equals("aggregate") && body.getArray("pipeline").get(0).asDocument().containsKey("$indexStats")) {
                return WireProxy.bytes(refusal != null ? refusal : cursor(command.database() + "." + body.getString("aggregate").getValue(),
                        indexStats));
            }
            return up.forward();
        });
    }

    /**
     * A config.collections entry for app.things in the 5.0+ shape (https://jira.mongodb.org/browse/DOCS-14450: _id,
     * lastmodEpoch, lastmod, timestamp, uuid, key, unique, noBalance).
     */
    private static BsonDocument entry(String key, boolean unique) {
        return BsonDocument.parse("{_id: 'app.things', lastmodEpoch: {$oid: '60f989a2430bfdd95d8cfa20'}, lastmod:"
                + " {$date: '2021-07-22T15:07:14.301Z'}, timestamp: {$timestamp: {t: 1626966434, i: 13}}, uuid: {$binary:"
                + " {base64: 'yI6SN66LRS6diby8qnY92w==', subType: '04'}}, key: " + key + ", unique: " + unique + ", noBalance: false}");
    }

    private static BsonArray stats(String shard, String... specs) {
        BsonArray stats = new BsonArray();
        for (String spec : specs) {
            stats.add(stat(shard, spec, false));
        }
        return stats;
    }

    /** $indexStats documents of one shard for plain indexes named {@code field_1} (and {@code _id_}). */
    private static BsonArray indexStats(String shard, String... names) {
        BsonArray stats = new BsonArray();
        for (String name : names) {
            String key = name.equals("_id_") ? "{_id: 1}" : name.equals("a_1_b_1") ? "{a: 1, b: 1}"
                    : "{" + name.substring(0, name.indexOf('_')) + ": 1}";
            stats.add(stat(shard, "{v: 2, key: " + key + ", name: '" + name + "'}", false));
        }
        return stats;
    }

    /**
     * One $indexStats document as a mongos returns it
     * (https://www.mongodb.com/docs/manual/reference/operator/aggregation/indexStats/, "Output": name, key, host,
     * accesses {ops, since}, shard, spec, and building only while a build runs; shard, spec and building since 4.2.4).
     */
    private static BsonDocument stat(String shard, String spec, boolean building) {
        BsonDocument s = BsonDocument.parse(spec);
        BsonDocument stat = new BsonDocument("name", s.get("name")).append("key", s.get("key"))
                .append("host", new BsonString(shard + "-1.example.net:27018"))
                .append("accesses", BsonDocument.parse("{ops: {$numberLong: '0'}, since: {$date: '2026-11-30T10:00:00Z'}}"))
                .append("shard", new BsonString(shard)).append("spec", s);
        if (building) {
            stat.append("building", BsonBoolean.TRUE);
        }
        return stat;
    }

    private static BsonDocument cursor(String ns, BsonArray batch) {
        return new BsonDocument("cursor", new BsonDocument("firstBatch", batch).append("id", new BsonInt64(0))
                .append("ns", new BsonString(ns))).append("ok", new BsonDouble(1));
    }

    private static void createIndex(EmbeddedMongo m, String index) {
        m.client().getDatabase(NS.database()).runCommand(BsonDocument.parse("{createIndexes: 'things', indexes: [" + index + "]}"));
    }

    private static MongoClientSettings settings(WireProxy proxy) {
        return MongoClientSettings.builder().applyConnectionString(new ConnectionString(proxy.connectionString())).build();
    }
}
