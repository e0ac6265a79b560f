package dev.livemigrate.core;

import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.MigrationState;
import dev.livemigrate.core.cutover.Cutover;
import dev.livemigrate.core.sync.SyncPhase;

/**
 * One cutover attempt of a session, from CUTTING_OVER: writes stop (or are blocked), the drain, then
 * finalizing. A failure before finalizing undoes the attempt (unblocks writes) and puts the session back
 * in READY_TO_CUTOVER, still in sync, so the operator can try again. So does a unique index that the
 * destination's documents break at finalizing ({@link ErrorCode#UNIQUE_INDEX_CONFLICT}); any other
 * failure while finalizing fails the migration. Whatever the failure, the source's writes are unblocked
 * first. Success asks the session to end COMPLETED.
 */
final class CutoverAttempt {

    private final Lifecycle lifecycle;
    private final RunSignals signals;
    private final SyncPhase sync;

    CutoverAttempt(Lifecycle lifecycle, RunSignals signals, SyncPhase sync) {
        this.lifecycle = lifecycle;
        this.signals = signals;
        this.sync = sync;
    }

    void run(Cutover cutover, boolean blockWrites) {
        try {
            if (blockWrites) {
                cutover.blockWrites();
            }
            cutover.drain(sync.current());
            lifecycle.checkNotCancelled();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw backToReady(cutover, new MigrationException(ErrorCode.INTERRUPTED, "cutover was interrupted; cut over again", e));
        } catch (MigrationException e) {
            // a drain that fails because syncing failed reports that failure
            throw backToReady(cutover, lifecycle.cancelled() || e.errorCode() != ErrorCode.CUTOVER_FAILED
                    ? e : signals.failure().orElse(e));
        }
        try {
            cutover.finish(sync.current(), lifecycle::transition, lifecycle::checkNotCancelled);
        } catch (RuntimeException e) {
            MigrationException f = Failures.wrap(e, null);
            if (f.errorCode() == ErrorCode.UNIQUE_INDEX_CONFLICT) {
                throw backToReady(cutover, f);
            }
            cutover.undo(f);
            if (f.errorCode() != ErrorCode.CANCELLED) {
                signals.fail(f);
            }
            throw f;
        }
        synchronized (lifecycle.lock) {
            lifecycle.endWith(MigrationState.COMPLETED);
            signals.wake();
        }
    }

    /** After a cutover that did not go through: unblock the source and be ready again, still in sync. */
    private MigrationException backToReady(Cutover cutover, MigrationException e) {
        cutover.undo(e);
        synchronized (lifecycle.lock) {
            if (!lifecycle.ending() && signals.failure().isEmpty()) {
                lifecycle.transition(MigrationState.READY_TO_CUTOVER);
            }
        }
        return e;
    }
}
