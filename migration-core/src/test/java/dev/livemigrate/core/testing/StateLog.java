package dev.livemigrate.core.testing;

import dev.livemigrate.MigrationListener;
import dev.livemigrate.MigrationState;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;

/**
 * A listener that records every state a session enters, so a test can wait for a state that lasts only a
 * moment (SYNCING may turn READY_TO_CUTOVER on the next tick) without polling for it and missing it.
 */
public final class StateLog implements MigrationListener {

    private final List<MigrationState> entered = new CopyOnWriteArrayList<>();

    @Override
    public void stateChanged(MigrationState from, MigrationState to) {
        entered.add(to);
    }

    /** Every state entered so far, in order. */
    public List<MigrationState> entered() {
        return List.copyOf(entered);
    }

    /** Waits until the session has entered {@code state} (it may have left it since). */
    public void awaitEntered(MigrationState state) {
        await().atMost(Duration.ofMinutes(1)).until(() -> entered.contains(state));
    }
}
