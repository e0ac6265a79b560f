package dev.livemigrate;

import java.time.Duration;
import java.util.Optional;

/**
 * A running migration, returned by {@link Migrations#start(MigrationSpec)}. Thread-safe.
 *
 * <p>{@link #close()} stops this session's work, keeping everything persisted on the destination: a new
 * session started with the same {@link MigrationSpec#migrationId()} resumes where this one stopped,
 * without losing or duplicating a document.
 *
 * @since 0.1
 */
public interface MigrationSession extends AutoCloseable {

    /** The migration id (chosen in the spec or generated). */
    String migrationId();

    /** The spec this session runs. */
    MigrationSpec spec();

    MigrationState state();

    MigrationProgress progress();

    /**
     * Waits until the session reaches a terminal state and returns its report.
     *
     * @throws MigrationException the failure, when the session ended {@link MigrationState#FAILED};
     *                            {@link ErrorCode#INTERRUPTED} when the wait timed out or was interrupted
     */
    MigrationReport awaitCompletion(Duration timeout);

    /** The failure that ended the session, once it is {@link MigrationState#FAILED}. */
    Optional<MigrationException> failure();

    /** When the cutover window closes, once it is open. */
    Optional<java.time.Instant> cutoverWindowExpiresAt();

    /**
     * Extends the open cutover window by {@link MigrationSpec#cutoverWindowExtension()}.
     *
     * @return the new closing time
     * @throws MigrationException {@link ErrorCode#INVALID_STATE} unless the session is READY_TO_CUTOVER
     */
    java.time.Instant extendCutoverWindow();

    /**
     * Cuts over: allowed in READY_TO_CUTOVER, once writes to the source have stopped (the caller confirms
     * it), or with {@code blockSourceWrites} the engine blocks user writes on the source itself (MongoDB
     * 6.0+; they stay blocked afterwards). Drains every change up to the source's newest operation,
     * restores the index definitions relaxed for syncing, verifies when the spec asks, and completes.
     * Blocks until then and returns the final report.
     *
     * @throws MigrationException {@link ErrorCode#INVALID_STATE} outside READY_TO_CUTOVER;
     *                            {@link ErrorCode#WRITE_BLOCKING_UNSUPPORTED} or {@link ErrorCode#CUTOVER_FAILED}
     *                            with the session back in READY_TO_CUTOVER and still in sync, so cutover can be
     *                            tried again; {@link ErrorCode#CANCELLED} when cancelled meanwhile
     */
    MigrationReport cutover(boolean blockSourceWrites);

    /**
     * Pauses syncing: stops reading and applying the source's changes once what was read is applied, and
     * saves every stream's checkpoint. The session is then {@link MigrationState#PAUSED}; an open cutover
     * window keeps counting (and can expire). Blocks until syncing has stopped.
     *
     * @throws MigrationException {@link ErrorCode#INVALID_STATE} unless the session is SYNCING or READY_TO_CUTOVER
     * @since 0.1
     */
    void pause();

    /**
     * Resumes a paused session from its saved checkpoints: it is SYNCING again, and READY_TO_CUTOVER once
     * lag is back under the threshold (in the same cutover window, if one was open).
     *
     * @throws MigrationException {@link ErrorCode#INVALID_STATE} unless the session is PAUSED
     * @since 0.1
     */
    void resume();

    /**
     * Cancels the migration in any state before COMPLETED: syncing stops, migrated data stays on the
     * destination, the session ends CANCELLED. Returns at once; {@link #awaitCompletion} waits for the end.
     */
    void cancel();

    /** Stops the session's work and waits for its threads; the migration can be resumed by id. */
    @Override
    void close();
}
