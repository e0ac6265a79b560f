package dev.livemigrate.validation;

import dev.livemigrate.spi.CommandRunner;
import dev.livemigrate.spi.ShardClients;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a sharded side says about itself, read through its mongos: whether it is one ({@code isMaster} answers
 * {@code msg: "isdbgrid"}), its shards ({@code listShards}), how its collections are sharded
 * ({@code config.collections}, whose {@code _id} is the namespace in every version) and where each database's
 * unsharded collections live ({@code config.databases}).
 */
final class Sharding {

    /**
     * One shard as {@code listShards} names it: {@code host} is {@code "rsName/h1:p,h2:p"} for a replica-set shard,
     * {@code "h:p"} for a standalone one.
     */
    record Shard(String id, String host) {

        /** The replica set's name, or empty for a shard that is no replica set. */
        Optional<String> replicaSet() {
            return ShardClients.replicaSet(host);
        }

        /** The members, {@code host:port} each. */
        List<String> members() {
            return ShardClients.members(host);
        }
    }

    /** How a collection is sharded: its key in order, and whether the key is unique. */
    record Key(BsonDocument key, boolean unique) {
    }

    private Sharding() {
    }

    /** Whether {@code runner} reaches a mongos. */
    static boolean isMongos(CommandRunner runner) {
        return Commands.tryRun(runner, "admin", Commands.command("isMaster"))
                .map(r -> "isdbgrid".equals(r.getString("msg", new BsonString("")).getValue())).orElse(false);
    }

    /** The shards {@code listShards} names, in its order. */
    static List<Shard> shards(CommandRunner mongos) {
        List<Shard> shards = new ArrayList<>();
        for (BsonValue s : mongos.run("admin", Commands.command("listShards")).getArray("shards", new BsonArray())) {
            shards.add(new Shard(s.asDocument().getString("_id").getValue(), s.asDocument().getString("host").getValue()));
        }
        return shards;
    }

    /**
     * How each sharded collection is sharded, by namespace, from {@code config.collections} (read once, whatever
     * the number of collections); entries a pre-5.0 cluster kept for dropped collections ({@code dropped: true})
     * are left out.
     */
    static Map<String, Key> keys(CommandRunner mongos) {
        Map<String, Key> keys = new LinkedHashMap<>();
        for (BsonDocument entry : SourceData.all(mongos, "config", new BsonDocument("find", new BsonString("collections")))) {
            boolean dropped = entry.isBoolean("dropped") && entry.getBoolean("dropped").getValue();
            if (!dropped && entry.isDocument("key") && entry.isString("_id")) {
                keys.put(entry.getString("_id").getValue(), new Key(entry.getDocument("key"),
                        entry.isBoolean("unique") && entry.getBoolean("unique").getValue()));
            }
        }
        return keys;
    }

    /** Each database's primary shard (where its unsharded collections live), from {@code config.databases}. */
    static Map<String, String> primaries(CommandRunner mongos) {
        Map<String, String> primaries = new LinkedHashMap<>();
        for (BsonDocument entry : SourceData.all(mongos, "config", new BsonDocument("find", new BsonString("databases")))) {
            if (entry.isString("_id") && entry.isString("primary")) {
                primaries.put(entry.getString("_id").getValue(), entry.getString("primary").getValue());
            }
        }
        return primaries;
    }
}
