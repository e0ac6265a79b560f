package dev.livemigrate.core.catalog;

import com.mongodb.MongoCommandException;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.Retries;
import dev.livemigrate.core.RunContext;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Shards a destination collection as the run's {@link ShardingPlan} says, right after the collection is
 * created and before a document is copied into it: {@code enableSharding} on its database where the
 * destination is older than 6.0, the index that supports the key (relaxed for syncing as any other index,
 * unless the key is unique, which {@code shardCollection} needs enforced), then {@code shardCollection} with
 * the key, {@code unique} and, for a collection with a default collation, the simple collation
 * (https://www.mongodb.com/docs/manual/reference/command/shardCollection/). Repeating it (a resumed run, a
 * collection created again) is harmless: the index exists with the same definition, and a server that
 * reports a database or collection as already sharded (AlreadyInitialized, before 5.0) is taken at its word.
 * Then the still empty collection is spread over the destination's shards along the source's chunks ({@link PreSplit}).
 */
public final class DestinationSharding {

    private static final Logger LOG = LoggerFactory.getLogger(DestinationSharding.class);
    private static final int ALREADY_INITIALIZED = 23;

    private DestinationSharding() {
    }

    /** Shards {@code target} if the plan shards the source collection {@code info}; does nothing otherwise. */
    public static void shard(RunContext run, CollectionInfo info, Namespace target) {
        ShardingPlan plan = run.selection().sharding();
        ShardingPlan.ShardKey key = plan.of(info.namespace());
        if (key == null) {
            return;
        }
        if (plan.enableShardingFirst()) {
            admin(run, new BsonDocument("enableSharding", new BsonString(target.database())), target);
        }
        if (key.supportingIndex().containsKey("key")) {
            BsonDocument index = key.supportingIndex();
            if (!key.unique() && run.spec().continuousSync() && IndexRelaxation.needsRelaxing(index)) {
                run.metadata().recordRelaxedIndex(run.id(), info.namespace(), index);
                index = IndexRelaxation.relax(index);
            }
            try {
                DestinationCollections.createIndexes(run.destination(), target, List.of(index));
            } catch (MongoCommandException e) {
                throw failure(target, "building the index " + index.toJson() + " that supports the shard key", e);
            }
        }
        admin(run, key.shardCollection(target), target);
        LOG.info("{} {} on the destination", target, key.describe());
        PreSplit.spread(run, plan, info.namespace(), target);
    }

    private static void admin(RunContext run, BsonDocument command, Namespace target) {
        try {
            run.destination().getDatabase("admin").runCommand(command);
        } catch (MongoCommandException e) {
            if (e.getErrorCode() != ALREADY_INITIALIZED) {
                throw failure(target, command.getFirstKey() + " " + command.toJson(), e);
            }
        }
    }

    private static RuntimeException failure(Namespace target, String what, MongoCommandException e) {
        if (Retries.isTransient(e)) {
            return e;
        }
        return new MigrationException(ErrorCode.DESTINATION_WRITE_FAILED, "sharding " + target + " on the destination failed at "
                + what + ": " + e.getErrorMessage() + ". Check that the migration's user may shard collections on the destination"
                + " (clusterManager) and that the destination does not hold the collection sharded otherwise, then resume the"
                + " migration with the same id", e);
    }
}
