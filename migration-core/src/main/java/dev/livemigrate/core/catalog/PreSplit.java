package dev.livemigrate.core.catalog;

import com.mongodb.MongoException;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.RunContext;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonMaxKey;
import org.bson.BsonMinKey;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Spreads a freshly sharded, still empty destination collection over the destination's shards before its copy, so
 * that the copy's writes go to every shard from the first document instead of all to the primary shard until the
 * balancer catches up (and the balancer is best stopped during the copy). The collection is split at chunk boundaries
 * of the source ({@code split} with {@code middle}, https://www.mongodb.com/docs/manual/reference/command/split/), at
 * most {@value #RANGES_PER_SHARD} ranges per destination shard chosen evenly among them, and the ranges moved to the
 * shards in turn, adjacent ranges together ({@code moveChunk} with {@code bounds} and {@code to},
 * https://www.mongodb.com/docs/manual/reference/command/moveChunk/).
 *
 * <p>Only where the destination key is the source's, ranged (a hashed key is spread by {@code shardCollection}
 * itself), and there are two or more source chunks and destination shards. Best effort: a split or move the
 * destination refuses (one already done by an earlier run, a range already on its shard) is logged, and the copy goes
 * on; it moves documents, never decides which.
 */
final class PreSplit {

    private static final Logger LOG = LoggerFactory.getLogger(PreSplit.class);
    static final int RANGES_PER_SHARD = 4;

    private PreSplit() {
    }

    static void spread(RunContext run, ShardingPlan plan, Namespace source, Namespace target) {
        ShardingPlan.ShardKey key = plan.of(source);
        ShardingPlan.SourceLayout layout = plan.sourceLayout(source);
        List<Topology.Shard> shards = plan.destination().shards();
        if (layout == null || !layout.key().equals(key.key()) || key.key().values().stream().anyMatch(BsonValue::isString)
                || layout.chunks().size() < 2 || shards.size() < 2) {
            return;
        }
        List<BsonDocument> bounds = bounds(key.key(), layout.chunks(), shards.size() * RANGES_PER_SHARD);
        int refused = 0;
        for (int i = 1; i < bounds.size() - 1; i++) {
            refused += run(run, new BsonDocument("split", new BsonString(target.fullName())).append("middle", bounds.get(i)), target);
        }
        int ranges = bounds.size() - 1;
        for (int i = 0; i < ranges; i++) {
            String shard = shards.get(i * shards.size() / ranges).id();
            refused += run(run, new BsonDocument("moveChunk", new BsonString(target.fullName()))
                    .append("bounds", new BsonArray(List.of(bounds.get(i), bounds.get(i + 1)))).append("to", new BsonString(shard)), target);
        }
        LOG.info("{}: spread over {} destination shard(s) in {} range(s) along the source's chunks{}", target, shards.size(), ranges,
                refused == 0 ? "" : " (" + refused + " split(s) or move(s) refused; the balancer may spread it later)");
    }

    /**
     * The ranges' bounds in key order: the key's lowest value, up to {@code ranges - 1} chunk boundaries chosen evenly
     * among the source's, and the key's highest value.
     */
    static List<BsonDocument> bounds(BsonDocument key, List<ShardedCollections.Chunk> chunks, int ranges) {
        List<BsonDocument> bounds = new ArrayList<>();
        BsonDocument lowest = new BsonDocument();
        BsonDocument highest = new BsonDocument();
        key.keySet().forEach(f -> {
            lowest.put(f, new BsonMinKey());
            highest.put(f, new BsonMaxKey());
        });
        bounds.add(lowest);
        bounds.addAll(ShardedCollections.boundaries(chunks, ranges));
        bounds.add(highest);
        return bounds;
    }

    /** Runs one command on the destination's admin database; 1 when it was refused. */
    private static int run(RunContext run, BsonDocument command, Namespace target) {
        try {
            run.destination().getDatabase("admin").runCommand(command);
            return 0;
        } catch (MongoException e) {
            LOG.warn("{}: {} refused: {}", target, command.toJson(), e.getMessage());
            return 1;
        }
    }
}
