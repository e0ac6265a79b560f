package dev.livemigrate.core;

import dev.livemigrate.MigrationException;

import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How the threads of one run tell each other to stop: a stop request (cancel, close, a failed copy
 * task), the first failure, and a wake-up for the run thread, which waits while changes are synced.
 */
public final class RunSignals {

    private final CountDownLatch wake = new CountDownLatch(1);
    private final AtomicReference<MigrationException> failure = new AtomicReference<>();
    private volatile boolean stopRequested;

    /** Asks every phase to stop at its next step, and wakes the run thread. */
    public void requestStop() {
        stopRequested = true;
        wake.countDown();
    }

    public boolean stopRequested() {
        return stopRequested;
    }

    /** Records the run's failure (the first one wins) and wakes the run thread. */
    public void fail(MigrationException e) {
        failure.compareAndSet(null, e);
        wake.countDown();
    }

    public Optional<MigrationException> failure() {
        return Optional.ofNullable(failure.get());
    }

    /** Wakes the run thread: the session has an end to go to. */
    public void wake() {
        wake.countDown();
    }

    /** Waits until woken. */
    public void await() throws InterruptedException {
        wake.await();
    }
}
