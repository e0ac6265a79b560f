package dev.livemigrate.core.sync;

import dev.livemigrate.MigrationException;
import dev.livemigrate.MigrationReport;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.ProgressCounters;
import dev.livemigrate.core.RunContext;
import dev.livemigrate.core.state.MetadataStore;
import org.bson.BsonTimestamp;

import java.time.Instant;
import java.util.Collection;
import java.util.function.Consumer;

/**
 * The sync phase of a run, across pauses: one {@link ChangeSync} at a time. A pause closes it (what was
 * read is applied, the checkpoints saved); a resume starts a new one from those checkpoints.
 */
public final class SyncPhase {

    private final RunContext run;
    private final BsonTimestamp startAt;
    private final Consumer<MigrationException> onFailure;
    private volatile ChangeSync current;
    /** What the change captures stopped before {@link #current} applied, and how far. */
    private volatile long appliedBefore;
    private volatile Instant syncedThroughBefore;
    private volatile MigrationReport.CatalogChanges changesBefore = MigrationReport.CatalogChanges.NONE;
    private final CaptureCounters counters = new CaptureCounters();

    /**
     * @param startAt   the migration's start point: every change after it is applied
     * @param onFailure told once per {@link ChangeSync}, from any thread, when syncing fails
     */
    public SyncPhase(RunContext run, BsonTimestamp startAt, Consumer<MigrationException> onFailure) {
        this.run = run;
        this.startAt = startAt;
        this.onFailure = onFailure;
    }

    /**
     * Makes the change streams of these collections start at {@code from} on the next run: each collection's own
     * stream, and the cluster-wide stream too when {@code everything} (it carries every selected collection, so
     * only then may it skip what it has not read).
     */
    public static void restartStreams(MetadataStore metadata, String migrationId, Collection<Namespace> namespaces,
                                      boolean everything, BsonTimestamp from) {
        namespaces.forEach(ns -> metadata.saveCheckpoint(migrationId, ns.fullName(), null, from));
        if (everything) {
            metadata.saveCheckpoint(migrationId, ChangeSync.CLUSTER_STREAM, null, from);
            metadata.restartAt(migrationId, from);
        }
    }

    /** Starts following changes (again, after a pause). */
    public synchronized void start() {
        ChangeSync previous = current;
        if (previous != null) {
            appliedBefore += previous.eventsApplied();
            syncedThroughBefore = syncedThrough();
            changesBefore = catalogChanges();
        }
        ChangeSync sync = new ChangeSync(run, startAt, onFailure, counters);
        current = sync;
        sync.start();
    }

    /** Stops following changes, with what was read applied and the checkpoints saved. Idempotent. */
    public synchronized void stop() {
        ChangeSync sync = current;
        if (sync != null) {
            sync.close();
        }
    }

    /** The change capture running now (or stopped last). */
    public ChangeSync current() {
        return current;
    }

    /**
     * Lag and rate of the capture running now; events applied over the whole phase. Before the first capture
     * has started (progress is read from other threads meanwhile) the lag is unknown.
     */
    public ProgressCounters.SyncFigures figures() {
        ChangeSync sync = current;
        if (sync == null) {
            return new ProgressCounters.SyncFigures(null, appliedBefore, 0, catalogChanges(), counters.snapshot());
        }
        ProgressCounters.SyncFigures now = sync.figures();
        return new ProgressCounters.SyncFigures(now.lag(), appliedBefore + now.eventsApplied(), now.eventsPerSecond(), catalogChanges(),
                counters.snapshot());
    }

    public long eventsApplied() {
        ChangeSync sync = current;
        return appliedBefore + (sync == null ? 0 : sync.eventsApplied());
    }

    /** What happened to selected collections over the whole phase. */
    public MigrationReport.CatalogChanges catalogChanges() {
        ChangeSync sync = current;
        if (sync == null) {
            return changesBefore;
        }
        MigrationReport.CatalogChanges now = sync.catalogChanges();
        MigrationReport.CatalogChanges before = changesBefore;
        return new MigrationReport.CatalogChanges(before.created() + now.created(), before.copied() + now.copied(),
                before.renamed() + now.renamed(), before.dropped() + now.dropped());
    }

    /** The source operation time every change up to which is applied, or {@code null} before the first. */
    public Instant syncedThrough() {
        ChangeSync sync = current;
        Instant now = sync == null ? null : sync.syncedThrough();
        return now != null ? now : syncedThroughBefore;
    }
}
