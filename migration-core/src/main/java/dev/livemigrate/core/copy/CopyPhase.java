package dev.livemigrate.core.copy;

import com.mongodb.client.MongoCollection;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.ProgressCounters;
import dev.livemigrate.core.RunContext;
import dev.livemigrate.core.RunSignals;
import dev.livemigrate.core.catalog.CollectionInfo;
import dev.livemigrate.core.catalog.DestinationCollections;
import dev.livemigrate.core.catalog.SourceCatalog;
import dev.livemigrate.core.state.CollectionRecord;
import dev.livemigrate.core.state.MetadataStore;
import dev.livemigrate.core.state.MetadataStore.CollectionStatus;
import org.bson.BsonTimestamp;
import org.bson.RawBsonDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The initial copy of every selected collection: plans each collection's partitions once, copies them
 * in parallel ({@code copyParallelism} at a time), builds each collection's indexes once its partitions
 * are copied, and creates the views last. Every step is recorded in the metadata, so a run started again
 * skips what is done: finished partitions and collections are not copied again, and an unfinished
 * partition is copied again whole (documents already there are recognised by their duplicate key). A
 * capped or time-series collection is one partition, copied in one stream into a collection emptied
 * before each attempt ({@link CollectionCopy#inOneStream}).
 */
public final class CopyPhase {

    private static final Logger LOG = LoggerFactory.getLogger(CopyPhase.class);

    private final RunContext run;
    private final ProgressCounters counters;
    private final RunSignals signals;
    private final PartitionCopier copier;
    private volatile TaskGroup group;

    public CopyPhase(RunContext run, ProgressCounters counters, RunSignals signals) {
        this.run = run;
        this.counters = counters;
        this.signals = signals;
        this.copier = new PartitionCopier(run.spec().batchSizeBytes());
    }

    /**
     * Where a run starts from.
     *
     * @param startAt   the start point of change capture: the one recorded when the migration first ran
     * @param createdAt when the migration first ran
     */
    public record Start(BsonTimestamp startAt, Instant createdAt) {
    }

    /**
     * Drops conflicting namespaces when asked to, records the migration (or finds it recorded) and creates
     * the destination collections not created yet.
     */
    public Start prepare(Instant now) {
        for (Namespace conflict : run.selection().conflictsToDrop()) {
            LOG.info("dropping {} on the destination (clear-destination is set)", conflict);
            run.destination().getDatabase(conflict.database()).getCollection(conflict.collection()).drop();
        }
        MetadataStore metadata = run.metadata();
        Start start;
        if (metadata.migration(run.id()).isEmpty()) {
            start = new Start(run.capturedStartAt(), now);
            metadata.createMigration(run.id(), run.fingerprint(), start.startAt(), now);
        } else {
            start = new Start(metadata.startAt(run.id()).orElse(run.capturedStartAt()), metadata.createdAt(run.id()).orElse(now));
            LOG.info("resuming migration {} (changes from {})", run.id(), start.startAt());
        }
        run.selection().collections().forEach((ns, info) ->
                metadata.recordCollection(run.id(), ns, run.selection().target(ns), info.type()));
        Map<Namespace, CollectionRecord> records = metadata.collections(run.id());
        for (CollectionInfo info : run.selection().collections().values()) {
            if (!info.isView() && !records.get(info.namespace()).reached(CollectionStatus.CREATED)) {
                DestinationCollections.create(run, info, run.selection().target(info.namespace()));
                metadata.setStatus(run.id(), info.namespace(), CollectionStatus.CREATED);
            }
        }
        return start;
    }

    /** Copies what is not copied yet; returns when all is, or throws the first failure. */
    public void copy() throws InterruptedException {
        List<CollectionInfo> collections = run.selection().collections().values().stream().filter(i -> !i.isView()).toList();
        Map<Namespace, CollectionRecord> records = run.metadata().collections(run.id());
        Map<Namespace, Map<Integer, long[]>> done = run.metadata().donePartitions(run.id());

        Map<Namespace, Runnable> work = new LinkedHashMap<>();
        long bytes = 0;
        long documents = 0;
        for (CollectionInfo info : collections) {
            CollectionRecord record = records.get(info.namespace());
            Map<Integer, long[]> finished = done.getOrDefault(info.namespace(), Map.of());
            finished.values().forEach(f -> counters.copied(f[0], f[1]));
            if (record.reached(CollectionStatus.DONE)) {
                counters.collectionDone();
            }
            SourceCatalog.Stats stats = record.reached(CollectionStatus.PLANNED)
                    ? new SourceCatalog.Stats(record.count(), record.sizeBytes())
                    : run.retries().run("reading the size of " + info.namespace(), () -> SourceCatalog.stats(run.source(), info.namespace()));
            bytes += stats.sizeBytes();
            documents += stats.count();
            if (!record.reached(CollectionStatus.DONE)) {
                work.put(info.namespace(), () -> copyCollection(info, record, stats, finished));
            }
        }
        counters.totals(bytes, documents, collections.size());
        if (work.isEmpty()) {
            return;
        }
        TaskGroup tasks = new TaskGroup("livemigrate-copy-" + run.id(), run.spec().copyParallelism(), signals);
        group = tasks;
        work.forEach(tasks::submit);
        tasks.await();
    }

    /** Creates the selected views, once their collections are copied. */
    public void createViews() {
        for (CollectionInfo info : run.selection().collections().values()) {
            if (signals.stopRequested()) {
                return;
            }
            if (info.isView()) {
                DestinationCollections.create(run.destination(), info, run.selection().target(info.namespace()), false);
                run.metadata().setStatus(run.id(), info.namespace(), CollectionStatus.DONE);
                counters.viewCreated();
            }
        }
    }

    /** Starts no new copy task (running ones end at their next batch, as the stop request says). */
    public void stop() {
        TaskGroup g = group;
        if (g != null) {
            g.shutdown();
        }
    }

    /** Interrupts running copy tasks too. */
    public void abort() {
        TaskGroup g = group;
        if (g != null) {
            g.shutdownNow();
        }
    }

    /** Plans a collection (once) and queues its unfinished partitions; builds its indexes when all are copied. */
    private void copyCollection(CollectionInfo info, CollectionRecord record, SourceCatalog.Stats stats,
                                Map<Integer, long[]> finished) {
        Namespace ns = info.namespace();
        List<Partition> plan = record.plan();
        if (!record.reached(CollectionStatus.PLANNED)) {
            plan = run.retries().run("planning the copy of " + ns, () -> {
                List<Partition> planned = CollectionCopy.plan(run, info, stats);
                run.metadata().savePlan(run.id(), ns, planned, stats.count(), stats.sizeBytes());
                return planned;
            });
            LOG.info("{}: {} documents, {} bytes, {} partition(s)", ns, stats.count(), stats.sizeBytes(), plan.size());
        }
        counters.partitionsPlanned(plan.size(), finished.size());
        List<Partition> pending = record.reached(CollectionStatus.COPIED)
                ? List.of() : plan.stream().filter(p -> !finished.containsKey(p.index())).toList();
        if (pending.isEmpty()) {
            finishCollection(info);
            return;
        }
        AtomicInteger remaining = new AtomicInteger(pending.size());
        int cursorBatch = CollectionCopy.cursorBatchSize(stats, run.spec().batchSizeBytes());
        for (Partition partition : pending) {
            group.submit(ns, () -> {
                if (copyPartition(info, partition, cursorBatch) && remaining.decrementAndGet() == 0) {
                    finishCollection(info);
                }
            });
        }
    }

    private boolean copyPartition(CollectionInfo info, Partition partition, int cursorBatch) {
        if (signals.stopRequested()) {
            return false;
        }
        Namespace ns = info.namespace();
        Namespace target = run.selection().target(ns);
        PartitionCopier copier = CollectionCopy.inOneStream(info) ? CollectionCopy.copier(run, info) : this.copier;
        MongoCollection<RawBsonDocument> from = run.source().getDatabase(ns.database())
                .getCollection(ns.collection(), RawBsonDocument.class);
        MongoCollection<RawBsonDocument> to = run.destination().getDatabase(target.database())
                .getCollection(target.collection(), RawBsonDocument.class);
        AtomicLong docs = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        PartitionCopier.Result result = run.retries().run("copying partition " + partition.index() + " of " + ns, () -> {
            // a retry copies the partition again; count only what the successful attempt read
            counters.copied(-docs.getAndSet(0), -bytes.getAndSet(0));
            if (CollectionCopy.inOneStream(info)) {
                CollectionCopy.recreate(run, info, target); // what an earlier attempt (or run) inserted must not stay
            }
            return copier.copy(from, to, partition, cursorBatch, signals::stopRequested, (d, b) -> {
                docs.addAndGet(d);
                bytes.addAndGet(b);
                counters.copied(d, b);
            });
        });
        if (!result.completed()) {
            return false;
        }
        run.retries().run("recording partition " + partition.index() + " of " + ns,
                () -> run.metadata().partitionDone(run.id(), ns, partition.index(), result.documents(), result.bytes()));
        counters.partitionDone();
        return true;
    }

    /** Builds the collection's secondary indexes, as the source defines them, and marks it done. */
    private void finishCollection(CollectionInfo info) {
        if (signals.stopRequested()) {
            return;
        }
        Namespace ns = info.namespace();
        int built = run.retries().run("building the indexes of " + ns, () -> {
            run.metadata().setStatus(run.id(), ns, CollectionStatus.COPIED);
            int n = CollectionCopy.buildIndexes(run, ns, run.selection().target(ns));
            run.metadata().setStatus(run.id(), ns, CollectionStatus.DONE);
            return n;
        });
        counters.indexesCreated(built);
        counters.collectionDone();
    }
}
