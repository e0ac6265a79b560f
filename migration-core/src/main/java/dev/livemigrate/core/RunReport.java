package dev.livemigrate.core;

import dev.livemigrate.MigrationReport;
import dev.livemigrate.MigrationState;
import dev.livemigrate.VerificationReport;
import dev.livemigrate.core.cutover.Cutover;
import dev.livemigrate.core.sync.SyncPhase;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** The final report of a session, from what its phases counted. */
final class RunReport {

    private RunReport() {
    }

    /**
     * @param sync    the session's change capture, or {@code null} when it never synced
     * @param cutover the session's last cutover attempt, or {@code null}
     * @param oneTime what verification found after a one-time copy, or {@code null}
     */
    static MigrationReport of(RunContext run, MigrationState end, Instant startedAt, ProgressCounters counters,
                              SyncPhase sync, Cutover cutover, VerificationReport oneTime) {
        VerificationReport verified = end != MigrationState.COMPLETED ? null : cutover != null ? cutover.verification() : oneTime;
        return new MigrationReport(run.id(), end, startedAt, Duration.between(startedAt, run.clock().instant()),
                counters.copiedBytes(), counters.copiedDocuments(), counters.collectionsDone(), counters.indexesCreated(),
                counters.viewsCreated(), sync == null ? 0 : sync.eventsApplied(), sync == null ? null : sync.syncedThrough(),
                cutover == null ? null : cutover.finalDowntime(), cutover != null && cutover.writesBlocked(),
                cutover == null ? Map.of() : cutover.indexConflicts(), MigrationReport.Verification.of(verified), verified,
                sync == null ? MigrationReport.CatalogChanges.NONE : sync.catalogChanges(),
                cutover == null || cutover.cutPoint() == null ? null : cutover.cutPoint().toString(),
                cutover == null ? Map.of() : cutover.cappedNotRestored(), run.selection().sharding().report(run.selection().targets()));
    }
}
