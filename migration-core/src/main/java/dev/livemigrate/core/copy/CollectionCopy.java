package dev.livemigrate.core.copy;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoCollection;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.Retries;
import dev.livemigrate.core.RunContext;
import dev.livemigrate.core.catalog.CollectionInfo;
import dev.livemigrate.core.catalog.DestinationCollections;
import dev.livemigrate.core.catalog.IndexSpecs;
import dev.livemigrate.core.catalog.SourceCatalog;
import dev.livemigrate.core.state.MetadataStore.CollectionStatus;
import dev.livemigrate.core.sync.IndexRelaxation;
import org.bson.BsonDocument;
import org.bson.RawBsonDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Copies one collection whole while the migration syncs: one that the catalog shows and no change
 * event accounts for (created with its documents by a rename, {@code $out}, a restore), or one renamed
 * into the selection. The target is dropped and created again (relaxed for syncing), the source's
 * current documents copied partition by partition, the indexes built, and the collection marked DONE.
 *
 * <p>The caller holds back the collection's change events until this returns and replays them from a
 * point taken before it started: replay over a later snapshot converges, exactly as after the initial
 * copy. A copy cut short (a crash) leaves the collection not DONE, and is done again whole.
 */
public final class CollectionCopy {

    private static final Logger LOG = LoggerFactory.getLogger(CollectionCopy.class);
    private static final int COPY_ATTEMPTS = 5;

    private CollectionCopy() {
    }

    /** @return the documents copied */
    public static long copyWhole(RunContext run, CollectionInfo info, Namespace target) {
        Namespace ns = info.namespace();
        run.metadata().setStatus(run.id(), ns, CollectionStatus.CREATED);
        run.destination().getDatabase(target.database()).getCollection(target.collection()).drop();
        run.metadata().forgetRelaxedIndexes(run.id(), ns);
        DestinationCollections.create(run.destination(), info, target, true);
        SourceCatalog.Stats stats = SourceCatalog.stats(run.source(), ns);
        MongoCollection<RawBsonDocument> from = run.source().getDatabase(ns.database()).getCollection(ns.collection(), RawBsonDocument.class);
        MongoCollection<RawBsonDocument> to = run.destination().getDatabase(target.database())
                .getCollection(target.collection(), RawBsonDocument.class);
        List<Partition> plan = Partitioner.plan(run.source().getDatabase(ns.database()).getCollection(ns.collection(), BsonDocument.class),
                stats.count(), stats.sizeBytes(), run.spec().partitionSizeBytes());
        PartitionCopier copier = new PartitionCopier(run.spec().batchSizeBytes());
        int cursorBatch = cursorBatchSize(stats, run.spec().batchSizeBytes());
        long documents = 0;
        for (Partition partition : plan) {
            documents += Retries.run("copying partition " + partition.index() + " of " + ns, COPY_ATTEMPTS,
                    () -> copier.copy(from, to, partition, cursorBatch, () -> false, (d, b) -> { })).documents();
        }
        buildIndexes(run, ns, target);
        run.metadata().setStatus(run.id(), ns, CollectionStatus.DONE);
        LOG.info("{} copied whole to {} during sync: {} document(s)", ns, target, documents);
        return documents;
    }

    /**
     * Builds a copied collection's secondary indexes as the source defines them, relaxed for syncing
     * where needed (the originals recorded); returns how many.
     */
    static int buildIndexes(RunContext run, Namespace ns, Namespace target) {
        List<BsonDocument> indexes = new ArrayList<>();
        for (BsonDocument index : IndexSpecs.secondaryCreateSpecs(run.source().getDatabase(ns.database())
                .getCollection(ns.collection(), BsonDocument.class).listIndexes(BsonDocument.class).into(new ArrayList<>()))) {
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
