package dev.livemigrate.verify;

import com.mongodb.MongoCommandException;
import com.mongodb.ReadConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.model.Filters;
import dev.livemigrate.Namespace;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a sharded side adds to the index-and-options comparison, read through its mongos:
 * <ul>
 *   <li>shard keys, where both sides are sharded clusters: a collection's {@code config.collections} entry
 *       ({@code _id} is the namespace in every version) gives its {@code key}, compared in order with numbers by
 *       value, and {@code unique}; a collection sharded on one side only is a difference too. (Where only one side is
 *       a sharded cluster, collections cannot keep their sharding, by design, and nothing is reported.)</li>
 *   <li>indexes on every shard of a sharded destination: {@code $indexStats} through mongos answers one document per
 *       index per shard that holds the collection's data ({@code shard}, and the full {@code spec} from 4.2.4;
 *       {@code building: true} while a build runs). Each shard's set is compared with the source's
 *       {@code listIndexes}; a difference every shard shares is the one {@code listIndexes} through mongos already
 *       shows, so only those of some shards are reported, each naming its shard. A shard still building an index is
 *       named too. {@code $indexStats} needs the {@code indexStats} action ({@code clusterMonitor}); refused, the
 *       per-shard comparison is reported as not done, never passed.</li>
 * </ul>
 */
final class ShardLayout {

    private ShardLayout() {
    }

    /** Whether {@code client} reaches a mongos ({@code isMaster} answers {@code msg: "isdbgrid"}). */
    static boolean isMongos(MongoClient client) {
        BsonDocument hello = client.getDatabase("admin").runCommand(new BsonDocument("isMaster", new BsonInt32(1)), BsonDocument.class);
        return "isdbgrid".equals(hello.getString("msg", new BsonString("")).getValue());
    }

    /** The {@code config.collections} entry of {@code ns}, or {@code null} when it is not sharded (or was dropped before 5.0). */
    static BsonDocument shardKey(MongoClient mongos, Namespace ns) {
        BsonDocument entry = mongos.getDatabase("config").getCollection("collections", BsonDocument.class)
                .find(Filters.eq("_id", ns.toString())).first();
        boolean dropped = entry != null && entry.getBoolean("dropped", BsonBoolean.FALSE).getValue();
        return entry == null || dropped || !entry.isDocument("key") ? null : entry;
    }

    /** How the two sides' sharding of one collection differs, one sentence each. */
    static List<String> compareKeys(Namespace ns, BsonDocument source, BsonDocument destination) {
        if (source == null && destination == null) {
            return List.of();
        }
        if (source == null || destination == null) {
            BsonDocument sharded = source == null ? destination : source;
            return List.of(ns + " is sharded on the " + (source == null ? "destination" : "source") + " (shard key "
                    + Values.json(sharded.get("key")) + ") and not on the " + (source == null ? "source" : "destination"));
        }
        List<String> differences = new ArrayList<>();
        if (!Values.same(source.get("key"), destination.get("key"))) {
            differences.add(ns + ": shard key differs: source " + Values.json(source.get("key")) + ", destination "
                    + Values.json(destination.get("key")));
        }
        if (Values.flag(source.get("unique")) != Values.flag(destination.get("unique"))) {
            differences.add(ns + ": shard key unique differs: source " + Values.flag(source.get("unique")) + ", destination "
                    + Values.flag(destination.get("unique")));
        }
        return differences;
    }

    /**
     * The differences of each destination shard's indexes from the source's ({@code source} by name), those every
     * shard shares left out.
     */
    static List<String> compareShards(Namespace ns, Map<String, BsonDocument> source, MongoClient destination, Namespace target) {
        Map<String, Map<String, BsonDocument>> shards = new TreeMap<>();
        Map<String, Set<String>> building = new TreeMap<>();
        try {
            // statistics, not data: read concern "local", which every server accepts for $indexStats (some stages
            // accept nothing else), rather than the verifiers' majority
            destination.getDatabase(target.database()).getCollection(target.collection(), BsonDocument.class)
                    .withReadConcern(ReadConcern.LOCAL).aggregate(List.of(new BsonDocument("$indexStats", new BsonDocument()))).forEach(stat -> {
                        String shard = stat.getString("shard", new BsonString("?")).getValue();
                        String name = stat.getString("name").getValue();
                        BsonDocument spec = stat.isDocument("spec") ? stat.getDocument("spec")
                                : new BsonDocument("key", stat.get("key")).append("name", stat.get("name"));
                        shards.computeIfAbsent(shard, s -> new TreeMap<>()).put(name, spec);
                        if (stat.getBoolean("building", BsonBoolean.FALSE).getValue()) {
                            building.computeIfAbsent(shard, s -> new LinkedHashSet<>()).add(name);
                        }
                    });
        } catch (MongoCommandException e) {
            return List.of(ns + ": the indexes on each of the destination's shards could not be compared ($indexStats: "
                    + e.getErrorCodeName() + ", " + e.getErrorMessage() + "); grant the destination user clusterMonitor to compare them");
        }
        Map<String, Map<String, String>> byShard = new LinkedHashMap<>();
        shards.forEach((shard, indexes) -> byShard.put(shard, differences(source, indexes, shard)));
        List<String> differences = new ArrayList<>();
        byShard.forEach((shard, found) -> found.forEach((what, sentence) -> {
            boolean everyShard = byShard.values().stream().allMatch(other -> other.containsKey(what));
            if (!everyShard) {
                differences.add(ns + ": " + sentence);
            }
        }));
        building.forEach((shard, names) -> names.forEach(n -> differences.add(ns + ": index " + n
                + " is still being built on the destination's shard " + shard)));
        return differences;
    }

    /** One shard's differences, keyed by what differs (the same key on every shard means the same difference). */
    private static Map<String, String> differences(Map<String, BsonDocument> source, Map<String, BsonDocument> shard, String name) {
        Map<String, String> found = new LinkedHashMap<>();
        String where = "the destination's shard " + name;
        source.forEach((index, spec) -> {
            BsonDocument other = shard.get(index);
            if (other == null) {
                found.put("missing " + index, "index " + index + " is missing on " + where);
                return;
            }
            for (String field : IndexComparison.differences(spec, other)) {
                found.put("differs " + index + " " + field + " " + Values.json(other.get(field)), "index " + index + " differs on " + where
                        + " in " + field + ": source " + Values.json(spec.get(field)) + ", shard " + name + " " + Values.json(other.get(field)));
            }
        });
        shard.keySet().stream().filter(index -> !source.containsKey(index))
                .forEach(index -> found.put("extra " + index, "index " + index + " exists only on " + where));
        return found;
    }
}
