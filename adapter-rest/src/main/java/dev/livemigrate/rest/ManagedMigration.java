package dev.livemigrate.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.MigrationProgress;
import dev.livemigrate.MigrationSession;
import dev.livemigrate.MigrationState;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One migration the server manages: its body (to start it again by id), the session running it in this process
 * (none after a restart until it is resumed, or when resuming failed), and what the server remembers of it across
 * restarts: the last state it saw, the final report, the failure. Fields are written by the engine's threads
 * (through the session's listener) and read by request threads, hence volatile.
 */
final class ManagedMigration {

    /** The failure a client is shown: a stable code and the library's message. */
    record Failure(String code, String message) {
        static Failure of(MigrationException e) {
            return new Failure(e.errorCode().name(), e.getMessage());
        }
    }

    final String id;
    final MigrationBody body;
    final Instant createdAt;
    /** Set while a {@code PUT .../cutover} runs in the background: a second one is refused. */
    final AtomicBoolean cutoverRunning = new AtomicBoolean();

    volatile MigrationSession session;
    /** The last state seen, persisted; never STOPPED (a session closed by the server stays resumable). */
    volatile MigrationState lastState;
    volatile MigrationProgress lastProgress;
    /** The library's final report as JSON, once the migration ended without failing. */
    volatile JsonNode report;
    /** Why the migration failed, or why the server could not resume it. */
    volatile Failure failure;
    /** Why the last cutover attempt did not go through (the migration is back in READY_TO_CUTOVER). */
    volatile Failure cutoverFailure;
    /** Where a push migration runs and its attempt; {@code null} for a migration this process runs. */
    volatile RemoteSession.Job job;
    /**
     * A push migration's temporary destination user while it exists (password included: kept in the data directory
     * only, to hand the same user over again), or why none was made; {@code null} when none is needed or it was dropped.
     */
    volatile DestinationUsers.Temporary destinationUser;
    /** Whether the server is starting a session for it (at start-up, or on resume). */
    volatile boolean resuming;

    ManagedMigration(String id, MigrationBody body, Instant createdAt, MigrationState lastState) {
        this.id = id;
        this.body = body;
        this.createdAt = createdAt;
        this.lastState = lastState;
    }

    /** The engine's state: the running session's, else the last seen, else STOPPED (nothing runs it now). */
    MigrationState state() {
        MigrationSession s = session;
        if (s != null && s.state() != MigrationState.STOPPED) {
            return s.state();
        }
        if (lastState == MigrationState.PAUSED || lastState.isTerminal()) {
            return lastState;
        }
        return MigrationState.STOPPED;
    }

    /** Whether it ended for good here: completed, cancelled, expired or failed (not merely stopped). */
    boolean ended() {
        MigrationState state = state();
        return state.isTerminal() && state != MigrationState.STOPPED;
    }

    /** The running session's progress, else the last one seen; {@code null} when none was seen. */
    MigrationProgress progress() {
        MigrationSession s = session;
        return s != null ? s.progress() : lastProgress;
    }
}
