package dev.livemigrate.core.catalog;

import com.mongodb.MongoCommandException;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.Retries;
import dev.livemigrate.core.RunContext;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;

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

    /**
     * Shards {@code target} if the plan shards the source collection {@code info}, and spreads it over the destination's
     * shards; does nothing otherwise. A collection the plan did not know at the start (created on the source since) is
     * decided now, from what the source's {@code config.collections} says of it.
     */
    public static void shard(RunContext run, CollectionInfo info, Namespace target) {
        ShardingPlan plan = run.selection().sharding();
        ShardingPlan.ShardKey key = plan.of(info.namespace());
        if (key == null && !run.selection().collections().containsKey(info.namespace())) {
            key = decide(run, info.namespace(), null);
        }
        if (key != null) {
            shard(run, info.namespace(), key, target);
            PreSplit.spread(run, plan, info.namespace(), target);
        }
    }

    /**
     * A collection of the migration was sharded on the source during sync (a {@code shardCollection} event, MongoDB
     * 6.0+ with expanded events: https://www.mongodb.com/docs/manual/reference/change-events/shardCollection/, whose
     * {@code operationDescription} holds {@code shardKey} and {@code unique}): its destination collection, which holds
     * documents already, is sharded alike where the destination is a sharded cluster (its supporting index first);
     * otherwise the report says it arrives unsharded. One the plan already shards (at the start, or when it was
     * created) is left as it is.
     */
    public static void shardedOnSource(RunContext run, Namespace source, Namespace target, BsonDocument description) {
        if (run.selection().sharding().of(source) != null) {
            return;
        }
        ShardingPlan.ShardKey key = decide(run, source, description);
        if (key != null) {
            shard(run, source, key, target);
        }
    }

    /**
     * Decides how a collection the plan did not shard is sharded on the destination: as {@code config.collections} now
     * says the source shards it (or as the event says, where the entry cannot be found), when the destination is a
     * sharded cluster; recorded in the plan. {@code null} when the source does not shard it, or the destination cannot.
     */
    private static ShardingPlan.ShardKey decide(RunContext run, Namespace source, BsonDocument event) {
        ShardingPlan plan = run.selection().sharding();
        if (!plan.source().sharded()) {
            return null;
        }
        Optional<ShardedCollections.Info> info = ShardedCollections.read(run.source(), source);
        if (info.isEmpty() && event != null && event.isDocument("shardKey")) {
            info = Optional.of(new ShardedCollections.Info(source, event.getDocument("shardKey"),
                    event.getBoolean("unique", BsonBoolean.FALSE).getValue(), new BsonDocument(), null, false));
        }
        if (info.isEmpty()) {
            return null;
        }
        plan.sourceSharded().putIfAbsent(source, new ShardingPlan.SourceLayout(info.get().key(), List.of()));
        if (!plan.destination().sharded()) {
            plan.unsharded().put(source, ShardingPlan.notSharded(info.get()));
            LOG.info("{} is sharded on the source on {}; it arrives unsharded: the destination is no sharded cluster",
                    source, info.get().key().toJson());
            return null;
        }
        ShardingPlan.ShardKey key = ShardingPlan.asOnSource(info.get(), IndexSpecs.list(run.source(), source),
                "as on the source (sharded there during the migration)");
        plan.keys().put(source, key);
        return key;
    }

    private static void shard(RunContext run, Namespace source, ShardingPlan.ShardKey key, Namespace target) {
        if (run.selection().sharding().enableShardingFirst()) {
            admin(run, new BsonDocument("enableSharding", new BsonString(target.database())), target);
        }
        if (key.supportingIndex().containsKey("key")) {
            BsonDocument index = key.supportingIndex();
            if (!key.unique() && run.spec().continuousSync() && IndexRelaxation.needsRelaxing(index)) {
                run.metadata().recordRelaxedIndex(run.id(), source, index);
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
