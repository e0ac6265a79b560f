package dev.livemigrate;

/**
 * Where a migration session stands. Terminal states are {@link #COMPLETED}, {@link #CANCELLED},
 * {@link #EXPIRED}, {@link #FAILED} and {@link #STOPPED}.
 *
 * @since 0.1
 */
public enum MigrationState {
    /** Created, not started yet. */
    CREATED,
    /** Running the pre-flight checks. */
    VALIDATING,
    /** Copying collections and building indexes. */
    COPYING,
    /** Copy done; applying the changes the source keeps making. */
    SYNCING,
    /** Lag is under the threshold; the cutover window is open. */
    READY_TO_CUTOVER,
    /**
     * Syncing is paused ({@link MigrationSession#pause()}): no change is read or applied, every stream's
     * checkpoint is saved, and an open cutover window keeps counting.
     */
    PAUSED,
    /** Writes to the source have stopped; draining the last changes. */
    CUTTING_OVER,
    /** Restoring index definitions and removing temporary artifacts. */
    FINALIZING,
    /** Comparing destination and source. */
    VERIFYING,
    /** The migration finished. */
    COMPLETED,
    /** The operator cancelled; migrated data stays on the destination. */
    CANCELLED,
    /** The cutover window closed before cutover; migrated data stays on the destination. */
    EXPIRED,
    /** The migration failed; {@link MigrationSession#failure()} says why. */
    FAILED,
    /**
     * This session stopped working (it was closed) before the migration finished. Its persisted state
     * stays on the destination: a new session with the same migration id resumes it.
     */
    STOPPED;

    /** Whether no further transition can happen in this session. */
    public boolean isTerminal() {
        return this == COMPLETED || this == CANCELLED || this == EXPIRED || this == FAILED || this == STOPPED;
    }
}
