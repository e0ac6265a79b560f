package dev.livemigrate.core.catalog;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoClient;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;

import java.util.List;

/**
 * What kind of deployment a client reaches: a sharded cluster through mongos, or anything else (a replica
 * set, a standalone), its shards, and its server's major version.
 *
 * <p>A mongos answers {@code hello} (or {@code isMaster} before 4.4.2, tried when {@code hello} is refused)
 * with {@code msg: "isdbgrid"}; its shards are {@code listShards}'s {@code shards}, each {@code {_id, host,
 * state, ...}} (https://www.mongodb.com/docs/manual/reference/command/listShards/).
 *
 * @param sharded      whether the client reaches a mongos
 * @param shards       the shards {@code listShards} names; empty when not sharded
 * @param majorVersion the server's major version from {@code buildInfo}'s {@code versionArray}, 0 when unknown
 */
public record Topology(boolean sharded, List<Shard> shards, int majorVersion) {

    /** A deployment that is no sharded cluster, of a version not asked. */
    public static final Topology UNSHARDED = new Topology(false, List.of(), 0);

    /** A shard: its name and its hosts ({@code rs/host1:port,host2:port} for a replica-set shard). */
    public record Shard(String id, String host) {
    }

    /** Asks the deployment: {@code hello}, {@code listShards} on a mongos, {@code buildInfo}. */
    public static Topology detect(MongoClient client) {
        BsonDocument hello;
        try {
            hello = admin(client, "hello");
        } catch (MongoCommandException e) {
            hello = admin(client, "isMaster"); // before 4.4.2, and servers that only know the legacy name
        }
        boolean sharded = isMongos(hello);
        return new Topology(sharded, sharded ? shards(admin(client, "listShards")) : List.of(), majorVersion(admin(client, "buildInfo")));
    }

    /** Whether a {@code hello} / {@code isMaster} reply comes from a mongos. */
    public static boolean isMongos(BsonDocument hello) {
        return "isdbgrid".equals(hello.getString("msg", new BsonString("")).getValue());
    }

    /** The shards of a {@code listShards} reply. */
    public static List<Shard> shards(BsonDocument listShards) {
        return listShards.getArray("shards", new BsonArray()).stream().map(BsonValue::asDocument)
                .map(s -> new Shard(s.getString("_id").getValue(), s.getString("host", new BsonString("")).getValue())).toList();
    }

    /** The major version of a {@code buildInfo} reply, 0 when it has no {@code versionArray}. */
    public static int majorVersion(BsonDocument buildInfo) {
        return buildInfo.isArray("versionArray") ? buildInfo.getArray("versionArray").get(0).asNumber().intValue() : 0;
    }

    /**
     * Whether {@code shardCollection} needs {@code enableSharding} on the database first: before MongoDB 6.0
     * (https://www.mongodb.com/docs/manual/reference/command/enableSharding/: "Starting in MongoDB 6.0, this
     * command is not required to shard a collection").
     */
    public boolean needsEnableSharding() {
        return majorVersion < 6;
    }

    private static BsonDocument admin(MongoClient client, String command) {
        return client.getDatabase("admin").runCommand(new BsonDocument(command, new BsonInt32(1)), BsonDocument.class);
    }
}
