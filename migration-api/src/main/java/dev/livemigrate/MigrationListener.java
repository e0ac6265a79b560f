package dev.livemigrate;

/**
 * Receives a session's state changes and progress. Called from the engine's threads: keep it quick
 * and do not block. An exception thrown here is logged and ignored.
 *
 * @since 0.1
 */
public interface MigrationListener {

    /** The session moved from one state to another. */
    default void stateChanged(MigrationState from, MigrationState to) {
    }

    /** Progress was made; called at most a few times a second. */
    default void progress(MigrationProgress progress) {
    }
}
