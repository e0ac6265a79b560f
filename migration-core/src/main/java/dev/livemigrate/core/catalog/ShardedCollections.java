package dev.livemigrate.core.catalog;

import com.mongodb.client.MongoClient;
import dev.livemigrate.Namespace;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a sharded cluster's {@code config} database says of its sharded collections, read through mongos:
 * each collection's shard key, whether it is unique and the collection's default collation from
 * {@code config.collections}, and its chunk ranges from {@code config.chunks}.
 *
 * <p>The documents' fields are those of the server's {@code CollectionType}
 * (src/mongo/s/catalog/type_collection.idl in mongodb/mongo: {@code _id} the namespace, {@code key},
 * {@code unique}, {@code defaultCollation}, {@code uuid}, {@code timestamp} from 5.0), and before 5.0
 * {@code dropped: true} for a dropped collection. Chunks: before 5.0 each carries the namespace in
 * {@code ns}; from 5.0 the collection's {@code uuid} instead (SERVER-53105). A {@code config.collections}
 * entry with a {@code timestamp} has chunks by {@code uuid}, one without has them by {@code ns} (how the shell
 * tells them apart, MONGOSH-1179).
 */
public final class ShardedCollections {

    private ShardedCollections() {
    }

    /**
     * A sharded collection.
     *
     * @param namespace        its namespace
     * @param key              the shard key pattern
     * @param unique           whether the shard key is unique
     * @param defaultCollation the collection's default collation; empty for the simple collation
     * @param uuid             the collection's UUID ({@code null} when the entry has none)
     * @param chunksByUuid     whether its chunks are found by {@code uuid} (5.0+) rather than by {@code ns}
     */
    public record Info(Namespace namespace, BsonDocument key, boolean unique, BsonDocument defaultCollation, BsonValue uuid,
                       boolean chunksByUuid) {

        /** Whether the collection has a default collation other than the simple one. */
        public boolean collated() {
            return !defaultCollation.isEmpty() && !"simple".equals(defaultCollation.getString("locale", new BsonString("")).getValue());
        }
    }

    /** A chunk: the shard-key range {@code [min, max)} and the shard holding it. */
    public record Chunk(BsonDocument min, BsonDocument max, String shard) {
    }

    /** Every sharded collection outside the internal databases ({@code config.system.sessions} is always one). */
    public static Map<Namespace, Info> read(MongoClient mongos) {
        Map<Namespace, Info> found = new LinkedHashMap<>();
        for (BsonDocument entry : mongos.getDatabase("config").getCollection("collections", BsonDocument.class).find()) {
            parse(entry).ifPresent(info -> found.put(info.namespace(), info));
        }
        return found;
    }

    /** What {@code config.collections} says of one collection; empty when it is not sharded. */
    public static Optional<Info> read(MongoClient mongos, Namespace ns) {
        BsonDocument entry = mongos.getDatabase("config").getCollection("collections", BsonDocument.class)
                .find(new BsonDocument("_id", new BsonString(ns.fullName()))).first();
        return entry == null ? Optional.empty() : parse(entry);
    }

    /**
     * The lower bounds of up to {@code groups} runs of adjacent chunks, as even in chunk count as can be, in key order,
     * without the first run's (the key's lowest value): where a collection is cut into about {@code groups} ranges.
     */
    public static List<BsonDocument> boundaries(List<Chunk> chunks, int groups) {
        int runs = Math.min(chunks.size(), groups);
        List<BsonDocument> bounds = new ArrayList<>();
        for (int g = 1; g < runs; g++) {
            BsonDocument boundary = chunks.get((int) ((long) g * chunks.size() / runs)).min();
            if (bounds.isEmpty() || !boundary.equals(bounds.get(bounds.size() - 1))) {
                bounds.add(boundary);
            }
        }
        return bounds;
    }

    /** One {@code config.collections} document; empty for a dropped collection or an internal namespace. */
    public static Optional<Info> parse(BsonDocument entry) {
        if (entry.getBoolean("dropped", BsonBoolean.FALSE).getValue() || !entry.isDocument("key")) {
            return Optional.empty();
        }
        Namespace ns = Namespace.parse(entry.getString("_id").getValue());
        if (NamespaceMapper.isInternal(ns)) {
            return Optional.empty();
        }
        return Optional.of(new Info(ns, entry.getDocument("key"), entry.getBoolean("unique", BsonBoolean.FALSE).getValue(),
                entry.getDocument("defaultCollation", new BsonDocument()), entry.get("uuid"), entry.containsKey("timestamp")));
    }

    /** The filter that finds a collection's chunks in {@code config.chunks}. */
    public static BsonDocument chunkFilter(Info collection) {
        return collection.chunksByUuid() && collection.uuid() != null ? new BsonDocument("uuid", collection.uuid())
                : new BsonDocument("ns", new BsonString(collection.namespace().fullName()));
    }

    /** A collection's chunks, in shard-key order. */
    public static List<Chunk> chunks(MongoClient mongos, Info collection) {
        List<Chunk> chunks = new ArrayList<>();
        mongos.getDatabase("config").getCollection("chunks", BsonDocument.class).find(chunkFilter(collection))
                .sort(new BsonDocument("min", new BsonInt32(1))).forEach(c -> chunks.add(chunk(c)));
        return chunks;
    }

    /** One {@code config.chunks} document, in either shape. */
    public static Chunk chunk(BsonDocument entry) {
        return new Chunk(entry.getDocument("min"), entry.getDocument("max"), entry.getString("shard").getValue());
    }
}
