package dev.livemigrate.core.testing;

import dev.livemigrate.MigrationSession;
import dev.livemigrate.MigrationState;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Waiting on a session from a test. */
public final class Sessions {

    private Sessions() {
    }

    /** Waits (a minute at most) until the session is in {@code wanted}; fails at once if it ends elsewhere. */
    public static void awaitState(MigrationSession session, MigrationState wanted) {
        await().atMost(Duration.ofMinutes(1)).until(() -> session.state() == wanted || session.state().isTerminal());
        assertThat(session.state()).as("state of migration %s", session.migrationId()).isEqualTo(wanted);
    }
}
