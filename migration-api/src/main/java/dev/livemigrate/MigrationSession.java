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

    /** Stops the session's work and waits for its threads; the migration can be resumed by id. */
    @Override
    void close();
}
