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

    /** The cutover window opened or was extended; it closes at {@code expiresAt}. */
    default void cutoverWindowChanged(java.time.Instant expiresAt) {
    }

    /**
     * The cutover window closes soon (at {@code expiresAt}, {@link MigrationSpec#expiryWarning()} ahead):
     * cut over or extend it, or syncing stops. Sent once per window.
     */
    default void cutoverWindowExpiring(java.time.Instant expiresAt) {
    }
}
