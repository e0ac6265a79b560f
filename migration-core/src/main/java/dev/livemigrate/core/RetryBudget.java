package dev.livemigrate.core;

import com.mongodb.MongoServerException;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.MigrationProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Rides out outages for one run: idempotent work that fails with a transient error ({@link Retries#isTransient}:
 * network, no primary, elections, labelled retryable) is tried again with exponential backoff and jitter
 * (0.2 s doubling up to 30 s) until it succeeds, or until the outage, counted from that work's first failure,
 * has lasted the budget ({@code MigrationSpec.retryBudget}); it then fails with
 * {@link ErrorCode#RETRY_BUDGET_EXHAUSTED}. A permanent error fails at once. Meanwhile the session's state does
 * not change; {@link #current} tells progress which work is retrying, and {@link #retries} counts every retry.
 * When the run stops (closed, paused, cancelled) {@link #wakeWaiting} ends every wait at once: the work waiting
 * gives up with {@link ErrorCode#INTERRUPTED} instead of sleeping out its backoff (up to 30 s) first.
 */
public final class RetryBudget {

    private static final Logger LOG = LoggerFactory.getLogger(RetryBudget.class);
    private static final long FIRST_BACKOFF_MILLIS = 200;
    private static final long MAX_BACKOFF_MILLIS = 30_000;

    /** Waits; tests replace it to run without sleeping ({@code null}: the real wait, which {@link #wakeWaiting} ends). */
    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private final Duration budget;
    private final Clock clock;
    private final LongSupplier nanos;
    private final Sleeper sleeper;
    private final AtomicLong retries = new AtomicLong();
    private final Map<String, AtomicLong> byCode = new ConcurrentHashMap<>();
    private final Map<Object, MigrationProgress.Retrying> ongoing = new ConcurrentHashMap<>();
    private final Object waits = new Object();
    private long wakeups;

    public RetryBudget(Duration budget, Clock clock) {
        this.budget = budget;
        this.clock = clock;
        this.nanos = System::nanoTime;
        this.sleeper = null; // waits on the monitor, so that wakeWaiting ends it
    }

    RetryBudget(Duration budget, Clock clock, LongSupplier nanos, Sleeper sleeper) {
        this.budget = budget;
        this.clock = clock;
        this.nanos = nanos;
        this.sleeper = sleeper;
    }

    /**
     * Runs idempotent work, retrying transient errors within the budget.
     *
     * @param what names the work in logs and progress ("applying changes to db.coll")
     * @throws MigrationException {@link ErrorCode#RETRY_BUDGET_EXHAUSTED} when the outage outlasted the budget
     *                            (the last error is its cause); any permanent error as thrown
     */
    public <T> T run(String what, Supplier<T> work) {
        long generation = generation(); // a stop asked for after this, even while the work runs, ends its retries
        Object key = new Object();
        long firstFailure = 0;
        Instant since = null;
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    return work.get();
                } catch (RuntimeException e) {
                    if (!Retries.isTransient(e)) {
                        throw e;
                    }
                    long now = nanos.getAsLong();
                    if (since == null) {
                        firstFailure = now;
                        since = clock.instant();
                    }
                    long left = budget.toNanos() - (now - firstFailure);
                    if (left <= 0) {
                        throw new MigrationException(ErrorCode.RETRY_BUDGET_EXHAUSTED, what + " failed for " + budget
                                + " (the retry budget), " + attempt + " attempt(s) since " + since + "; the last error: " + e
                                + ". Check that both deployments are reachable and have a primary, then resume the"
                                + " migration with the same id (or raise the budget with --retry-budget)", e);
                    }
                    retries.incrementAndGet();
                    byCode.computeIfAbsent(code(e), c -> new AtomicLong()).incrementAndGet();
                    ongoing.put(key, new MigrationProgress.Retrying(what, code(e), attempt + 1, since));
                    long wait = Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, backoffMillis(attempt));
                    LOG.warn("{} failed ({}); retrying in {} ms (attempt {}, failing since {}, giving up after {})",
                            what, e.toString(), wait, attempt + 1, since, budget);
                    sleep(what, wait, e, generation);
                }
            }
        } finally {
            ongoing.remove(key);
        }
    }

    /** Runs idempotent work that returns nothing; see {@link #run(String, Supplier)}. */
    public void run(String what, Runnable work) {
        run(what, () -> {
            work.run();
            return null;
        });
    }

    /** The work that has been retrying longest now, if any. */
    public Optional<MigrationProgress.Retrying> current() {
        return ongoing.values().stream().min(Comparator.comparing(MigrationProgress.Retrying::since));
    }

    /** Every retry so far. */
    public long retries() {
        return retries.get();
    }

    /** Every retry so far, by the error's code. */
    public Map<String, Long> retriesByCode() {
        Map<String, Long> counts = new TreeMap<>();
        byCode.forEach((code, n) -> counts.put(code, n.get()));
        return counts;
    }

    /** Exponential from 0.2 s, capped at 30 s, with jitter: between half and all of it. */
    static long backoffMillis(int attempt) {
        long full = Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << Math.min(attempt - 1, 20));
        return full / 2 + ThreadLocalRandom.current().nextLong(full / 2 + 1);
    }

    /** The server's code name, else the driver's exception (a network error has no code). */
    static String code(RuntimeException e) {
        if (e instanceof MongoServerException s && s.getErrorCodeName() != null) {
            return s.getErrorCodeName();
        }
        return e.getClass().getSimpleName();
    }

    /** Ends every wait to retry now: the run is stopping, and work that waits gives up (see the class comment). */
    public void wakeWaiting() {
        synchronized (waits) {
            wakeups++;
            waits.notifyAll();
        }
    }

    private long generation() {
        synchronized (waits) {
            return wakeups;
        }
    }

    private void sleep(String what, long millis, RuntimeException cause, long generation) {
        try {
            if (sleeper == null) {
                await(millis, generation);
            } else if (generation() == generation) {
                sleeper.sleep(millis);
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new MigrationException(ErrorCode.INTERRUPTED, what + " was interrupted while waiting to retry", cause);
        }
        if (generation() != generation) {
            throw new MigrationException(ErrorCode.INTERRUPTED, what + " stopped waiting to retry: the run is stopping", cause);
        }
    }

    /** The real sleeper: waits {@code millis}, or less when {@link #wakeWaiting} is called meanwhile. */
    private void await(long millis, long generation) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (waits) {
            for (long left = millis; left > 0 && wakeups == generation; left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())) {
                waits.wait(left);
            }
        }
    }
}
