package dev.livemigrate.core.catalog;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoClient;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.Namespace;
import dev.livemigrate.Sharding;
import dev.livemigrate.core.Retries;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonNumber;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Which selected collections are sharded on the destination, on which keys, decided once before anything is
 * written: a collection sharded on a sharded source is sharded the same way (key, {@code unique}, the simple
 * collation where the collection has another default) on a sharded destination, or arrives unsharded on one
 * that is not (and the report says so); a {@link Sharding} entry of the spec shards a collection the source
 * does not shard, or re-keys one it does. A bad entry is refused here, naming it
 * ({@link dev.livemigrate.ErrorCode#INVALID_SHARDING_ENTRY}).
 *
 * <p>A collection created or sharded on the source after the start is decided when the migration meets it
 * ({@link DestinationSharding#shardedOnSource}); the decision joins the plan's maps, which are concurrent for that.
 *
 * @param keys          by source namespace, how its destination collection is sharded
 * @param unsharded     by source namespace, why a collection sharded on the source arrives unsharded
 * @param sourceSharded by source namespace, the selected collections the source shards, with their key and chunks
 *                      (their change events' {@code documentKey} carries the shard key)
 * @param source        what the source is
 * @param destination   what the destination is: whether it needs {@code enableSharding} before {@code shardCollection},
 *                      its shards
 */
public record ShardingPlan(Map<Namespace, ShardKey> keys, Map<Namespace, String> unsharded, Map<Namespace, SourceLayout> sourceSharded,
                           Topology source, Topology destination) {

    private static final Logger LOG = LoggerFactory.getLogger(ShardingPlan.class);

    /** Nothing sharded. */
    public static final ShardingPlan NONE = new ShardingPlan(Map.of(), Map.of(), Map.of(), Topology.UNSHARDED, Topology.UNSHARDED);

    /**
     * How the source shards a collection.
     *
     * @param key    its shard key
     * @param chunks its chunks in shard-key order, as {@code config.chunks} holds them
     */
    public record SourceLayout(BsonDocument key, List<ShardedCollections.Chunk> chunks) {
    }

    /**
     * How one destination collection is sharded.
     *
     * @param key             the shard key
     * @param unique          whether it is unique
     * @param collated        whether the collection has a default collation other than simple: then
     *                        {@code shardCollection} names the simple one, as MongoDB requires
     * @param supportingIndex the {@code createIndexes} spec of the index that supports the key, built before
     *                        {@code shardCollection}; empty when the {@code _id} index supports it
     * @param origin          where the key comes from, for the report
     */
    public record ShardKey(BsonDocument key, boolean unique, boolean collated, BsonDocument supportingIndex, String origin) {

        /** The {@code shardCollection} command for the destination collection {@code target}. */
        public BsonDocument shardCollection(Namespace target) {
            BsonDocument command = new BsonDocument("shardCollection", new BsonString(target.fullName()))
                    .append("key", key.clone()).append("unique", BsonBoolean.valueOf(unique));
            if (collated) {
                command.append("collation", new BsonDocument("locale", new BsonString("simple")));
            }
            return command;
        }

        String describe() {
            return "sharded on " + key.toJson() + (unique ? ", unique" : "") + (collated ? ", simple collation" : "") + " " + origin;
        }
    }

    /**
     * Asks both sides what they are and decides; reads the source's {@code config} database when it is sharded.
     *
     * @throws MigrationException {@link ErrorCode#SHARDING_METADATA_UNREADABLE} when the source refuses
     *                            {@code listShards} or the reads of its {@code config} database
     */
    public static ShardingPlan make(Sharding sharding, MongoClient source, MongoClient destination, Map<Namespace, CollectionInfo> selected) {
        Topology from = readable(() -> Topology.detect(source));
        Topology to = Topology.detect(destination);
        Map<Namespace, ShardedCollections.Info> sourceSharded = new LinkedHashMap<>();
        Map<Namespace, List<ShardedCollections.Chunk>> chunks = new LinkedHashMap<>();
        if (from.sharded()) {
            readable(() -> ShardedCollections.read(source)).forEach((ns, info) -> {
                if (selected.containsKey(ns)) {
                    sourceSharded.put(ns, info);
                    List<ShardedCollections.Chunk> read = readable(() -> ShardedCollections.chunks(source, info));
                    chunks.put(ns, read);
                    LOG.info("{} is sharded on the source on {}: {} chunk(s) on {}", ns, info.key().toJson(), read.size(),
                            read.stream().map(ShardedCollections.Chunk::shard).distinct().sorted().toList());
                }
            });
        }
        return plan(sharding, sourceSharded, to, selected, ns -> IndexSpecs.list(source, ns)).with(from, chunks);
    }

    private static <T> T readable(Supplier<T> read) {
        try {
            return read.get();
        } catch (MongoCommandException e) {
            if (Retries.isTransient(e)) {
                throw e;
            }
            throw new MigrationException(ErrorCode.SHARDING_METADATA_UNREADABLE, "the source is a sharded cluster whose shards and"
                    + " sharding metadata (listShards, config.collections, config.chunks) the migration's user may not read ("
                    + e.getErrorMessage() + "): grant the user clusterMonitor on the source, beside readAnyDatabase and backup", e);
        }
    }

    /**
     * Decides from what was read.
     *
     * @param sourceSharded the selected collections the source shards
     * @param sourceIndexes a source collection's {@code listIndexes} entries
     */
    static ShardingPlan plan(Sharding sharding, Map<Namespace, ShardedCollections.Info> sourceSharded, Topology destination,
                             Map<Namespace, CollectionInfo> selected, Function<Namespace, List<BsonDocument>> sourceIndexes) {
        if (!sharding.entries().isEmpty() && !destination.sharded()) {
            throw Sharding.invalid(sharding.entries().get(0).toString(), "the destination is not a sharded cluster (it does not"
                    + " answer hello as a mongos)", "point the destination at a mongos of a sharded cluster, or remove the sharding entries");
        }
        Map<Namespace, ShardKey> keys = new LinkedHashMap<>();
        Map<Namespace, String> unsharded = new LinkedHashMap<>();
        sourceSharded.forEach((ns, info) -> {
            if (!destination.sharded()) {
                unsharded.put(ns, notSharded(info));
            } else if (sharding.entry(ns) == null) {
                keys.put(ns, asOnSource(info, sourceIndexes.apply(ns), "as on the source"));
            }
        });
        for (Sharding.Entry entry : sharding.entries()) {
            keys.put(entry.namespace(), fromEntry(entry, selected.get(entry.namespace()), sharding.createSupportingIndexes(), sourceIndexes));
        }
        Map<Namespace, SourceLayout> layouts = new LinkedHashMap<>();
        sourceSharded.forEach((ns, info) -> layouts.put(ns, new SourceLayout(info.key(), List.of())));
        return keys.isEmpty() && unsharded.isEmpty() && !destination.sharded() ? NONE
                : new ShardingPlan(keys, unsharded, layouts, new Topology(!sourceSharded.isEmpty(), List.of(), 0), destination);
    }

    /** This plan with what the source is and the chunks of each collection it shards. */
    ShardingPlan with(Topology from, Map<Namespace, List<ShardedCollections.Chunk>> chunks) {
        if (this == NONE && !from.sharded()) {
            return this;
        }
        Map<Namespace, SourceLayout> layouts = new ConcurrentHashMap<>();
        sourceSharded.forEach((ns, layout) -> layouts.put(ns, new SourceLayout(layout.key(), List.copyOf(chunks.getOrDefault(ns, List.of())))));
        return new ShardingPlan(new ConcurrentHashMap<>(keys), new ConcurrentHashMap<>(unsharded), layouts, from, destination);
    }

    /** The key of a collection sharded alike on the destination as {@code info} says the source shards it. */
    static ShardKey asOnSource(ShardedCollections.Info info, List<BsonDocument> sourceIndexes, String origin) {
        return new ShardKey(info.key(), info.unique(), info.collated(),
                supportingIndex(info.key(), sourceIndexes, info.collated()).orElse(defaultIndex(info.key(), info.collated())), origin);
    }

    static String notSharded(ShardedCollections.Info info) {
        return "unsharded: the destination is not a sharded cluster (sharded on the source on " + info.key().toJson() + ")";
    }

    /** Whether the destination needs {@code enableSharding} on a database before {@code shardCollection}. */
    public boolean enableShardingFirst() {
        return destination.needsEnableSharding();
    }

    private static ShardKey fromEntry(Sharding.Entry entry, CollectionInfo info, boolean createSupportingIndexes,
                                      Function<Namespace, List<BsonDocument>> sourceIndexes) {
        if (info == null) {
            throw Sharding.invalid(entry.toString(), "the migration copies no collection " + entry.namespace()
                    + " (the source has none of that name, or the include and exclude rules leave it out)", "name a collection the migration copies");
        }
        String kind = info.isView() ? "a view" : info.isCapped() ? "a capped collection" : info.isTimeSeries() ? "a time-series collection" : null;
        if (kind != null) {
            throw Sharding.invalid(entry.toString(), entry.namespace() + " is " + kind + ", which the migration does not shard",
                    "remove the entry; it arrives unsharded");
        }
        boolean collated = info.options().isDocument("collation")
                && !"simple".equals(info.options().getDocument("collation").getString("locale", new BsonString("")).getValue());
        var found = supportingIndex(entry.key(), sourceIndexes.apply(entry.namespace()), collated);
        if (found.isEmpty() && !createSupportingIndexes) {
            throw Sharding.invalid(entry.toString(), "the source has no index on " + entry.namespace() + " that supports the key",
                    "create one on the source, or set createSupportingIndexes to have it created on the destination");
        }
        return new ShardKey(entry.key(), false, collated, found.orElse(defaultIndex(entry.key(), collated)), "as the sharding entry asks");
    }

    /**
     * The source index that supports a shard key: one whose key starts with the shard key's fields, in order and
     * of the same kinds, neither sparse nor partial, of the simple collation. An empty document when the
     * {@code _id} index does (a ranged key on {@code _id} alone).
     */
    static Optional<BsonDocument> supportingIndex(BsonDocument key, List<BsonDocument> indexes, boolean collated) {
        if (key.size() == 1 && key.containsKey("_id") && ranged(key.get("_id"))) {
            return Optional.of(new BsonDocument());
        }
        for (BsonDocument spec : IndexSpecs.secondaryCreateSpecs(indexes)) {
            BsonDocument indexKey = spec.getDocument("key");
            List<String> fields = new ArrayList<>(indexKey.keySet());
            List<String> wanted = new ArrayList<>(key.keySet());
            boolean prefix = fields.size() >= wanted.size() && fields.subList(0, wanted.size()).equals(wanted)
                    && wanted.stream().allMatch(f -> ranged(key.get(f)) ? ranged(indexKey.get(f)) : key.get(f).equals(indexKey.get(f)));
            boolean simple = !spec.isDocument("collation") || "simple".equals(spec.getDocument("collation").getString("locale").getValue());
            if (prefix && simple && !spec.getBoolean("sparse", BsonBoolean.FALSE).getValue() && !spec.containsKey("partialFilterExpression")) {
                BsonDocument supporting = spec.clone();
                if (collated && !supporting.containsKey("collation")) {
                    supporting.put("collation", new BsonDocument("locale", new BsonString("simple")));
                }
                return Optional.of(supporting);
            }
        }
        return Optional.empty();
    }

    /** An index on exactly the key, named as MongoDB names it ({@code field_1_other_hashed}). */
    private static BsonDocument defaultIndex(BsonDocument key, boolean collated) {
        String name = key.entrySet().stream().map(e -> e.getKey() + "_" + (e.getValue().isString() ? e.getValue().asString().getValue() : "1"))
                .collect(Collectors.joining("_"));
        BsonDocument index = new BsonDocument("key", key.clone()).append("name", new BsonString(name));
        if (collated) {
            index.append("collation", new BsonDocument("locale", new BsonString("simple")));
        }
        return index;
    }

    private static boolean ranged(BsonValue v) {
        return v instanceof BsonNumber n && n.doubleValue() == 1;
    }

    /** How the source shards a collection, or {@code null} when it does not. */
    public SourceLayout sourceLayout(Namespace source) {
        return sourceSharded.get(source);
    }

    /** Whether the source shards this collection. */
    public boolean sourceShards(Namespace source) {
        return sourceSharded.containsKey(source);
    }

    /** How a source collection's destination collection is sharded, or {@code null}. */
    public ShardKey of(Namespace source) {
        return keys.get(source);
    }

    /** The name of the index built before {@code shardCollection} for a source collection, or {@code null}. */
    public String supportingIndexName(Namespace source) {
        ShardKey k = keys.get(source);
        return k == null || !k.supportingIndex().containsKey("name") ? null
                : k.supportingIndex().getString("name").getValue();
    }

    /** For the report: by destination namespace, how each collection is sharded or why it is not. */
    public Map<String, String> report(Map<Namespace, Namespace> targets) {
        Map<String, String> report = new TreeMap<>();
        keys.forEach((ns, k) -> report.put(targets.getOrDefault(ns, ns).fullName(), k.describe()));
        unsharded.forEach((ns, why) -> report.put(targets.getOrDefault(ns, ns).fullName(), why));
        return report;
    }
}
