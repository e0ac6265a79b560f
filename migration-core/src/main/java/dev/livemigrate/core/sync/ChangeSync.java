package dev.livemigrate.core.sync;

import dev.livemigrate.MigrationException;
import dev.livemigrate.MigrationReport;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.ProgressCounters;
import dev.livemigrate.core.Retries;
import dev.livemigrate.core.RetryBudget;
import dev.livemigrate.core.RunContext;
import dev.livemigrate.core.Threads;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Follows the source's changes from the start point and applies them to the destination.
 *
 * <p>Capture uses one cluster-wide change stream where the server has them (with expanded DDL events
 * from MongoDB 6.0), and one stream per collection where it does not ({@link Capabilities}). Each stream
 * is read by a {@link ChangeReader}; document events go to {@link ApplyLanes}; DDL events drain every lane
 * first and are applied in between by the {@link DdlApplier}, except index builds and drops, which queue on
 * {@link IndexBuilds} so a long build does not stop capture. A housekeeping thread persists each stream's
 * low-water mark ({@link Checkpoints}), samples lag ({@link LagMeter}) and runs the
 * {@link CatalogReconciler}.
 */
public final class ChangeSync implements AutoCloseable, ChangeReader.Owner, CatalogReconciler.Streams {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeSync.class);
    static final String CLUSTER_STREAM = "cluster";

    private final RunContext run;
    private final BsonTimestamp startAt;
    private final Consumer<MigrationException> onFailure;
    private final SyncTargets targets;
    private final Checkpointer checkpointer = new Checkpointer();
    private final Checkpoints checkpoints;
    private final IndexBuilds builds;
    private final DdlApplier ddl;
    private final CatalogReconciler reconciler;
    private final LagMeter meter;
    private final CollatedCollections collated;
    private final CatalogChanges changes = new CatalogChanges();
    private final Readers readers;
    private final AtomicBoolean failed = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong applied = new AtomicLong();
    private final CaptureCounters counters;
    private final ScheduledExecutorService housekeeping;
    private Capabilities caps;
    private ApplyLanes lanes;
    private volatile boolean closing;
    private long ticks;

    /**
     * Follows the collections the migration recorded: those this and earlier runs copied or followed,
     * including collections gone since.
     *
     * @param startAt   the start point: every change after it is applied
     * @param onFailure told once, from any thread, when syncing fails
     * @param counters  the sync phase's running totals, counted on here
     */
    ChangeSync(RunContext run, BsonTimestamp startAt, Consumer<MigrationException> onFailure, CaptureCounters counters) {
        this.run = run;
        this.counters = counters;
        this.startAt = startAt;
        this.onFailure = onFailure;
        this.targets = new SyncTargets(run);
        this.checkpoints = new Checkpoints(run.metadata(), run.id(), checkpointer);
        this.builds = new IndexBuilds(run.id(), run.retries(), this::fail);
        this.ddl = new DdlApplier(run, targets, changes, builds);
        this.reconciler = new CatalogReconciler(run, targets, ddl, this, () -> caps.clusterStreams() && caps.expandedEvents());
        this.meter = new LagMeter(checkpointer, System.nanoTime());
        this.collated = CollatedCollections.of(run.source());
        this.readers = new Readers(run, checkpoints, startAt, targets, this);
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(r -> Threads.daemon("livemigrate-sync-" + run.id(), r));
    }

    public void start() {
        caps = Capabilities.detect(run.spec(), run.source(), run.destination());
        readers.open(caps);
        LOG.info("migration {}: following changes from {} with {} stream(s){}, {} updates, {} lanes", run.id(), startAt,
                caps.clusterStreams() ? "a cluster-wide" : "per-collection", caps.expandedEvents() ? " and expanded events" : "",
                caps.mode(), run.spec().applyLanes());
        ChangeApplier applier = new ChangeApplier(run.source(), run.destination(), targets::get,
                new ChangeApplier.Settings(caps.mode(), caps.replaceKeepsOldFieldOrder(), collated, collated::capped));
        lanes = new ApplyLanes(new ApplyLanes.Shape("livemigrate-apply-" + run.id(), run.spec().applyLanes(), 1000,
                run.spec().applyBufferBytes()), batch -> {
            // a batch is idempotent (absolute states, each document's events in order): on a network error or an
            // election it is applied again whole
            long started = System.nanoTime();
            run.retries().run("applying " + batch.size() + " change(s)", () -> applier.apply(batch));
            counters.applied(System.nanoTime() - started);
            applied.addAndGet(batch.size());
        }, collated.orUniqueShardKeys(run.selection().sharding()), checkpointer, this::fail);
        if (caps.clusterStreams()) {
            readers.start(CLUSTER_STREAM, null, null);
        } else {
            // a collection whose copy during sync was cut short is copied again by the reconciler, then read
            targets.followed().stream().filter(ns -> !targets.copyPending(ns)).forEach(ns -> readers.start(ns.fullName(), ns, null));
        }
        housekeeping.scheduleWithFixedDelay(this::housekeep, 200, 1000, TimeUnit.MILLISECONDS);
    }

    public long eventsApplied() {
        return applied.get();
    }

    /** What happened to selected collections while this capture ran. */
    public MigrationReport.CatalogChanges catalogChanges() {
        return changes.snapshot();
    }

    /** Lag, events applied and the apply rate, for a progress snapshot. */
    public ProgressCounters.SyncFigures figures() {
        return new ProgressCounters.SyncFigures(meter.lag(), applied.get(), meter.eventsPerSecond(), changes.snapshot(),
                counters.snapshot());
    }

    /** The source operation time every change up to which is applied, or {@code null} before the first. */
    public Instant syncedThrough() {
        BsonTimestamp t = checkpointer.newestApplied();
        return t == null ? null : Instant.ofEpochSecond(t.getTime());
    }

    /**
     * Waits until every change up to the cut point is read and applied: nothing in flight, and every
     * stream past the cut point ({@link CutPoint#reachedBy}). Call it once writes to the source have
     * stopped.
     *
     * @return false when the timeout passed first or syncing failed
     */
    public boolean awaitCaughtUp(CutPoint cut, Duration timeout) throws InterruptedException {
        reconciler.reconcile(() -> closing, true); // collections created or gone since the last catalog poll
        return cut.awaitReached(run.source(), timeout, this::running, checkpointer::inFlight, readers.all());
    }

    /** Stops reading, applies what was read, persists the checkpoints. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closing = true;
        run.retries().wakeWaiting(); // work waiting to retry gives up now; what it held is read again later
        housekeeping.shutdownNow();
        readers.closeAll();
        builds.close();
        if (lanes != null) {
            lanes.close();
        }
        if (!failed.get()) {
            checkpoints.persist();
        }
    }

    // ---------------------------------------------------------------- streams

    @Override
    public boolean clusterWide() {
        return caps.clusterStreams();
    }

    @Override
    public void follow(Namespace ns, BsonTimestamp from) {
        if (!caps.clusterStreams()) {
            readers.follow(ns, from);
        }
    }

    @Override
    public void gone(Namespace ns, BsonTimestamp absentAt) throws InterruptedException {
        readers.stop(ns.fullName());
        dropGone(ns, absentAt);
    }

    @Override
    public boolean running() {
        return !closing && !failed.get();
    }

    @Override
    public void handle(ChangeReader reader, ChangeEvent e) throws InterruptedException {
        counters.read();
        if ("invalidate".equals(e.operationType())) {
            checkpointer.skipped(e);
            reader.stop();
            return;
        }
        Namespace target = e.ns() == null ? null : targets.targetOf(e.ns());
        if (target == null && !"rename".equals(e.operationType())) {
            checkpointer.skipped(e);
            return;
        }
        if (e.isDocumentEvent()) {
            lanes.dispatch(e);
            return;
        }
        if (!caps.clusterStreams() && "drop".equals(e.operationType()) && !ddl.dropsThisCollection(e)) {
            checkpointer.skipped(e);
            return;
        }
        if (DdlApplier.isIndexChange(e)) { // in flight until built: the checkpoint does not pass it before
            checkpointer.dispatched(e);
            ddl.queue(e, target, () -> checkpointer.applied(e));
            return;
        }
        lanes.drain();
        ddl.applyInOrder(e, target); // counted in flight only once applied: a transient failure reads it again (ChangeReader)
        checkpointer.dispatched(e);
        if ("drop".equals(e.operationType()) || "rename".equals(e.operationType())) {
            collated.forget(e.ns()); // the lanes are drained: a new collection of that name may be collated differently
            collated.forget(e.renameTo());
            if (!caps.clusterStreams()) {
                readers.ended(reader, e);
            }
        }
        checkpointer.applied(e);
        if (reader.stopped()) {
            checkpoints.forget(reader.name); // its collection is gone: a new one of that name starts afresh
        }
    }

    /**
     * For a collection-level stream: whether its collection is gone from the source. If so the
     * destination's copy is dropped too (after the lanes drain) and the collection, should it come back,
     * is followed from the time taken before looking, so no change of a new incarnation is missed.
     */
    @Override
    public boolean vanished(Namespace ns) throws InterruptedException {
        BsonTimestamp before = SourceClock.now(run.source());
        if (run.source().getDatabase(ns.database()).listCollectionNames().into(new HashSet<>()).contains(ns.collection())) {
            return false;
        }
        dropGone(ns, before);
        return true;
    }

    /** Drops a gone collection's target (lanes drained first); should it come back, it is followed from {@code absentAt}. */
    private void dropGone(Namespace ns, BsonTimestamp absentAt) throws InterruptedException {
        ddl.dropGone(ns, absentAt, lanes);
        checkpoints.forget(ns.fullName());
        collated.forget(ns);
    }

    @Override
    public RetryBudget retries() {
        return run.retries();
    }

    @Override
    public void quiet(ChangeReader reader, BsonDocument token, BsonTimestamp clusterTime) {
        checkpointer.quiet(reader.name, new Checkpointer.Position(token, clusterTime));
    }

    private void housekeep() {
        try {
            checkpoints.persist();
            long nanos = System.nanoTime();
            meter.sample(readers.all(), SourceClock.now(run.source()), applied.get(), nanos);
            checkpoints.persistSyncedThrough(meter.syncedThrough());
            // per-collection streams depend on the poll to find new collections; a cluster-wide stream sees
            // them itself and only needs it for index builds on servers without expanded events
            if (!caps.clusterStreams() || (!caps.expandedEvents() && ++ticks % 10 == 0) || ticks++ % 60 == 0) {
                reconciler.reconcile(() -> closing, false);
            }
        } catch (Throwable t) {
            if (closing) {
                return;
            }
            if (Retries.isTransient(t)) { // the next round tries again; the streams fail on their own if it lasts
                LOG.warn("housekeeping of migration {} failed for now: {}", run.id(), t.toString());
                return;
            }
            fail(t);
        }
    }

    @Override
    public void fail(Throwable t) {
        if (closing) {
            return; // stopping: what failed was not applied, so no checkpoint passes it
        }
        if (failed.compareAndSet(false, true)) {
            onFailure.accept(SyncFailures.classify(t, () -> SyncFailures.historyWindow(run.source(), meter.syncedThrough())));
        }
    }
}
