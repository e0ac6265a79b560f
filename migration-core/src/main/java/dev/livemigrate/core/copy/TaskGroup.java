package dev.livemigrate.core.copy;

import dev.livemigrate.Namespace;
import dev.livemigrate.core.Failures;
import dev.livemigrate.core.RunSignals;
import dev.livemigrate.core.Threads;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Copy tasks on a fixed pool, where a task may submit more tasks. {@link #await()} returns when all have
 * ended, or throws the first failure. A failing task records the run's failure (naming its namespace)
 * and asks the other tasks to stop; tasks not started by then are skipped.
 */
final class TaskGroup {

    private final ExecutorService pool;
    private final RunSignals signals;
    /** Tasks not ended yet, plus one for the submitter until it awaits: the group cannot end while tasks are still being submitted. */
    private final AtomicInteger outstanding = new AtomicInteger(1);
    private final CompletableFuture<Void> allDone = new CompletableFuture<>();

    TaskGroup(String threadPrefix, int parallelism, RunSignals signals) {
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(parallelism, r -> Threads.daemon(threadPrefix + "-" + n.incrementAndGet(), r));
        this.signals = signals;
    }

    /** Runs a task about a namespace; its failure stops the others and names the namespace. */
    void submit(Namespace ns, Runnable task) {
        outstanding.incrementAndGet();
        try {
            pool.execute(() -> {
                try {
                    if (!signals.stopRequested()) {
                        task.run();
                    }
                } catch (Throwable t) {
                    if (!signals.stopRequested()) {
                        signals.fail(Failures.wrap(t, ns));
                    }
                    signals.requestStop();
                } finally {
                    taskEnded();
                }
            });
        } catch (RejectedExecutionException e) { // the session is stopping
            taskEnded();
        }
    }

    private void taskEnded() {
        if (outstanding.decrementAndGet() == 0) {
            allDone.complete(null);
        }
    }

    /** Waits for every task, then shuts the pool down; throws the run's failure if there is one. */
    void await() throws InterruptedException {
        taskEnded();
        try {
            allDone.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        } finally {
            pool.shutdownNow();
        }
        if (signals.failure().isPresent()) {
            throw signals.failure().get();
        }
    }

    /** Starts no new task; running ones finish. */
    void shutdown() {
        pool.shutdown();
    }

    /** Interrupts running tasks too. */
    void shutdownNow() {
        pool.shutdownNow();
    }
}
