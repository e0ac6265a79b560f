package dev.livemigrate.core;

import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.MigrationState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * A session's state, the end it has been asked to go to, and the transitions, each told to the
 * listeners. Decisions that read and change them together hold {@link #lock}.
 */
final class Lifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);

    /** Held to read and change the state (and the end asked for) as one step. */
    final Object lock = new Object();
    private final String migrationId;
    private final Listeners listeners;
    private final AtomicReference<MigrationState> state = new AtomicReference<>(MigrationState.CREATED);
    /** The terminal state asked for (cancel, expiry, cutover); {@code null} while none is. */
    private volatile MigrationState end;

    Lifecycle(String migrationId, Listeners listeners) {
        this.migrationId = migrationId;
        this.listeners = listeners;
    }

    MigrationState state() {
        return state.get();
    }

    void transition(MigrationState to) {
        MigrationState from = state.getAndSet(to);
        if (from == to) {
            return;
        }
        LOG.info("migration {}: {} -> {}", migrationId, from, to);
        listeners.tell(l -> l.stateChanged(from, to));
    }

    /** Whether the session is in {@code s} with no end asked for. */
    boolean is(MigrationState s) {
        return state.get() == s && end == null;
    }

    /** Whether an end has been asked for, or reached. */
    boolean ending() {
        return end != null || state.get().isTerminal();
    }

    /** Asks for an end; the session goes there when its phases have stopped. */
    void endWith(MigrationState terminal) {
        end = terminal;
    }

    /** The end asked for, or {@link MigrationState#STOPPED} when the session was only closed. */
    MigrationState requestedEnd() {
        return end != null ? end : MigrationState.STOPPED;
    }

    boolean cancelled() {
        return end == MigrationState.CANCELLED;
    }

    /** @throws MigrationException {@link ErrorCode#INVALID_STATE} unless the session is in one of {@code allowed} */
    void require(String action, MigrationState... allowed) {
        if (Arrays.stream(allowed).noneMatch(this::is)) {
            throw new MigrationException(ErrorCode.INVALID_STATE, "cannot " + action + " while migration '" + migrationId
                    + "' is " + state.get() + ": that needs " + Arrays.stream(allowed).map(Enum::name)
                    .collect(Collectors.joining(" or ")));
        }
    }

    /** @throws MigrationException {@link ErrorCode#CANCELLED} when the migration was cancelled meanwhile */
    void checkNotCancelled() {
        if (cancelled()) {
            throw new MigrationException(ErrorCode.CANCELLED, "migration '" + migrationId + "' was cancelled during cutover;"
                    + " migrated data stays on the destination");
        }
    }
}
