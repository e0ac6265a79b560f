package dev.livemigrate.core.copy;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoCollection;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.RunContext;
import dev.livemigrate.core.catalog.CollectionInfo;
import dev.livemigrate.core.catalog.DestinationCollections;
import dev.livemigrate.core.catalog.IndexSpecs;
import dev.livemigrate.core.catalog.ShardingPlan;
import dev.livemigrate.core.catalog.SourceCatalog;
import dev.livemigrate.core.state.MetadataStore.CollectionStatus;
import dev.livemigrate.core.catalog.IndexRelaxation;
import org.bson.BsonDocument;
import org.bson.RawBsonDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Copies one collection whole while the migration syncs: one that the catalog shows and no change
 * event accounts for (created with its documents by a rename, {@code $out}, a restore), or one renamed
 * into the selection. The target is dropped and created again (relaxed for syncing), the source's
 * current documents copied partition by partition (a capped or time-series collection in one, emptied
 * before each attempt), the indexes built, and the collection marked DONE.
 *
 * <p>The caller holds back the collection's change events until this returns and replays them from a
 * point taken before it started: replay over a later snapshot converges, exactly as after the initial
 * copy. A copy cut short (a crash) leaves the collection not DONE, and is done again whole.
 */
public final class CollectionCopy {

    private static final Logger LOG = LoggerFactory.getLogger(CollectionCopy.class);

    private CollectionCopy() {
    }

    /** @return the documents copied */
    public static long copyWhole(RunContext run, CollectionInfo info, Namespace target) {
        Namespace ns = info.namespace();
        run.metadata().setStatus(run.id(), ns, CollectionStatus.CREATED);
        run.metadata().forgetRelaxedIndexes(run.id(), ns);
        recreate(run, info, target);
        SourceCatalog.Stats stats = SourceCatalog.stats(run.source(), ns);
        MongoCollection<RawBsonDocument> from = run.source().getDatabase(ns.database()).getCollection(ns.collection(), RawBsonDocument.class);
        MongoCollection<RawBsonDocument> to = run.destination().getDatabase(target.database())
                .getCollection(target.collection(), RawBsonDocument.class);
        List<Partition> plan = plan(run, info, stats);
        PartitionCopier copier = copier(run, info);
        int cursorBatch = cursorBatchSize(stats, run.spec().batchSizeBytes());
        long documents = 0;
        for (Partition partition : plan) {
            documents += run.retries().run("copying partition " + partition.index() + " of " + ns, () -> {
                if (inOneStream(info)) {
                    recreate(run, info, target); // what a failed attempt inserted must not stay
                }
                return copier.copy(from, to, partition, cursorBatch, () -> false, (d, b) -> { });
            }).documents();
        }
        buildIndexes(run, ns, target);
        run.metadata().setStatus(run.id(), ns, CollectionStatus.DONE);
        LOG.info("{} copied whole to {} during sync: {} document(s)", ns, target, documents);
        return documents;
    }

    /**
     * Whether a collection is copied as one partition, emptied before each attempt: a capped collection
     * (read in natural order and inserted in order, so the destination evicts what the source evicts) and a
     * time-series collection (no unique {@code _id}: a document copied twice would be a second measurement).
     */
    static boolean inOneStream(CollectionInfo info) {
        return info.isCapped() || info.isTimeSeries();
    }

    /**
     * The partitions of a collection: one for a collection copied in one stream; along the source's chunks where it
     * shards the collection on one ranged field and the collection compares strings in binary order (chunk boundaries
     * are in that order; a collated query would not select their ranges) ({@link ChunkPartitions}); else by
     * {@code _id}.
     */
    static List<Partition> plan(RunContext run, CollectionInfo info, SourceCatalog.Stats stats) {
        Namespace ns = info.namespace();
        if (inOneStream(info)) {
            return List.of(Partition.whole());
        }
        MongoCollection<BsonDocument> source = run.source().getDatabase(ns.database()).getCollection(ns.collection(), BsonDocument.class);
        ShardingPlan.SourceLayout layout = run.selection().sharding().sourceLayout(ns);
        int target = Partitioner.target(stats.count(), stats.sizeBytes(), run.spec().partitionSizeBytes());
        if (layout != null && target > 1 && !info.options().isDocument("collation")) {
            Optional<List<Partition>> byChunks = ChunkPartitions.plan(source, layout.key(), layout.chunks(), target);
            if (byChunks.isPresent()) {
                return byChunks.get();
            }
        }
        return Partitioner.plan(source, stats.count(), stats.sizeBytes(), run.spec().partitionSizeBytes());
    }

    /** The copier for a collection's partitions: in natural order for a capped collection. */
    static PartitionCopier copier(RunContext run, CollectionInfo info) {
        return new PartitionCopier(run.spec().batchSizeBytes(), info.isCapped());
    }

    /** Drops the destination collection and creates it again, empty, as the run needs it. */
    static void recreate(RunContext run, CollectionInfo info, Namespace target) {
        run.destination().getDatabase(target.database()).getCollection(target.collection()).drop();
        DestinationCollections.create(run, info, target);
    }

    /**
     * Builds a copied collection's secondary indexes as the source defines them, relaxed for syncing
     * where needed (the originals recorded); returns how many. The index that supports a shard key was
     * built before the copy ({@link dev.livemigrate.core.catalog.DestinationSharding}) and is left alone.
     */
    static int buildIndexes(RunContext run, Namespace ns, Namespace target) {
        List<BsonDocument> indexes = new ArrayList<>();
        String supporting = run.selection().sharding().supportingIndexName(ns);
        for (BsonDocument index : IndexSpecs.secondaryCreateSpecs(IndexSpecs.list(run.source(), ns))) {
            if (index.getString("name").getValue().equals(supporting)) {
                continue;
            }
            if (run.spec().continuousSync() && IndexRelaxation.needsRelaxing(index)) {
                run.metadata().recordRelaxedIndex(run.id(), ns, index);
                indexes.add(IndexRelaxation.relax(index));
            } else {
                indexes.add(index);
            }
        }
        if (!indexes.isEmpty()) {
            try {
                DestinationCollections.createIndexes(run.destination(), target, indexes);
            } catch (MongoCommandException e) {
                throw new MigrationException(ErrorCode.DESTINATION_WRITE_FAILED, "building the indexes of " + target
                        + " on the destination failed: " + e.getErrorMessage()
                        + ". Fix the cause and resume the migration with the same id", e);
            }
        }
        LOG.info("{} copied to {} with {} secondary index(es)", ns, target, indexes.size());
        return indexes.size();
    }

    /** Documents per cursor batch: about a write batch's worth of bytes, from the collection's average size. */
    static int cursorBatchSize(SourceCatalog.Stats stats, long batchSizeBytes) {
        long average = stats.count() > 0 && stats.sizeBytes() > 0 ? Math.max(1, stats.sizeBytes() / stats.count()) : 1024;
        return (int) Math.max(101, Math.min(100_000, batchSizeBytes / average));
    }
}
