package dev.livemigrate.core.catalog;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoClient;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.Clients;
import dev.livemigrate.core.Retries;
import dev.livemigrate.core.RunContext;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonString;

import java.util.List;

/**
 * Creates collections and indexes on the destination, as the copy and the sync both need them: with the
 * source's options, relaxed for syncing when asked ({@link IndexRelaxation}), keeping what an earlier
 * run already created.
 */
public final class DestinationCollections {

    private static final int NAMESPACE_EXISTS = 48;

    private DestinationCollections() {
    }

    /**
     * Creates a collection or view with the source's options; one that exists already (created before a
     * crash, or replayed) is kept.
     *
     * @param relax whether to create it as syncing needs it (a capped collection larger)
     * @throws MigrationException {@link ErrorCode#DESTINATION_WRITE_FAILED} when the destination refuses it
     */
    public static void create(MongoClient destination, CollectionInfo info, Namespace target, boolean relax) {
        BsonDocument command = info.createCommand(target);
        try {
            destination.getDatabase(target.database()).runCommand(relax ? IndexRelaxation.relaxCreate(command) : command);
        } catch (MongoCommandException e) {
            if (e.getErrorCode() == NAMESPACE_EXISTS) {
                return;
            }
            if (Retries.isTransient(e)) {
                throw e;
            }
            throw new MigrationException(ErrorCode.DESTINATION_WRITE_FAILED, "creating " + target
                    + " on the destination failed: " + e.getErrorMessage()
                    + ". Check the destination's version supports the collection's options", e);
        }
    }

    /**
     * Creates a collection as the run needs it: relaxed for syncing when the migration syncs, with the
     * original size and maximum of a capped collection recorded to restore at cutover, and sharded when the
     * run's {@link ShardingPlan} says so ({@link DestinationSharding}), before any document goes in.
     */
    public static void create(RunContext run, CollectionInfo info, Namespace target) {
        boolean relax = run.spec().continuousSync();
        create(run.destination(), info, target, relax);
        DestinationSharding.shard(run, info, target);
        if (relax && info.isCapped()) {
            BsonDocument original = new BsonDocument();
            for (String option : List.of("size", "max")) {
                if (info.options().containsKey(option)) {
                    original.put(option, info.options().get(option));
                }
            }
            run.metadata().recordRelaxedCapped(run.id(), info.namespace(), original);
        }
    }

    /** Builds indexes on a destination collection with one {@code createIndexes} command. */
    public static void createIndexes(MongoClient destination, Namespace target, List<BsonDocument> indexes) {
        Clients.unbounded(destination.getDatabase(target.database())).runCommand(new BsonDocument("createIndexes", new BsonString(target.collection()))
                .append("indexes", new BsonArray(indexes)));
    }
}
