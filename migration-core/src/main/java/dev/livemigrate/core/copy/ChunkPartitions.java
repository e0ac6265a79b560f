package dev.livemigrate.core.copy;

import com.mongodb.client.MongoCollection;
import dev.livemigrate.core.catalog.ShardedCollections;
import dev.livemigrate.core.catalog.ShardedCollections.Chunk;
import org.bson.BsonDocument;
import org.bson.BsonNumber;
import org.bson.BsonValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Copy partitions that follow a sharded source collection's chunk ranges: each partition is a range of the shard key,
 * so the mongos sends its read to the shard (or the few shards) that own it and partitions read in parallel spread over
 * the shards, with no {@code $sample} scattered over every shard to plan them. Chosen where the key is a single ranged
 * field (a hashed or compound key's ranges are no plain query) and there are at least half as many chunks as the
 * partitions the collection's size asks for; otherwise the copy plans by {@code _id} ({@link Partitioner}).
 *
 * <p>A range that crosses BSON types is cut per {@link IdBracket}, as {@link Partitioner} does for {@code _id}, and a
 * document without the key field (sharded as null) falls into the null bracket's partition: together the partitions
 * select every document once. Adjacent chunks are merged when there are more chunks than partitions wanted.
 */
final class ChunkPartitions {

    private static final Logger LOG = LoggerFactory.getLogger(ChunkPartitions.class);
    /** Brackets of a single value (or none to split): a chunk boundary there cuts nothing. */
    private static final Set<IdBracket> UNSPLIT = Set.of(IdBracket.MIN_KEY, IdBracket.UNDEFINED, IdBracket.NULL, IdBracket.MAX_KEY);

    private ChunkPartitions() {
    }

    /**
     * Partitions along the chunks, or empty where the key or the chunks do not suit.
     *
     * @param target how many partitions the collection's size asks for
     */
    static Optional<List<Partition>> plan(MongoCollection<BsonDocument> collection, BsonDocument key, List<Chunk> chunks, int target) {
        if (!ranged(key) || chunks.size() < 2 || chunks.size() * 2L < target) {
            return Optional.empty();
        }
        String field = key.getFirstKey();
        List<Partition> partitions = plan(field, chunks, target, bracket -> Partitioner.holds(collection, field, bracket));
        LOG.info("{}: {} partition(s) along {} chunk(s) of the shard key {}", collection.getNamespace(), partitions.size(),
                chunks.size(), key.toJson());
        return Optional.of(partitions);
    }

    /** The partitions on {@code field} whose boundaries are chunk boundaries, at most about {@code target} of them. */
    static List<Partition> plan(String field, List<Chunk> chunks, int target, Predicate<IdBracket> holds) {
        Map<IdBracket, List<BsonValue>> splits = new LinkedHashMap<>();
        BsonValue previous = null;
        for (BsonDocument bound : ShardedCollections.boundaries(chunks, Math.max(2, target))) {
            BsonValue boundary = bound.get(field);
            IdBracket bracket = boundary == null ? IdBracket.NULL : IdBracket.of(boundary);
            if (UNSPLIT.contains(bracket) || boundary.equals(previous)) {
                continue;
            }
            splits.computeIfAbsent(bracket, b -> new ArrayList<>()).add(boundary);
            previous = boundary;
        }
        return Partitioner.partitions(field, splits, IdBracket.MIN_KEY, IdBracket.MAX_KEY, holds);
    }

    /** A key of one field, ranged ({@code 1}), not hashed. */
    static boolean ranged(BsonDocument key) {
        return key.size() == 1 && key.values().iterator().next() instanceof BsonNumber n && n.doubleValue() == 1;
    }
}
