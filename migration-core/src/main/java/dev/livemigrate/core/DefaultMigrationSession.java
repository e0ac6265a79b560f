package dev.livemigrate.core;

import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.MigrationProgress;
import dev.livemigrate.MigrationReport;
import dev.livemigrate.MigrationSession;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.MigrationState;
import dev.livemigrate.VerificationReport;
import dev.livemigrate.core.copy.CopyPhase;
import dev.livemigrate.core.cutover.Cutover;
import dev.livemigrate.core.cutover.CutoverWindow;
import dev.livemigrate.core.sync.ChangeSync;
import dev.livemigrate.core.sync.SyncPhase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One migration, run in the background as a state machine over its phases: {@link CopyPhase} (COPYING),
 * {@link ChangeSync} (SYNCING; READY_TO_CUTOVER once lag is under the threshold, with the
 * {@link CutoverWindow} open; PAUSED while it is closed and its checkpoints saved), {@link Cutover} (CUTTING_OVER, FINALIZING, VERIFYING), and an end state.
 * This class decides the transitions (through its {@link Lifecycle}, which tells the listeners) and
 * runs the phases, which do the work and record it in the metadata: a session started later with the
 * same id resumes without losing or duplicating documents.
 */
final class DefaultMigrationSession implements MigrationSession {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultMigrationSession.class);

    private final RunContext run;
    private final RunSignals signals = new RunSignals();
    private final ProgressCounters counters = new ProgressCounters();
    private final Listeners listeners;
    private final CopyPhase copy;
    private final CutoverWindow window;
    private final Lifecycle lifecycle;
    /** Held by a cutover from its start to its end, so the session does not end under it. */
    private final ReentrantLock cutoverLock = new ReentrantLock();
    private final Completion completion;
    private final ScheduledExecutorService ticker;
    private volatile SyncPhase sync;
    private volatile Cutover lastCutover;
    private volatile VerificationReport oneTimeVerification; // after a one-time copy, when the spec asks
    private volatile Instant migrationStartedAt;
    private Thread runner;

    DefaultMigrationSession(RunContext run) {
        this.run = run;
        this.listeners = new Listeners(run.spec().listeners());
        this.lifecycle = new Lifecycle(run.id(), listeners);
        this.completion = new Completion(run.id());
        this.copy = new CopyPhase(run, counters, signals);
        this.window = new CutoverWindow(run, listeners);
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> Threads.daemon("livemigrate-progress-" + run.id(), r));
    }

    void begin() {
        migrationStartedAt = run.clock().instant();
        runner = new Thread(this::run, "livemigrate-" + run.id()); // not a daemon: a running migration keeps the process alive
        runner.start();
        ticker.scheduleAtFixedRate(this::tick, 250, 250, TimeUnit.MILLISECONDS);
    }

    @Override
    public String migrationId() {
        return run.id();
    }

    @Override
    public MigrationSpec spec() {
        return run.spec();
    }

    @Override
    public MigrationState state() {
        return lifecycle.state();
    }

    @Override
    public MigrationProgress progress() {
        SyncPhase s = sync;
        Cutover c = lastCutover;
        return counters.snapshot(lifecycle.state(), s == null ? ProgressCounters.SyncFigures.NONE : s.figures(),
                c == null ? Map.of() : c.indexConflicts(), run.retries());
    }

    @Override
    public MigrationReport awaitCompletion(Duration timeout) {
        return completion.await(timeout, lifecycle::state);
    }

    @Override
    public Optional<MigrationException> failure() {
        return signals.failure();
    }

    @Override
    public Optional<Instant> cutoverWindowExpiresAt() {
        return window.expiresAt();
    }

    @Override
    public Instant extendCutoverWindow() {
        synchronized (lifecycle.lock) {
            lifecycle.require("extend the cutover window", MigrationState.READY_TO_CUTOVER);
            return window.extend();
        }
    }

    @Override
    public void pause() {
        synchronized (lifecycle.lock) {
            lifecycle.require("pause", MigrationState.SYNCING, MigrationState.READY_TO_CUTOVER);
            lifecycle.transition(MigrationState.PAUSED);
        }
        sync.stop();
    }

    @Override
    public void resume() {
        synchronized (lifecycle.lock) {
            lifecycle.require("resume", MigrationState.PAUSED);
            sync.start(); // from the saved checkpoints
            lifecycle.transition(MigrationState.SYNCING);
        }
    }

    @Override
    public void cancel() {
        synchronized (lifecycle.lock) {
            if (lifecycle.ending()) {
                return;
            }
            LOG.info("migration {}: cancelled in {}", run.id(), lifecycle.state());
            lifecycle.endWith(MigrationState.CANCELLED);
            signals.requestStop();
        }
        copy.stop();
        run.retries().wakeWaiting();
    }

    @Override
    public MigrationReport cutover(boolean blockSourceWrites) {
        cutoverLock.lock();
        try {
            synchronized (lifecycle.lock) {
                lifecycle.require("cut over", MigrationState.READY_TO_CUTOVER);
                lifecycle.transition(MigrationState.CUTTING_OVER);
            }
            Cutover cutover = new Cutover(run);
            lastCutover = cutover;
            new CutoverAttempt(lifecycle, signals, sync).run(cutover, blockSourceWrites);
        } finally {
            cutoverLock.unlock();
        }
        return awaitCompletion(Duration.ofMinutes(10));
    }

    /**
     * The ticker: progress for listeners, readiness, and the cutover window's warning and expiry. Never throws: a
     * periodic task that throws is never run again, and the session would then never become ready.
     */
    private void tick() {
        try {
            tickOnce();
        } catch (RuntimeException | Error e) {
            LOG.error("migration {}: the progress tick failed; it runs again in a moment", run.id(), e);
        }
    }

    private void tickOnce() {
        listeners.progress(progress());
        synchronized (lifecycle.lock) {
            Duration lag = sync == null ? null : sync.figures().lag();
            if (lifecycle.is(MigrationState.SYNCING) && lag != null && lag.compareTo(run.spec().lagThreshold()) <= 0) {
                window.open();
                lifecycle.transition(MigrationState.READY_TO_CUTOVER);
                window.announce();
            } else if ((lifecycle.is(MigrationState.READY_TO_CUTOVER) || lifecycle.is(MigrationState.PAUSED)) && window.expired()) {
                lifecycle.endWith(MigrationState.EXPIRED);
                signals.wake();
            }
        }
    }

    @Override
    public void close() {
        signals.requestStop();
        copy.stop();
        run.retries().wakeWaiting();
        if (runner != null && runner != Thread.currentThread()) {
            try {
                runner.join(TimeUnit.MINUTES.toMillis(2));
                if (runner.isAlive()) {
                    copy.abort();
                    runner.join();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        try {
            lifecycle.transition(MigrationState.COPYING);
            Recopy.apply(run);
            CopyPhase.Start start = copy.prepare(migrationStartedAt);
            migrationStartedAt = start.createdAt();
            copy.copy();
            copy.createViews();
            if (signals.stopRequested()) {
                finish(lifecycle.requestedEnd());
                return;
            }
            if (!run.spec().continuousSync()) {
                if (run.spec().verify()) { // a one-time copy: nothing writes to the source, the copy is compared as it is
                    lifecycle.transition(MigrationState.VERIFYING);
                    oneTimeVerification = Verification.ofMigration(run);
                }
                run.metadata().setMigrationState(run.id(), "COMPLETED");
                finish(MigrationState.COMPLETED);
                return;
            }
            syncChanges(start);
        } catch (Throwable t) {
            if (signals.stopRequested() && signals.failure().isEmpty()) {
                LOG.info("migration {} stopped: {}", run.id(), t.toString());
                finish(lifecycle.requestedEnd());
            } else {
                signals.fail(Failures.wrap(t, null));
                finish(MigrationState.FAILED);
            }
        }
    }

    /**
     * Follows the source's changes until the session is closed, cancelled, expired, cut over or syncing
     * fails; then ends the session.
     */
    private void syncChanges(CopyPhase.Start start) throws InterruptedException {
        lifecycle.transition(MigrationState.SYNCING);
        sync = new SyncPhase(run, start.startAt(), this::syncFailed);
        try {
            sync.start();
            signals.await();
        } finally {
            cutoverLock.lock(); // a cutover under way finishes (or gives up) first
            try {
                sync.stop();
            } finally {
                cutoverLock.unlock();
            }
        }
        MigrationState end = signals.failure().isPresent() ? MigrationState.FAILED : lifecycle.requestedEnd();
        if (end == MigrationState.CANCELLED || end == MigrationState.EXPIRED) {
            run.metadata().setMigrationState(run.id(), end.name());
        }
        finish(end);
    }

    /**
     * Syncing failed; except work that gave up waiting to retry because the session is stopping (close and cancel
     * wake it): what it held was not applied, so no checkpoint passed it and the next run reads it again.
     */
    private void syncFailed(MigrationException failure) {
        if (signals.stopRequested() && failure.errorCode() == ErrorCode.INTERRUPTED) {
            LOG.info("migration {}: {} (stopping)", run.id(), failure.getMessage());
            return;
        }
        signals.fail(failure);
    }

    private void finish(MigrationState end) {
        ticker.shutdownNow();
        listeners.progress(progress());
        signals.wake();
        run.connections().close();
        lifecycle.transition(end);
        MigrationReport report = RunReport.of(run, end, migrationStartedAt, counters, sync, lastCutover, oneTimeVerification);
        if (end == MigrationState.FAILED) {
            MigrationException f = signals.failure().orElseThrow();
            LOG.error("migration {} failed: {}", run.id(), f.getMessage(), f);
            completion.fail(f);
        } else {
            completion.complete(report);
        }
    }

}
