package dev.livemigrate.core;

import dev.livemigrate.MigrationProgress;
import dev.livemigrate.MigrationReport;
import dev.livemigrate.MigrationState;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The copy's figures, updated from the copy threads and read by progress snapshots and the report.
 * Totals are estimates taken when the copy was planned.
 */
public final class ProgressCounters {

    /** What change capture adds to a progress snapshot. */
    public record SyncFigures(Duration lag, long eventsApplied, double eventsPerSecond, MigrationReport.CatalogChanges catalogChanges,
                              MigrationProgress.Counters counters) {
        public static final SyncFigures NONE = new SyncFigures(null, 0, 0, MigrationReport.CatalogChanges.NONE,
                MigrationProgress.Counters.NONE);
    }

    private final AtomicLong copiedBytes = new AtomicLong();
    private final AtomicLong copiedDocuments = new AtomicLong();
    private final AtomicInteger collectionsDone = new AtomicInteger();
    private final AtomicInteger partitionsDone = new AtomicInteger();
    private final AtomicInteger partitionsTotal = new AtomicInteger();
    private final AtomicInteger indexesCreated = new AtomicInteger();
    private final AtomicInteger viewsCreated = new AtomicInteger();
    private volatile long totalBytes;
    private volatile long totalDocuments;
    private volatile int collectionsTotal;

    /** Documents and bytes copied (negative to take back what a failed attempt counted). */
    public void copied(long documents, long bytes) {
        copiedDocuments.addAndGet(documents);
        copiedBytes.addAndGet(bytes);
    }

    public void totals(long bytes, long documents, int collections) {
        totalBytes = bytes;
        totalDocuments = documents;
        collectionsTotal = collections;
    }

    public void collectionDone() {
        collectionsDone.incrementAndGet();
    }

    public void partitionsPlanned(int planned, int alreadyDone) {
        partitionsTotal.addAndGet(planned);
        partitionsDone.addAndGet(alreadyDone);
    }

    public void partitionDone() {
        partitionsDone.incrementAndGet();
    }

    public void indexesCreated(int n) {
        indexesCreated.addAndGet(n);
    }

    public void viewCreated() {
        viewsCreated.incrementAndGet();
    }

    public long copiedBytes() {
        return copiedBytes.get();
    }

    public long copiedDocuments() {
        return copiedDocuments.get();
    }

    public int collectionsDone() {
        return collectionsDone.get();
    }

    public int indexesCreated() {
        return indexesCreated.get();
    }

    public int viewsCreated() {
        return viewsCreated.get();
    }

    /** A snapshot for listeners and callers. */
    public MigrationProgress snapshot(MigrationState state, SyncFigures sync, Map<String, List<String>> indexConflicts,
                                      RetryBudget retries) {
        return new MigrationProgress(state, copiedBytes.get(), totalBytes, copiedDocuments.get(), totalDocuments,
                collectionsDone.get(), collectionsTotal, partitionsDone.get(), partitionsTotal.get(),
                sync.lag(), sync.eventsApplied(), sync.eventsPerSecond(), sync.catalogChanges(), indexConflicts,
                indexesCreated.get(), retries.current().orElse(null), retries.retries(),
                new MigrationProgress.Counters(sync.counters().eventsRead(), sync.counters().applyBatches(), sync.counters().applyTime(),
                        retries.retriesByCode()));
    }
}
