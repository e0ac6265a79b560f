package dev.livemigrate.core.sync;

import dev.livemigrate.core.RetryBudget;
import dev.livemigrate.core.Threads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Index builds and drops on the destination, one at a time in the order they were asked for, on a thread of
 * their own: a build may take hours, and neither the streams' readers nor the housekeeping may wait for it
 * meanwhile. Other catalog changes (a drop, a rename, a {@code collMod}) wait until the queue is empty first
 * ({@link #awaitIdle}), so they happen after every index change asked for before them, as on the source. Each
 * step is retried within the run's {@link RetryBudget}; a step that fails for good fails syncing.
 */
final class IndexBuilds implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IndexBuilds.class);

    private final ExecutorService worker;
    private final RetryBudget retries;
    private final Consumer<Throwable> onFailure;
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private int pending;

    IndexBuilds(String migrationId, RetryBudget retries, Consumer<Throwable> onFailure) {
        this.worker = Executors.newSingleThreadExecutor(r -> Threads.daemon("livemigrate-indexes-" + migrationId, r));
        this.retries = retries;
        this.onFailure = onFailure;
    }

    /**
     * Queues a step; {@code then} runs once it is done (not when it failed). A step whose {@code key} is queued
     * already and not done is not queued twice (a catalog poll that sees the same missing index again).
     *
     * @return whether it was queued
     */
    boolean submit(String key, String what, Runnable step, Runnable then) {
        if (!queued.add(key)) {
            return false;
        }
        synchronized (this) {
            pending++;
        }
        worker.execute(() -> {
            try {
                retries.run(what, step);
                queued.remove(key);
                then.run();
            } catch (Throwable t) {
                LOG.warn("{} failed: {}", what, t.toString());
                onFailure.accept(t);
            } finally {
                synchronized (this) {
                    pending = Math.max(0, pending - 1);
                    notifyAll();
                }
            }
        });
        return true;
    }

    /** Waits until every step asked for so far is done (or failed). */
    synchronized void awaitIdle() throws InterruptedException {
        while (pending > 0) {
            wait();
        }
    }

    /** Stops: a step under way is interrupted, queued ones are dropped (their events were not applied, so not checkpointed). */
    @Override
    public void close() {
        worker.shutdownNow();
        synchronized (this) {
            pending = 0;
            notifyAll();
        }
    }
}
