package dev.livemigrate.core.testing;

import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link WireProxy} in front of an {@link EmbeddedMongo} that answers as a mongos of a sharded cluster, so the
 * engine meets "a sharded cluster" end to end: {@code hello} and {@code isMaster} say {@code msg: "isdbgrid"},
 * {@code listShards} names two shards, {@code find} on {@code config.collections} and {@code config.chunks} returns
 * the documents the test gives (those whose top-level fields equal the filter's), and {@code enableSharding} and
 * {@code shardCollection} are answered as MongoDB answers them (and recorded, as every command is). Everything
 * else goes to the embedded server. Optionally {@code buildInfo} reports another server version.
 *
 * <p>As a mongos of MongoDB 6.0+ it also acknowledges {@code setUserWriteBlockMode} (recorded, not enforced) and
 * answers {@code appendOplogNote} as one that wrote the no-op on each shard: {@code {raw: {<shard host>: {ok: 1},
 * ...}, ok: 1, operationTime}} (jstests/sharding/append_oplog_note_mongos.js in mongodb/mongo checks {@code raw}; a
 * mongos's reply carries the {@code operationTime} of its shards' replies), the time being the embedded server's
 * newest oplog entry; {@link #olderThan60()} answers it as a mongos of 5.0 does (CommandNotFound). And, as every
 * server since 4.0.7 does, it gives an empty change-stream batch a {@code postBatchResumeToken}: the newest oplog
 * entry's time read before the batch was asked for, in the resume-token format (type byte 130, the timestamp
 * big-endian; manual, "Resume Tokens"); the embedded server sends none.
 *
 * <p>Reply shapes: {@code hello} from a mongos, https://www.mongodb.com/docs/manual/reference/command/hello/
 * ("Sharded Instances": the common fields and {@code msg: "isdbgrid"}, nothing of a replica set);
 * {@code listShards}, https://www.mongodb.com/docs/manual/reference/command/listShards/ (the example output);
 * {@code shardCollection}: {@code {collectionsharded: "<db>.<coll>", ok: 1}} as the server's
 * ShardCollection command (src/mongo/s/commands/cluster_shard_collection_cmd.cpp in mongodb/mongo) appends it;
 * {@code enableSharding} and {@code split}: {@code {ok: 1}}; {@code moveChunk}: {@code {millis, ok: 1}} (the
 * mongos's moveChunk command appends {@code millis}: src/mongo/s/commands/cluster_move_chunk_cmd.cpp in mongodb/mongo); a {@code find} reply is a cursor {@code {firstBatch, id: 0, ns}}
 * (https://www.mongodb.com/docs/manual/reference/command/find/, "Output").
 */
public final class MongosProxy implements AutoCloseable {

    /*
     * hello from a mongos (MongoDB 7.0 manual, "hello", Sharded Instances). maxWireVersion stays the embedded
     * server's 8: the driver has already agreed the protocol with it in the handshake.
     */
    private static final String HELLO = "{isWritablePrimary: true, msg: 'isdbgrid', topologyVersion: {processId:"
            + " {$oid: '6567a1b2c3d4e5f601234567'}, counter: {$numberLong: '0'}}, maxBsonObjectSize: 16777216,"
            + " maxMessageSizeBytes: 48000000, maxWriteBatchSize: 100000, localTime: {$date: '2026-12-01T10:00:00Z'},"
            + " logicalSessionTimeoutMinutes: 30, connectionId: 7, minWireVersion: 0, maxWireVersion: 8, readOnly: false, ok: 1.0}";
    /* listShards, the manual's example output (two of its three shards). */
    private static final String LIST_SHARDS = "{shards: [{_id: 'shard01', host: 'shard01/host1:27018,host2:27018,host3:27018',"
            + " state: 1}, {_id: 'shard02', host: 'shard02/host4:27018,host5:27018,host6:27018', tags: ['NYC'], state: 1}], ok: 1}";

    private final WireProxy proxy;
    private final List<BsonDocument> configCollections;
    private final List<BsonDocument> configChunks;
    private final BsonArray versionArray;
    private volatile boolean refuseConfigReads;
    private volatile List<String> shardKeyFields = List.of();
    private volatile boolean olderThan60;
    private final EmbeddedMongo upstream;
    private final Set<Long> changeStreamCursors = ConcurrentHashMap.newKeySet();

    private MongosProxy(EmbeddedMongo upstream, List<BsonDocument> configCollections, List<BsonDocument> configChunks,
                        BsonArray versionArray) {
        this.configCollections = new CopyOnWriteArrayList<>(configCollections);
        this.configChunks = List.copyOf(configChunks);
        this.versionArray = versionArray;
        this.upstream = upstream;
        this.proxy = WireProxy.inFrontOf(upstream, this::reply);
    }

    /** A mongos whose {@code config.collections} and {@code config.chunks} hold these documents. */
    public static MongosProxy inFrontOf(EmbeddedMongo upstream, List<BsonDocument> configCollections, List<BsonDocument> configChunks) {
        return new MongosProxy(upstream, configCollections, configChunks, null);
    }

    /** The same, reporting this server version in {@code buildInfo} (for example {@code 7, 0, 2}). */
    public static MongosProxy inFrontOf(EmbeddedMongo upstream, List<BsonDocument> configCollections, List<BsonDocument> configChunks,
                                        int... version) {
        BsonArray array = new BsonArray();
        for (int v : version) {
            array.add(new BsonInt32(v));
        }
        return new MongosProxy(upstream, configCollections, configChunks, array);
    }

    /** A mongos of a cluster that shards nothing yet (a destination). */
    public static MongosProxy empty(EmbeddedMongo upstream, int... version) {
        return version.length == 0 ? inFrontOf(upstream, List.of(), List.of()) : inFrontOf(upstream, List.of(), List.of(), version);
    }

    /**
     * From now on, answers a {@code find} on the {@code config} database as MongoDB answers a user without the
     * privilege: code 13, Unauthorized (src/mongo/base/error_codes.yml in mongodb/mongo), "not authorized on config
     * to execute command".
     */
    public MongosProxy refusingConfigReads() {
        refuseConfigReads = true;
        return this;
    }

    /**
     * From now on, puts these shard-key fields into each change event's {@code documentKey} before {@code _id}, taken
     * from the event's {@code fullDocument} where it has them, as a mongos reports events of a sharded collection
     * ({@code documentKey}: "For sharded collections, this field also displays the full shard key for the document",
     * https://www.mongodb.com/docs/manual/reference/change-events/update/; the example there lists the shard key
     * fields, then {@code _id}), and {@code _id} from the {@code fullDocument} too. Events without a {@code fullDocument}
     * (deletes) keep the embedded server's key.
     */
    public MongosProxy withShardKeyInEvents(String... fields) {
        shardKeyFields = List.of(fields);
        return this;
    }

    /** From now on, {@code config.collections} also holds this entry: the collection was sharded meanwhile. */
    public MongosProxy shardedMeanwhile(BsonDocument configCollectionsEntry) {
        configCollections.add(configCollectionsEntry);
        return this;
    }

    /** From now on, answers {@code appendOplogNote} as a mongos older than 6.0: code 59, CommandNotFound. */
    public MongosProxy olderThan60() {
        olderThan60 = true;
        return this;
    }

    public String connectionString() {
        return proxy.connectionString();
    }

    /** Every command received, in order. */
    public List<WireProxy.Command> commands() {
        return proxy.commands();
    }

    public List<WireProxy.Command> commands(String name) {
        return proxy.commands(name);
    }

    @Override
    public void close() {
        proxy.close();
    }

    private byte[] reply(WireProxy.Command command, WireProxy.Upstream upstream) throws java.io.IOException {
        BsonDocument body = command.body();
        switch (command.name()) {
            case "hello":
                return WireProxy.bytes(BsonDocument.parse(HELLO));
            case "isMaster", "ismaster": {
                BsonDocument reply = decode(upstream.forward());
                reply.put("msg", new BsonString("isdbgrid"));
                return WireProxy.bytes(reply);
            }
            case "listShards":
                return WireProxy.bytes(BsonDocument.parse(LIST_SHARDS));
            case "enableSharding":
                return WireProxy.bytes(new BsonDocument("ok", new BsonInt32(1)));
            case "shardCollection":
                return WireProxy.bytes(new BsonDocument("collectionsharded", body.get("shardCollection")).append("ok", new BsonInt32(1)));
            case "buildInfo", "buildinfo": {
                BsonDocument reply = decode(upstream.forward());
                if (versionArray != null) {
                    reply.put("versionArray", versionArray);
                    reply.put("version", new BsonString(versionArray.getValues().stream()
                            .map(v -> String.valueOf(v.asInt32().getValue())).reduce((a, b) -> a + "." + b).orElse("")));
                }
                return WireProxy.bytes(reply);
            }
            case "split":
                return WireProxy.bytes(new BsonDocument("ok", new BsonInt32(1)));
            case "moveChunk":
                return WireProxy.bytes(new BsonDocument("millis", new BsonInt32(412)).append("ok", new BsonInt32(1)));
            case "setUserWriteBlockMode":
                return WireProxy.bytes(new BsonDocument("ok", new BsonInt32(1)));
            case "appendOplogNote":
                return WireProxy.bytes(olderThan60 ? new BsonDocument("ok", new BsonInt32(0))
                        .append("errmsg", new BsonString("no such command: 'appendOplogNote'")).append("code", new BsonInt32(59))
                        .append("codeName", new BsonString("CommandNotFound"))
                        : new BsonDocument("raw", new BsonDocument("shard01/host1:27018,host2:27018,host3:27018", new BsonDocument("ok", new BsonInt32(1)))
                        .append("shard02/host4:27018,host5:27018,host6:27018", new BsonDocument("ok", new BsonInt32(1))))
                        .append("ok", new BsonInt32(1)).append("operationTime", newestOplogEntry()));
            case "aggregate", "getMore":
                return changeStream(command, upstream);
            case "find":
                if ("config".equals(command.database()) && refuseConfigReads) {
                    return WireProxy.bytes(new BsonDocument("ok", new BsonInt32(0)).append("errmsg", new BsonString(
                            "not authorized on config to execute command { find: \"" + body.getString("find").getValue() + "\" }"))
                            .append("code", new BsonInt32(13)).append("codeName", new BsonString("Unauthorized")));
                }
                if ("config".equals(command.database())) {
                    String collection = body.getString("find").getValue();
                    List<BsonDocument> source = collection.equals("collections") ? configCollections
                            : collection.equals("chunks") ? configChunks : List.of();
                    return WireProxy.bytes(cursor("config." + collection, matching(source, body.getDocument("filter", new BsonDocument()))));
                }
                return upstream.forward();
            default:
                return upstream.forward();
        }
    }

    /** A change stream's reply: shard keys in its events where asked, and a postBatchResumeToken on an empty batch. */
    private byte[] changeStream(WireProxy.Command command, WireProxy.Upstream upstream) throws java.io.IOException {
        BsonDocument body = command.body();
        boolean opens = command.name().equals("aggregate") && body.isArray("pipeline") && !body.getArray("pipeline").isEmpty()
                && body.getArray("pipeline").get(0).asDocument().containsKey("$changeStream");
        boolean stream = opens || command.name().equals("getMore") && changeStreamCursors.contains(body.get("getMore").asNumber().longValue());
        if (!stream) {
            return upstream.forward();
        }
        BsonTimestamp readTo = newestOplogEntry();
        BsonDocument reply = decode(upstream.forward());
        BsonDocument cursor = reply.getDocument("cursor", new BsonDocument());
        if (opens && cursor.isNumber("id")) {
            changeStreamCursors.add(cursor.getNumber("id").longValue());
        }
        BsonArray batch = cursor.getArray(opens ? "firstBatch" : "nextBatch", new BsonArray());
        if (batch.isEmpty() && cursor.isNumber("id") && readTo != null) {
            cursor.put("postBatchResumeToken", new BsonDocument("_data", new BsonString(String.format("82%016X", readTo.getValue()))));
        }
        return shardKeyFields.isEmpty() ? WireProxy.bytes(reply) : withShardKeys(reply);
    }

    /** The time of the embedded server's newest oplog entry, or {@code null} when it has none. */
    private BsonTimestamp newestOplogEntry() {
        BsonDocument newest = upstream.client().getDatabase("local").getCollection("oplog.rs", BsonDocument.class).find()
                .sort(new BsonDocument("$natural", new BsonInt32(-1))).first();
        return newest == null ? null : newest.getTimestamp("ts");
    }

    private byte[] withShardKeys(BsonDocument reply) {
        BsonDocument cursor = reply.getDocument("cursor", new BsonDocument());
        for (String batch : List.of("firstBatch", "nextBatch")) {
            for (BsonValue v : cursor.getArray(batch, new BsonArray())) {
                BsonDocument event = v.asDocument();
                if (event.isDocument("documentKey") && event.isDocument("fullDocument") && event.getDocument("fullDocument").containsKey("_id")) {
                    BsonDocument full = event.getDocument("fullDocument");
                    BsonDocument key = new BsonDocument();
                    shardKeyFields.stream().filter(full::containsKey).forEach(f -> key.put(f, full.get(f)));
                    key.put("_id", full.get("_id")); // the embedded server's update events key by the update itself
                    event.put("documentKey", key);
                }
            }
        }
        return WireProxy.bytes(reply);
    }

    private static List<BsonDocument> matching(List<BsonDocument> documents, BsonDocument filter) {
        List<BsonDocument> found = new ArrayList<>();
        for (BsonDocument d : documents) {
            boolean all = true;
            for (var f : filter.entrySet()) {
                BsonValue v = d.get(f.getKey());
                all &= v != null && v.equals(f.getValue());
            }
            if (all) {
                found.add(d);
            }
        }
        return found;
    }

    private static BsonDocument cursor(String ns, List<BsonDocument> batch) {
        return new BsonDocument("cursor", new BsonDocument("firstBatch", new BsonArray(batch)).append("id", new BsonInt64(0))
                .append("ns", new BsonString(ns))).append("ok", new BsonInt32(1));
    }

    private static BsonDocument decode(byte[] raw) {
        return new RawBsonDocument(raw).decode(new BsonDocumentCodec());
    }
}
