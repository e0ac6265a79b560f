package dev.livemigrate.core;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.MigrationListener;
import dev.livemigrate.MigrationProgress;
import dev.livemigrate.MigrationReport;
import dev.livemigrate.MigrationSession;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.MigrationState;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.catalog.CollectionInfo;
import dev.livemigrate.core.catalog.IndexSpecs;
import dev.livemigrate.core.catalog.NamespaceMapper;
import dev.livemigrate.core.catalog.SourceCatalog;
import dev.livemigrate.core.copy.Partition;
import dev.livemigrate.core.copy.PartitionCopier;
import dev.livemigrate.core.copy.Partitioner;
import dev.livemigrate.core.state.MetadataStore;
import dev.livemigrate.core.state.MetadataStore.CollectionRecord;
import dev.livemigrate.core.state.MetadataStore.CollectionStatus;
import dev.livemigrate.core.sync.ChangeSync;
import dev.livemigrate.core.sync.IndexRelaxation;
import dev.livemigrate.core.sync.SourceClock;
import dev.livemigrate.VerificationReport;
import com.mongodb.MongoClientSettings;
import org.bson.BsonBoolean;
import org.bson.BsonInt32;
import java.time.Clock;
import dev.livemigrate.spi.Source;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.RawBsonDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one migration in the background: creates the destination collections, copies their partitions in
 * parallel, builds their indexes, creates the views, and records every step in the {@link MetadataStore}
 * so that a session started later with the same id resumes without losing or duplicating documents.
 */
final class DefaultMigrationSession implements MigrationSession {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultMigrationSession.class);
    private static final int COPY_ATTEMPTS = 5;
    private static final int NAMESPACE_EXISTS = 48;

    private final MigrationSpec spec;
    private final Source source;
    private final MongoClient sourceClient;
    private final MongoClient destinationClient;
    private final MetadataStore metadata;
    private final Map<Namespace, CollectionInfo> selected;
    private final Map<Namespace, Namespace> mapping;
    private final List<Namespace> conflictsToDrop;
    private final BsonDocument fingerprint;
    private final NamespaceMapper mapper;
    private final BsonTimestamp capturedStartAt;
    private final PartitionCopier copier;
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private volatile ChangeSync sync;
    private final MongoClientSettings sourceSettings;
    private final MongoClientSettings destinationSettings;
    private final Clock clock;
    private final Object lifecycle = new Object();
    /** Held by a cutover from its start to its end, so the session does not end under it. */
    private final java.util.concurrent.locks.ReentrantLock cutoverLock = new java.util.concurrent.locks.ReentrantLock();
    /** The terminal state asked for (cancel, expiry, cutover); {@code null} while none is. */
    private volatile MigrationState endState;
    private volatile Instant windowExpiresAt;
    private volatile boolean expiryWarned;
    private volatile Instant migrationStartedAt;
    private volatile Duration downtime;
    private volatile boolean writesBlocked;
    private final Map<String, List<String>> indexConflicts = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile MigrationReport.Verification verification = MigrationReport.Verification.NOT_REQUESTED;
    private volatile VerificationReport verificationReport;

    private final AtomicReference<MigrationState> state = new AtomicReference<>(MigrationState.CREATED);
    private final AtomicLong copiedBytes = new AtomicLong();
    private final AtomicLong copiedDocuments = new AtomicLong();
    private final AtomicInteger collectionsDone = new AtomicInteger();
    private final AtomicInteger partitionsDone = new AtomicInteger();
    private final AtomicInteger partitionsTotal = new AtomicInteger();
    private final AtomicInteger indexesCreated = new AtomicInteger();
    private final AtomicInteger viewsCreated = new AtomicInteger();
    private volatile long totalBytes;
    private volatile long totalDocuments;
    private volatile int collectionsTotal;

    private volatile boolean stopRequested;
    private final AtomicReference<MigrationException> failure = new AtomicReference<>();
    private final CompletableFuture<MigrationReport> completion = new CompletableFuture<>();
    private final ScheduledExecutorService ticker;
    private volatile ExecutorService copyPool;
    private Thread runner;
    private Instant startedAt;
    private volatile MigrationProgress lastPublished;

    DefaultMigrationSession(MigrationSpec spec, Source source, MongoClient sourceClient, MongoClient destinationClient,
                            MetadataStore metadata, Map<Namespace, CollectionInfo> selected,
                            Map<Namespace, Namespace> mapping, List<Namespace> conflictsToDrop, BsonDocument fingerprint,
                            NamespaceMapper mapper, BsonTimestamp capturedStartAt,
                            MongoClientSettings sourceSettings, MongoClientSettings destinationSettings) {
        this.spec = spec;
        this.source = source;
        this.sourceClient = sourceClient;
        this.destinationClient = destinationClient;
        this.metadata = metadata;
        this.selected = selected;
        this.mapping = mapping;
        this.conflictsToDrop = conflictsToDrop;
        this.fingerprint = fingerprint;
        this.mapper = mapper;
        this.capturedStartAt = capturedStartAt;
        this.sourceSettings = sourceSettings;
        this.destinationSettings = destinationSettings;
        this.clock = spec.clock();
        this.copier = new PartitionCopier(spec.batchSizeBytes());
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> Threads.daemon("livemigrate-progress-" + spec.migrationId(), r));
    }

    void begin() {
        startedAt = clock.instant();
        migrationStartedAt = startedAt;
        runner = new Thread(this::run, "livemigrate-" + spec.migrationId()); // not a daemon: a running migration keeps the process alive
        runner.start();
        ticker.scheduleAtFixedRate(this::tick, 250, 250, TimeUnit.MILLISECONDS);
    }

    @Override
    public String migrationId() {
        return spec.migrationId();
    }

    @Override
    public MigrationSpec spec() {
        return spec;
    }

    @Override
    public MigrationState state() {
        return state.get();
    }

    @Override
    public MigrationProgress progress() {
        ChangeSync s = sync;
        return new MigrationProgress(state.get(), copiedBytes.get(), totalBytes, copiedDocuments.get(), totalDocuments,
                collectionsDone.get(), collectionsTotal, partitionsDone.get(), partitionsTotal.get(),
                s == null ? null : s.lag(), s == null ? 0 : s.eventsApplied(), s == null ? 0 : s.eventsPerSecond());
    }

    @Override
    public MigrationReport awaitCompletion(Duration timeout) {
        try {
            return completion.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw (MigrationException) e.getCause();
        } catch (TimeoutException e) {
            throw new MigrationException(ErrorCode.INTERRUPTED, "migration '" + spec.migrationId()
                    + "' did not finish within " + timeout + "; it is still " + state.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationException(ErrorCode.INTERRUPTED, "interrupted while waiting for migration '"
                    + spec.migrationId() + "'", e);
        }
    }

    @Override
    public Optional<MigrationException> failure() {
        return Optional.ofNullable(failure.get());
    }

    @Override
    public Optional<Instant> cutoverWindowExpiresAt() {
        return Optional.ofNullable(windowExpiresAt);
    }

    @Override
    public Instant extendCutoverWindow() {
        synchronized (lifecycle) {
            requireState(MigrationState.READY_TO_CUTOVER, "extend the cutover window");
            windowExpiresAt = windowExpiresAt.plus(spec.cutoverWindowExtension());
            expiryWarned = false;
            metadata.saveCutoverWindow(spec.migrationId(), windowExpiresAt);
            LOG.info("migration {}: cutover window extended to {}", spec.migrationId(), windowExpiresAt);
            notifyListeners(l -> l.cutoverWindowChanged(windowExpiresAt));
            return windowExpiresAt;
        }
    }

    @Override
    public void cancel() {
        synchronized (lifecycle) {
            if (state.get().isTerminal() || endState != null) {
                return;
            }
            LOG.info("migration {}: cancelled in {}", spec.migrationId(), state.get());
            endState = MigrationState.CANCELLED;
            stopRequested = true;
            stopSignal.countDown();
        }
        ExecutorService pool = copyPool;
        if (pool != null) {
            pool.shutdown();
        }
    }

    @Override
    public MigrationReport cutover(boolean blockSourceWrites) {
        cutoverLock.lock();
        try {
            synchronized (lifecycle) {
                requireState(MigrationState.READY_TO_CUTOVER, "cut over");
                transition(MigrationState.CUTTING_OVER);
            }
            cutOver(blockSourceWrites);
        } finally {
            cutoverLock.unlock();
        }
        return awaitCompletion(Duration.ofMinutes(10));
    }

    private void cutOver(boolean blockSourceWrites) {
        Instant writesStopped = clock.instant();
        try {
            if (blockSourceWrites) {
                setUserWriteBlockMode(true);
                writesBlocked = true;
            }
            SourceClock.now(sourceClient); // the newest operation: everything before it must be applied
            if (!sync.awaitCaughtUp(spec.cutoverDrainTimeout())) {
                checkNotCancelled();
                throw failure.get() != null ? failure.get() : new MigrationException(ErrorCode.CUTOVER_FAILED,
                        "the destination did not catch up with the source within " + spec.cutoverDrainTimeout()
                                + ": make sure writes to the source have stopped, then cut over again");
            }
            checkNotCancelled();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw backToReady(new MigrationException(ErrorCode.INTERRUPTED, "cutover was interrupted; cut over again", e));
        } catch (MigrationException e) {
            throw backToReady(e);
        }
        try {
            finalizeCutover(writesStopped);
        } catch (RuntimeException e) {
            MigrationException f = e instanceof MigrationException m && m.errorCode() == ErrorCode.CANCELLED ? m : wrap(e, null);
            if (f.errorCode() != ErrorCode.CANCELLED) {
                failure.compareAndSet(null, f);
                stopSignal.countDown();
            }
            throw f;
        }
    }

    private void finalizeCutover(Instant writesStopped) {
        sync.close(); // capture stops: every change up to the cutover point is applied
        transition(MigrationState.FINALIZING);
        restoreRelaxedIndexes();
        downtime = Duration.between(writesStopped, clock.instant());
        checkNotCancelled();
        if (spec.verify()) {
            transition(MigrationState.VERIFYING);
            verify();
            checkNotCancelled();
        }
        metadata.setMigrationState(spec.migrationId(), "COMPLETED");
        synchronized (lifecycle) {
            endState = MigrationState.COMPLETED;
            stopSignal.countDown();
        }
    }

    /** After a cutover that did not go through: unblock the source and be ready again, still in sync. */
    private MigrationException backToReady(MigrationException e) {
        if (writesBlocked) {
            try {
                setUserWriteBlockMode(false);
                writesBlocked = false;
            } catch (MigrationException unblock) {
                e.addSuppressed(unblock);
            }
        }
        synchronized (lifecycle) {
            if (endState == null && failure.get() == null) {
                transition(MigrationState.READY_TO_CUTOVER);
            }
        }
        LOG.warn("migration {}: cutover did not complete: {}", spec.migrationId(), e.getMessage());
        return e;
    }

    private void setUserWriteBlockMode(boolean block) {
        try {
            sourceClient.getDatabase("admin").runCommand(new BsonDocument("setUserWriteBlockMode", new BsonInt32(1))
                    .append("global", BsonBoolean.valueOf(block)));
            LOG.info("migration {}: user writes on the source {}", spec.migrationId(), block ? "blocked" : "unblocked");
        } catch (MongoCommandException e) {
            throw new MigrationException(ErrorCode.WRITE_BLOCKING_UNSUPPORTED, "the source refused setUserWriteBlockMode ("
                    + e.getErrorCodeName() + ": " + e.getErrorMessage() + "): blocking writes needs MongoDB 6.0 or newer and"
                    + " the setUserWriteBlockMode privilege. Stop the application's writes yourself and cut over without"
                    + " blocking writes", e);
        }
    }

    private void checkNotCancelled() {
        if (endState == MigrationState.CANCELLED) {
            throw new MigrationException(ErrorCode.CANCELLED, "migration '" + spec.migrationId() + "' was cancelled during cutover;"
                    + " migrated data stays on the destination");
        }
    }

    private void requireState(MigrationState wanted, String action) {
        MigrationState now = state.get();
        if (now != wanted || endState != null) {
            throw new MigrationException(ErrorCode.INVALID_STATE, "cannot " + action + " while migration '" + spec.migrationId()
                    + "' is " + now + ": that needs " + wanted);
        }
    }

    /** Restores the unique and TTL definitions relaxed for syncing; records what could not be restored. */
    private void restoreRelaxedIndexes() {
        metadata.relaxedIndexes(spec.migrationId()).forEach((target, originals) -> {
            IndexRelaxation.RestoreReport r = IndexRelaxation.restore(destinationClient, target, originals);
            r.conflicts().forEach((index, keys) -> {
                indexConflicts.put(target + "." + index, keys.stream().map(BsonDocument::toJson).toList());
                LOG.warn("unique index {} on {} not restored: {} key(s) are held by several documents, for example {}",
                        index, target, keys.size(), keys.get(0).toJson());
            });
        });
    }

    private void verify() {
        Map<Namespace, Namespace> namespaces = new LinkedHashMap<>();
        metadata.collections(spec.migrationId()).values().forEach(r -> namespaces.put(r.source(), r.target()));
        VerificationReport report = Verification.run(sourceSettings, destinationSettings, namespaces);
        verificationReport = report;
        if (report.verifiers().isEmpty()) {
            verification = MigrationReport.Verification.NOT_VERIFIED;
            LOG.warn("migration {}: verification asked for, but no verifier is on the class path: not verified", spec.migrationId());
        } else {
            verification = report.equal() ? MigrationReport.Verification.EQUAL : MigrationReport.Verification.DIFFERENT;
            LOG.info("migration {}: verification {}", spec.migrationId(), report.summary());
        }
    }

    /** The ticker: progress for listeners, readiness, and the cutover window's warning and expiry. */
    private void tick() {
        publishProgress();
        synchronized (lifecycle) {
            if (endState != null) {
                return;
            }
            ChangeSync s = sync;
            if (state.get() == MigrationState.SYNCING && s != null && s.lag() != null
                    && s.lag().compareTo(spec.lagThreshold()) <= 0) {
                openCutoverWindow();
            } else if (state.get() == MigrationState.READY_TO_CUTOVER) {
                Instant now = clock.instant();
                if (!expiryWarned && !now.isBefore(windowExpiresAt.minus(spec.expiryWarning()))) {
                    expiryWarned = true;
                    LOG.warn("migration {}: the cutover window closes at {}", spec.migrationId(), windowExpiresAt);
                    notifyListeners(l -> l.cutoverWindowExpiring(windowExpiresAt));
                }
                if (!now.isBefore(windowExpiresAt)) {
                    LOG.warn("migration {}: the cutover window closed at {}; syncing stops", spec.migrationId(), windowExpiresAt);
                    endState = MigrationState.EXPIRED;
                    stopSignal.countDown();
                }
            }
        }
    }

    private void openCutoverWindow() {
        windowExpiresAt = metadata.cutoverWindow(spec.migrationId()).orElse(clock.instant().plus(spec.cutoverWindow()));
        metadata.saveCutoverWindow(spec.migrationId(), windowExpiresAt);
        transition(MigrationState.READY_TO_CUTOVER);
        LOG.info("migration {}: ready to cut over until {}", spec.migrationId(), windowExpiresAt);
        notifyListeners(l -> l.cutoverWindowChanged(windowExpiresAt));
    }

    private void notifyListeners(java.util.function.Consumer<MigrationListener> call) {
        for (MigrationListener l : spec.listeners()) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                LOG.warn("listener {} failed", l, e);
            }
        }
    }

    @Override
    public void close() {
        stopRequested = true;
        stopSignal.countDown();
        ExecutorService pool = copyPool;
        if (pool != null) {
            pool.shutdown();
        }
        if (runner != null && runner != Thread.currentThread()) {
            try {
                runner.join(TimeUnit.MINUTES.toMillis(2));
                if (runner.isAlive() && pool != null) {
                    pool.shutdownNow();
                    runner.join();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---------------------------------------------------------------- the run

    private void run() {
        try {
            transition(MigrationState.COPYING);
            BsonTimestamp startAt = prepare();
            copyCollections();
            createViews();
            if (stopRequested) {
                finish(requestedEnd());
                return;
            }
            if (!spec.continuousSync()) {
                metadata.setMigrationState(spec.migrationId(), "COMPLETED");
                finish(MigrationState.COMPLETED);
                return;
            }
            syncChanges(startAt);
        } catch (Throwable t) {
            if (stopRequested && failure.get() == null) {
                LOG.info("migration {} stopped: {}", spec.migrationId(), t.toString());
                finish(requestedEnd());
            } else {
                failure.compareAndSet(null, wrap(t, null));
                finish(MigrationState.FAILED);
            }
        }
    }

    /**
     * Follows the source's changes until the session is closed or syncing fails. Ends in
     * {@link MigrationState#STOPPED} or {@link MigrationState#FAILED}.
     */
    private void syncChanges(BsonTimestamp startAt) throws InterruptedException {
        transition(MigrationState.SYNCING);
        Map<Namespace, Namespace> collections = new LinkedHashMap<>();
        // what this and earlier sessions of the migration followed, including collections gone since
        metadata.collections(spec.migrationId()).values().stream().filter(r -> !"view".equals(r.type()))
                .forEach(r -> collections.put(r.source(), r.target()));
        ChangeSync changeSync = new ChangeSync(spec, sourceClient, destinationClient, metadata, mapper, collections, startAt, f -> {
            failure.compareAndSet(null, f);
            stopSignal.countDown();
        });
        sync = changeSync;
        try {
            changeSync.start();
            stopSignal.await();
        } finally {
            cutoverLock.lock(); // a cutover under way finishes (or gives up) first
            try {
                changeSync.close();
            } finally {
                cutoverLock.unlock();
            }
        }
        MigrationState end = failure.get() != null ? MigrationState.FAILED : requestedEnd();
        if (end == MigrationState.CANCELLED || end == MigrationState.EXPIRED) {
            metadata.setMigrationState(spec.migrationId(), end.name());
        }
        finish(end);
    }

    private MigrationState requestedEnd() {
        return endState != null ? endState : MigrationState.STOPPED;
    }

    /**
     * Drops conflicting namespaces when asked to, records the migration and creates the collections.
     * Returns the start point of change capture: the recorded one when the migration resumes.
     */
    private BsonTimestamp prepare() {
        for (Namespace conflict : conflictsToDrop) {
            LOG.info("dropping {} on the destination (clear-destination is set)", conflict);
            destinationClient.getDatabase(conflict.database()).getCollection(conflict.collection()).drop();
        }
        BsonTimestamp startAt;
        if (metadata.migration(spec.migrationId()).isEmpty()) {
            startAt = capturedStartAt;
            metadata.createMigration(spec.migrationId(), fingerprint, startAt, startedAt);
        } else {
            startAt = metadata.startAt(spec.migrationId()).orElse(capturedStartAt);
            migrationStartedAt = metadata.createdAt(spec.migrationId()).orElse(startedAt);
            LOG.info("resuming migration {} (changes from {})", spec.migrationId(), startAt);
        }
        selected.forEach((ns, info) -> metadata.recordCollection(spec.migrationId(), ns, mapping.get(ns), info.type()));
        Map<Namespace, CollectionRecord> records = metadata.collections(spec.migrationId());
        for (CollectionInfo info : selected.values()) {
            if (!info.isView() && !records.get(info.namespace()).reached(CollectionStatus.CREATED)) {
                create(info);
                metadata.setStatus(spec.migrationId(), info.namespace(), CollectionStatus.CREATED);
            }
        }
        return startAt;
    }

    private void create(CollectionInfo info) {
        Namespace target = mapping.get(info.namespace());
        try {
            BsonDocument command = info.createCommand(target);
            destinationClient.getDatabase(target.database())
                    .runCommand(spec.continuousSync() ? IndexRelaxation.relaxCreate(command) : command);
        } catch (MongoCommandException e) {
            if (e.getErrorCode() != NAMESPACE_EXISTS) { // created before a crash: keep it
                throw new MigrationException(ErrorCode.DESTINATION_WRITE_FAILED, "creating " + target
                        + " on the destination failed: " + e.getErrorMessage()
                        + ". Check the destination's version supports the collection's options", e);
            }
        }
    }

    private void copyCollections() throws InterruptedException {
        List<CollectionInfo> collections = selected.values().stream().filter(i -> !i.isView()).toList();
        Map<Namespace, CollectionRecord> records = metadata.collections(spec.migrationId());
        Map<Namespace, Map<Integer, long[]>> done = metadata.donePartitions(spec.migrationId());
        collectionsTotal = collections.size();

        Map<Namespace, Runnable> work = new LinkedHashMap<>();
        long bytes = 0;
        long documents = 0;
        for (CollectionInfo info : collections) {
            CollectionRecord record = records.get(info.namespace());
            Map<Integer, long[]> finished = done.getOrDefault(info.namespace(), Map.of());
            finished.values().forEach(f -> {
                copiedDocuments.addAndGet(f[0]);
                copiedBytes.addAndGet(f[1]);
            });
            if (record.reached(CollectionStatus.DONE)) {
                collectionsDone.incrementAndGet();
            }
            SourceCatalog.Stats stats = record.reached(CollectionStatus.PLANNED)
                    ? new SourceCatalog.Stats(record.count(), record.sizeBytes())
                    : SourceCatalog.stats(sourceClient, info.namespace());
            bytes += stats.sizeBytes();
            documents += stats.count();
            if (!record.reached(CollectionStatus.DONE)) {
                work.put(info.namespace(), () -> copyCollection(info, record, stats, finished));
            }
        }
        totalBytes = bytes;
        totalDocuments = documents;
        if (work.isEmpty()) {
            return;
        }
        TaskGroup group = new TaskGroup();
        copyPool = Executors.newFixedThreadPool(spec.copyParallelism(),
                new NamedThreads("livemigrate-copy-" + spec.migrationId()));
        try {
            work.forEach((ns, task) -> group.submit(ns, task));
            group.await();
        } finally {
            copyPool.shutdownNow();
        }
    }

    /** Plans a collection (once) and queues its unfinished partitions; builds its indexes when all are copied. */
    private void copyCollection(CollectionInfo info, CollectionRecord record, SourceCatalog.Stats stats,
                                Map<Integer, long[]> finished) {
        Namespace ns = info.namespace();
        List<Partition> plan = record.plan();
        if (!record.reached(CollectionStatus.PLANNED)) {
            plan = Partitioner.plan(sourceClient.getDatabase(ns.database()).getCollection(ns.collection(), BsonDocument.class),
                    stats.count(), stats.sizeBytes(), spec.partitionSizeBytes());
            metadata.savePlan(spec.migrationId(), ns, plan, stats.count(), stats.sizeBytes());
            LOG.info("{}: {} documents, {} bytes, {} partition(s)", ns, stats.count(), stats.sizeBytes(), plan.size());
        }
        partitionsTotal.addAndGet(plan.size());
        partitionsDone.addAndGet(finished.size());
        List<Partition> pending = record.reached(CollectionStatus.COPIED)
                ? List.of() : plan.stream().filter(p -> !finished.containsKey(p.index())).toList();
        if (pending.isEmpty()) {
            finishCollection(info);
            return;
        }
        AtomicInteger remaining = new AtomicInteger(pending.size());
        int cursorBatch = cursorBatchSize(stats);
        for (Partition partition : pending) {
            currentGroup.get().submit(ns, () -> {
                if (copyPartition(ns, partition, cursorBatch) && remaining.decrementAndGet() == 0) {
                    finishCollection(info);
                }
            });
        }
    }

    private boolean copyPartition(Namespace ns, Partition partition, int cursorBatch) {
        if (stopRequested) {
            return false;
        }
        Namespace target = mapping.get(ns);
        MongoCollection<RawBsonDocument> from = sourceClient.getDatabase(ns.database())
                .getCollection(ns.collection(), RawBsonDocument.class);
        MongoCollection<RawBsonDocument> to = destinationClient.getDatabase(target.database())
                .getCollection(target.collection(), RawBsonDocument.class);
        AtomicLong docs = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        PartitionCopier.Result result = Retries.run("copying partition " + partition.index() + " of " + ns, COPY_ATTEMPTS, () -> {
            // a retry copies the partition again; count only what the successful attempt read
            copiedDocuments.addAndGet(-docs.getAndSet(0));
            copiedBytes.addAndGet(-bytes.getAndSet(0));
            return copier.copy(from, to, partition, cursorBatch, () -> stopRequested, (d, b) -> {
                docs.addAndGet(d);
                bytes.addAndGet(b);
                copiedDocuments.addAndGet(d);
                copiedBytes.addAndGet(b);
            });
        });
        if (!result.completed()) {
            return false;
        }
        metadata.partitionDone(spec.migrationId(), ns, partition.index(), result.documents(), result.bytes());
        partitionsDone.incrementAndGet();
        return true;
    }

    /** Builds the collection's secondary indexes, as the source defines them, and marks it done. */
    private void finishCollection(CollectionInfo info) {
        if (stopRequested) {
            return;
        }
        Namespace ns = info.namespace();
        metadata.setStatus(spec.migrationId(), ns, CollectionStatus.COPIED);
        List<BsonDocument> indexes = new ArrayList<>();
        for (BsonDocument index : IndexSpecs.secondaryCreateSpecs(sourceClient.getDatabase(ns.database())
                .getCollection(ns.collection(), BsonDocument.class).listIndexes(BsonDocument.class).into(new ArrayList<>()))) {
            if (spec.continuousSync() && IndexRelaxation.needsRelaxing(index)) {
                metadata.recordRelaxedIndex(spec.migrationId(), ns, index);
                indexes.add(IndexRelaxation.relax(index));
            } else {
                indexes.add(index);
            }
        }
        Namespace target = mapping.get(ns);
        if (!indexes.isEmpty()) {
            try {
                destinationClient.getDatabase(target.database()).runCommand(
                        new BsonDocument("createIndexes", new BsonString(target.collection()))
                                .append("indexes", new BsonArray(indexes)));
            } catch (MongoCommandException e) {
                throw new MigrationException(ErrorCode.DESTINATION_WRITE_FAILED, "building the indexes of " + target
                        + " on the destination failed: " + e.getErrorMessage()
                        + ". Fix the cause and resume the migration with the same id", e);
            }
            indexesCreated.addAndGet(indexes.size());
        }
        metadata.setStatus(spec.migrationId(), ns, CollectionStatus.DONE);
        collectionsDone.incrementAndGet();
        LOG.info("{} copied to {} with {} secondary index(es)", ns, target, indexes.size());
    }

    private void createViews() {
        if (stopRequested) {
            return;
        }
        for (CollectionInfo info : selected.values()) {
            if (info.isView()) {
                create(info);
                metadata.setStatus(spec.migrationId(), info.namespace(), CollectionStatus.DONE);
                viewsCreated.incrementAndGet();
            }
        }
    }

    private int cursorBatchSize(SourceCatalog.Stats stats) {
        long average = stats.count() > 0 && stats.sizeBytes() > 0 ? Math.max(1, stats.sizeBytes() / stats.count()) : 1024;
        return (int) Math.max(101, Math.min(100_000, spec.batchSizeBytes() / average));
    }

    // ---------------------------------------------------------------- state, progress, completion

    private void transition(MigrationState to) {
        MigrationState from = state.getAndSet(to);
        if (from == to) {
            return;
        }
        LOG.info("migration {}: {} -> {}", spec.migrationId(), from, to);
        notifyListeners(l -> l.stateChanged(from, to));
    }

    private void publishProgress() {
        MigrationProgress p = progress();
        if (p.equals(lastPublished)) {
            return;
        }
        lastPublished = p;
        notifyListeners(l -> l.progress(p));
    }

    private void finish(MigrationState end) {
        ticker.shutdownNow();
        publishProgress();
        stopSignal.countDown();
        sourceClient.close();
        destinationClient.close();
        source.close();
        transition(end);
        ChangeSync s = sync;
        MigrationReport report = new MigrationReport(spec.migrationId(), end, migrationStartedAt,
                Duration.between(migrationStartedAt, clock.instant()), copiedBytes.get(), copiedDocuments.get(),
                collectionsDone.get(), indexesCreated.get(), viewsCreated.get(),
                s == null ? 0 : s.eventsApplied(), s == null ? null : s.syncedThrough(), downtime, writesBlocked,
                indexConflicts, end == MigrationState.COMPLETED ? verification : MigrationReport.Verification.NOT_REQUESTED,
                end == MigrationState.COMPLETED ? verificationReport : null);
        if (end == MigrationState.FAILED) {
            LOG.error("migration {} failed: {}", spec.migrationId(), failure.get().getMessage(), failure.get());
            completion.completeExceptionally(failure.get());
        } else {
            completion.complete(report);
        }
    }

    private static MigrationException wrap(Throwable t, Namespace ns) {
        if (t instanceof MigrationException m) {
            return m;
        }
        String where = ns == null ? "the migration" : "copying " + ns;
        if (t instanceof MongoException) {
            return new MigrationException(ErrorCode.COPY_FAILED, where + " failed: " + t.getMessage()
                    + ". Fix the cause and resume the migration with the same id", t);
        }
        return new MigrationException(ErrorCode.INTERNAL, where + " failed unexpectedly: " + t, t);
    }

    // ---------------------------------------------------------------- task tracking

    private final ThreadLocal<TaskGroup> currentGroup = new ThreadLocal<>();

    /** Tasks that may submit more tasks; {@link #await()} returns when all ended, or throws the first failure. */
    private final class TaskGroup {
        private final AtomicInteger outstanding = new AtomicInteger();
        private final CompletableFuture<Void> allDone = new CompletableFuture<>();

        /** Runs a task about a namespace; its failure stops the others and names the namespace. */
        void submit(Namespace ns, Runnable task) {
            outstanding.incrementAndGet();
            try {
                copyPool.execute(() -> {
                    currentGroup.set(this);
                    try {
                        if (!stopRequested) {
                            task.run();
                        }
                    } catch (Throwable t) {
                        if (!stopRequested) {
                            failure.compareAndSet(null, wrap(t, ns));
                        }
                        stopRequested = true;
                    } finally {
                        currentGroup.remove();
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

        void await() throws InterruptedException {
            try {
                allDone.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException(e);
            }
            MigrationException f = failure.get();
            if (f != null) {
                throw f;
            }
        }
    }

    private static final class NamedThreads implements java.util.concurrent.ThreadFactory {
        private final String prefix;
        private final AtomicInteger n = new AtomicInteger();

        NamedThreads(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public Thread newThread(Runnable r) {
            return Threads.daemon(prefix + "-" + n.incrementAndGet(), r);
        }
    }
}
