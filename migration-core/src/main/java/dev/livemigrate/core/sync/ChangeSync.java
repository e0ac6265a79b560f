package dev.livemigrate.core.sync;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoInterruptedException;
import com.mongodb.ReadConcern;
import com.mongodb.client.ChangeStreamIterable;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.changestream.FullDocument;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.Retries;
import dev.livemigrate.core.Threads;
import dev.livemigrate.core.catalog.CollectionInfo;
import dev.livemigrate.core.catalog.IndexSpecs;
import dev.livemigrate.core.catalog.NamespaceMapper;
import dev.livemigrate.core.catalog.SourceCatalog;
import dev.livemigrate.core.state.MetadataStore;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.RawBsonDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * from MongoDB 6.0), and one stream per collection where it does not. Document events go to
 * {@link ApplyLanes}; DDL events drain every lane first and are applied in between. A housekeeping thread
 * persists each stream's low-water mark, measures lag, and reconciles the catalog: collections that
 * appear on the source get created (and, with per-collection streams, followed from the start point),
 * indexes built or dropped on the source are built or dropped on the destination, relaxed as
 * {@link IndexRelaxation} says.
 */
public final class ChangeSync implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeSync.class);
    private static final String CLUSTER_STREAM = "cluster";
    private static final Set<Integer> HISTORY_LOST = Set.of(286, 280, 136);
    private static final int NAMESPACE_EXISTS = 48;

    private final MigrationSpec spec;
    private final MongoClient source;
    private final MongoClient destination;
    private final MetadataStore metadata;
    private final NamespaceMapper mapper;
    private final BsonTimestamp startAt;
    private final Consumer<MigrationException> onFailure;
    private final Map<Namespace, Namespace> known = new ConcurrentHashMap<>();
    private final Map<String, Reader> readers = new ConcurrentHashMap<>();
    private final Map<Namespace, BsonTimestamp> droppedAt = new ConcurrentHashMap<>();
    private final Checkpointer checkpointer = new Checkpointer();
    private final CollatedCollections collated;
    private final Map<String, Checkpointer.Position> saved = new HashMap<>();
    private final AtomicBoolean failed = new AtomicBoolean();
    private final AtomicLong applied = new AtomicLong();
    private final ScheduledExecutorService housekeeping;

    private boolean clusterStreams;
    private boolean expandedEvents;
    private ChangeApplier.Mode mode;
    private ApplyLanes lanes;
    private volatile boolean closing;
    private volatile Duration lag;
    private volatile double eventsPerSecond;
    private long previousSampleNanos;
    private long ticks;
    private long previousApplied;

    /**
     * @param collections the source collections the copy selected, with their destination namespaces
     * @param startAt     the start point: every change after it is applied
     * @param onFailure   told once, from any thread, when syncing fails
     */
    public ChangeSync(MigrationSpec spec, MongoClient source, MongoClient destination, MetadataStore metadata,
                      NamespaceMapper mapper, Map<Namespace, Namespace> collections, BsonTimestamp startAt,
                      Consumer<MigrationException> onFailure) {
        this.spec = spec;
        this.source = source;
        this.destination = destination;
        this.metadata = metadata;
        this.mapper = mapper;
        this.startAt = startAt;
        this.onFailure = onFailure;
        this.known.putAll(collections);
        this.collated = CollatedCollections.of(source);
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(r -> Threads.daemon("livemigrate-sync-" + spec.migrationId(), r));
    }

    public void start() {
        clusterStreams = supportsClusterStreams();
        expandedEvents = clusterStreams && majorVersion() >= 6;
        mode = switch (spec.updateMode()) {
            case DIFF -> ChangeApplier.Mode.DIFF;
            case FULL_DOCUMENT -> ChangeApplier.Mode.FULL_DOCUMENT;
            case AUTO -> clusterStreams ? ChangeApplier.Mode.DIFF : ChangeApplier.Mode.FULL_DOCUMENT;
        };
        LOG.info("migration {}: following changes from {} with {} stream(s){}, {} updates, {} lanes", spec.migrationId(),
                startAt, clusterStreams ? "a cluster-wide" : "per-collection", expandedEvents ? " and expanded events" : "",
                mode, spec.applyLanes());
        metadata.checkpoints(spec.migrationId()).forEach((stream, d) -> saved.put(stream,
                new Checkpointer.Position(d.getDocument("resumeToken"), d.isTimestamp("clusterTime") ? d.getTimestamp("clusterTime") : null)));
        ChangeApplier applier = new ChangeApplier(source, destination, known::get, mode, replaceKeepsOldFieldOrder(), collated);
        lanes = new ApplyLanes("livemigrate-apply-" + spec.migrationId(), spec.applyLanes(), 1000, batch -> {
            applier.apply(batch);
            applied.addAndGet(batch.size());
        }, collated, checkpointer, this::fail);
        previousSampleNanos = System.nanoTime();
        if (clusterStreams) {
            startReader(CLUSTER_STREAM, null, null);
        } else {
            known.keySet().forEach(ns -> startReader(ns.fullName(), ns, null));
        }
        housekeeping.scheduleWithFixedDelay(this::housekeep, 200, 1000, TimeUnit.MILLISECONDS);
    }

    /** How far the last applied change trails the source's newest operation; {@code null} until measured. */
    public Duration lag() {
        return lag;
    }

    public long eventsApplied() {
        return applied.get();
    }

    public double eventsPerSecond() {
        return eventsPerSecond;
    }

    /** The source operation time every change up to which is applied, or {@code null} before the first. */
    public java.time.Instant syncedThrough() {
        BsonTimestamp t = checkpointer.newestApplied();
        return t == null ? null : java.time.Instant.ofEpochSecond(t.getTime());
    }

    /**
     * Waits until every change the source made before this call is applied: nothing in flight, and every
     * stream has come up empty since. Call it once writes to the source have stopped.
     *
     * @return false when the timeout passed first or syncing failed
     */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        long since = System.nanoTime();
        long deadline = since + timeout.toNanos();
        reconcile(); // collections created since the last catalog poll must be followed too
        while (System.nanoTime() < deadline && !failed.get() && !closing) {
            if (checkpointer.inFlight() == 0 && readers.values().stream().allMatch(r -> r.stopped || r.caughtUpNanos > since)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    private final AtomicBoolean closed = new AtomicBoolean();

    /** Stops reading, applies what was read, persists the checkpoints. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closing = true;
        housekeeping.shutdownNow();
        readers.values().forEach(Reader::join);
        if (lanes != null) {
            lanes.close();
        }
        if (!failed.get()) {
            persistCheckpoints();
        }
    }

    // ---------------------------------------------------------------- capabilities

    private boolean supportsClusterStreams() {
        try (var probe = source.watch(BsonDocument.class).cursor()) {
            probe.tryNext();
            return true;
        } catch (MongoCommandException e) {
            LOG.info("the source refuses cluster-wide change streams ({}); following each collection instead", e.getErrorMessage());
            return false;
        }
    }

    /**
     * Whether the destination's replace keeps the replaced document's field order instead of the
     * replacement's, found by trying it on a document in the metadata database.
     */
    private boolean replaceKeepsOldFieldOrder() {
        var probe = destination.getDatabase(MetadataStore.DATABASE).getCollection("probe", BsonDocument.class);
        BsonDocument id = new BsonDocument("_id", new BsonString("replace-order-" + spec.migrationId()));
        probe.deleteOne(id);
        probe.insertOne(id.clone().append("a", new BsonInt32(1)).append("b", new BsonInt32(2)));
        probe.replaceOne(id, id.clone().append("b", new BsonInt32(3)).append("a", new BsonInt32(4)));
        BsonDocument back = probe.find(id).first();
        probe.deleteOne(id);
        boolean keepsOld = back != null && new java.util.ArrayList<>(back.keySet()).indexOf("a") == 1;
        if (keepsOld) {
            LOG.info("the destination keeps the old field order on replace; replacing by delete and insert");
        }
        return keepsOld;
    }

    private int majorVersion() {
        BsonDocument info = source.getDatabase("admin").runCommand(new BsonDocument("buildInfo", new BsonInt32(1)), BsonDocument.class);
        return info.isArray("versionArray") ? info.getArray("versionArray").get(0).asNumber().intValue() : 0;
    }

    // ---------------------------------------------------------------- readers

    /** One change stream and the thread that reads it. */
    private final class Reader {
        final String name;
        final Namespace namespace;
        final BsonTimestamp from;
        final Thread thread;
        volatile boolean stopped;
        volatile long caughtUpNanos;
        long seq;

        Reader(String name, Namespace namespace, BsonTimestamp from) {
            this.name = name;
            this.namespace = namespace;
            this.from = from;
            this.thread = Threads.daemon("livemigrate-stream-" + name, this::run);
        }

        private ChangeStreamIterable<BsonDocument> open() {
            ChangeStreamIterable<BsonDocument> stream = namespace == null
                    ? source.watch(BsonDocument.class)
                    : source.getDatabase(namespace.database()).getCollection(namespace.collection()).watch(BsonDocument.class);
            Checkpointer.Position resume = saved.get(name);
            if (from != null) {
                stream.startAtOperationTime(from);
            } else if (resume != null) {
                stream.resumeAfter(resume.resumeToken());
            } else {
                stream.startAtOperationTime(startAt);
            }
            if (mode == ChangeApplier.Mode.FULL_DOCUMENT) {
                stream.fullDocument(FullDocument.UPDATE_LOOKUP);
            }
            if (expandedEvents) {
                stream.showExpandedEvents(true);
            }
            return stream.maxAwaitTime(500, TimeUnit.MILLISECONDS);
        }

        private void run() {
            try {
                if (namespace != null && vanished(namespace)) {
                    stopped = true;
                    return;
                }
                read();
            } catch (InterruptedException | MongoInterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                if (closing) {
                    return;
                }
                try {
                    if (namespace != null && vanished(namespace)) {
                        stopped = true; // the reconciler follows the collection again if it comes back
                        return;
                    }
                } catch (Throwable ignored) {
                    // report the original failure
                }
                fail(t);
            }
        }

        private void read() throws InterruptedException {
            try (MongoCursor<RawBsonDocument> cursor = open().withDocumentClass(RawBsonDocument.class).cursor()) {
                while (!closing && !stopped && !failed.get()) {
                    RawBsonDocument raw = cursor.tryNext();
                    if (raw == null) {
                        caughtUpNanos = System.nanoTime();
                        Thread.sleep(50);
                        continue;
                    }
                    handle(this, ChangeEvent.parse(name, seq++, raw, namespace, !clusterStreams));
                }
            }
        }

        void join() {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private synchronized void startReader(String name, Namespace namespace, BsonTimestamp from) {
        Reader previous = readers.get(name);
        if (closing || (previous != null && !previous.stopped)) {
            return;
        }
        Reader reader = new Reader(name, namespace, from);
        readers.put(name, reader);
        reader.thread.start();
    }

    private void handle(Reader reader, ChangeEvent e) throws InterruptedException {
        if ("invalidate".equals(e.operationType())) {
            skip(e);
            reader.stopped = true;
            return;
        }
        Namespace target = e.ns() == null ? null : targetOf(e.ns());
        if (target == null && !"rename".equals(e.operationType())) {
            skip(e);
            return;
        }
        if (e.isDocumentEvent()) {
            lanes.dispatch(e);
            return;
        }
        if (!clusterStreams && "drop".equals(e.operationType()) && !dropsThisCollection(e)) {
            skip(e);
            return;
        }
        lanes.drain();
        checkpointer.dispatched(e);
        applyDdl(reader, e, target);
        checkpointer.applied(e);
    }

    /**
     * For a collection-level stream: whether its collection is gone from the source. If so the
     * destination's copy is dropped too (after the lanes drain) and the collection, should it come back,
     * is followed from the time taken before looking, so no change of a new incarnation is missed.
     */
    private boolean vanished(Namespace ns) throws InterruptedException {
        BsonTimestamp before = SourceClock.now(source);
        if (source.getDatabase(ns.database()).listCollectionNames().into(new java.util.HashSet<>()).contains(ns.collection())) {
            return false;
        }
        Namespace target = known.get(ns);
        lanes.drain();
        if (target != null) {
            LOG.info("{} is gone from the source; dropping {} on the destination", ns, target);
            destination.getDatabase(target.database()).getCollection(target.collection()).drop();
        }
        droppedAt.put(ns, before);
        collated.forget(ns);
        return true;
    }

    private void skip(ChangeEvent e) {
        checkpointer.dispatched(e);
        checkpointer.applied(e);
    }

    /** The destination of a source namespace, registering namespaces that appeared after the start. */
    private Namespace targetOf(Namespace ns) {
        Namespace target = known.get(ns);
        if (target == null) {
            target = mapper.select(ns).orElse(null);
            if (target != null) {
                known.put(ns, target);
                metadata.recordCollection(spec.migrationId(), ns, target, "collection");
                metadata.setStatus(spec.migrationId(), ns, MetadataStore.CollectionStatus.DONE);
            }
        }
        return target;
    }

    // ---------------------------------------------------------------- DDL

    private void applyDdl(Reader reader, ChangeEvent e, Namespace target) {
        LOG.info("{} {} on the source at {}", e.operationType(), e.ns(), e.clusterTime());
        switch (e.operationType()) {
            case "drop" -> {
                destination.getDatabase(target.database()).getCollection(target.collection()).drop();
                droppedAt.put(e.ns(), e.clusterTime());
                collated.forget(e.ns());
                if (!clusterStreams) {
                    reader.stopped = true;
                }
            }
            case "rename" -> {
                Namespace to = targetOf(e.renameTo());
                if (target != null && to != null) {
                    rename(target, to);
                } else if (target != null) {
                    destination.getDatabase(target.database()).getCollection(target.collection()).drop();
                }
                droppedAt.put(e.ns(), e.clusterTime());
                collated.forget(e.ns());
                collated.forget(e.renameTo());
                if (!clusterStreams) {
                    reader.stopped = true;
                    if (to != null) {
                        startReader(e.renameTo().fullName(), e.renameTo(), after(e.clusterTime()));
                    }
                }
            }
            case "create" -> create(target, e.operationDescription());
            case "createIndexes" -> {
                if (e.operationDescription() != null) {
                    e.operationDescription().getArray("indexes", new BsonArray())
                            .forEach(i -> createIndex(e.ns(), target, i.asDocument()));
                }
            }
            case "dropIndexes" -> {
                if (e.operationDescription() != null) {
                    e.operationDescription().getArray("indexes", new BsonArray())
                            .forEach(i -> dropIndex(target, i.asDocument().getString("name").getValue()));
                }
            }
            case "modify" -> modify(target, e.operationDescription());
            default -> LOG.debug("ignoring {} event", e.operationType());
        }
    }

    /**
     * Whether a {@code drop} event read from a collection-level stream drops that collection. Some
     * servers deliver a database's drops to every collection's stream without saying which collection;
     * the oplog entry at the event's time says, and where the oplog cannot be read, the source's catalog.
     */
    private boolean dropsThisCollection(ChangeEvent e) {
        try {
            BsonDocument entry = source.getDatabase("local").getCollection("oplog.rs", BsonDocument.class)
                    .withReadConcern(ReadConcern.DEFAULT).find(new BsonDocument("ts", e.clusterTime())).first();
            if (entry != null && entry.isDocument("o") && entry.getDocument("o").isString("drop")) {
                return entry.getString("ns", new BsonString("")).getValue().equals(e.ns().database() + ".$cmd")
                        && entry.getDocument("o").getString("drop").getValue().equals(e.ns().collection());
            }
        } catch (MongoException ex) {
            LOG.debug("cannot read the oplog to confirm a drop: {}", ex.getMessage());
        }
        return !source.getDatabase(e.ns().database()).listCollectionNames().into(new java.util.HashSet<>()).contains(e.ns().collection());
    }

    private void rename(Namespace from, Namespace to) {
        try {
            destination.getDatabase("admin").runCommand(new BsonDocument("renameCollection", new BsonString(from.fullName()))
                    .append("to", new BsonString(to.fullName())).append("dropTarget", org.bson.BsonBoolean.TRUE));
        } catch (MongoCommandException ex) {
            if (ex.getErrorCode() != 26) { // replayed: already renamed
                throw ex;
            }
        }
    }

    private void create(Namespace target, BsonDocument operationDescription) {
        BsonDocument options = operationDescription == null ? new BsonDocument() : operationDescription.clone();
        options.remove("idIndex");
        BsonDocument entry = new BsonDocument("name", new BsonString(target.collection())).append("options", options);
        createCollection(CollectionInfo.fromListCollections(target.database(), entry), target);
    }

    private void createCollection(CollectionInfo info, Namespace target) {
        try {
            destination.getDatabase(target.database()).runCommand(IndexRelaxation.relaxCreate(info.createCommand(target)));
        } catch (MongoCommandException ex) {
            if (ex.getErrorCode() != NAMESPACE_EXISTS) {
                throw ex;
            }
        }
    }

    private void modify(Namespace target, BsonDocument operationDescription) {
        if (operationDescription == null) {
            return;
        }
        BsonDocument collMod = new BsonDocument("collMod", new BsonString(target.collection()));
        operationDescription.forEach((k, v) -> {
            if (!k.equals("index")) {
                collMod.put(k, v);
            }
        });
        try {
            destination.getDatabase(target.database()).runCommand(collMod);
        } catch (MongoCommandException ex) {
            LOG.warn("could not apply {} to {}: {}", operationDescription.toJson(), target, ex.getErrorMessage());
        }
    }

    private void createIndex(Namespace source, Namespace target, BsonDocument listIndexesEntry) {
        BsonDocument original = IndexSpecs.toCreateSpec(listIndexesEntry);
        BsonDocument build = original;
        if (IndexRelaxation.needsRelaxing(original)) {
            metadata.recordRelaxedIndex(spec.migrationId(), source, original);
            build = IndexRelaxation.relax(original);
        }
        destination.getDatabase(target.database()).runCommand(new BsonDocument("createIndexes", new BsonString(target.collection()))
                .append("indexes", new BsonArray(List.of(build))));
    }

    private void dropIndex(Namespace target, String name) {
        try {
            destination.getDatabase(target.database()).runCommand(new BsonDocument("dropIndexes", new BsonString(target.collection()))
                    .append("index", new BsonString(name)));
        } catch (MongoCommandException ex) {
            if (ex.getErrorCode() != 27 && ex.getErrorCode() != 26) { // index or collection already gone
                throw ex;
            }
        }
    }

    private static BsonTimestamp after(BsonTimestamp t) {
        return new BsonTimestamp(t.getTime(), t.getInc() + 1);
    }

    // ---------------------------------------------------------------- housekeeping

    private void housekeep() {
        try {
            persistCheckpoints();
            measure();
            // per-collection streams depend on the poll to find new collections; a cluster-wide stream sees
            // them itself and only needs it for index builds on servers without expanded events
            if (!clusterStreams || (!expandedEvents && ++ticks % 10 == 0) || ticks++ % 60 == 0) {
                reconcile();
            }
        } catch (Throwable t) {
            if (closing) {
                return;
            }
            if (Retries.isTransient(t)) { // the next round tries again; the streams fail on their own if it lasts
                LOG.warn("housekeeping of migration {} failed for now: {}", spec.migrationId(), t.toString());
                return;
            }
            fail(t);
        }
    }

    private final Map<String, Checkpointer.Position> persisted = new HashMap<>();

    private synchronized void persistCheckpoints() {
        checkpointer.lowWater().forEach((stream, position) -> {
            if (!position.equals(persisted.get(stream))) {
                metadata.saveCheckpoint(spec.migrationId(), stream, position.resumeToken(), position.clusterTime());
                persisted.put(stream, position);
            }
        });
    }

    /**
     * Lag is zero when nothing is in flight and every stream came up empty since the previous sample of
     * the source's clock; otherwise the source's newest operation time less that of the oldest change
     * not applied yet (or of the newest applied).
     */
    private void measure() {
        long nanos = System.nanoTime();
        boolean caughtUp = checkpointer.inFlight() == 0
                && readers.values().stream().allMatch(r -> r.stopped || r.caughtUpNanos > previousSampleNanos);
        BsonTimestamp now = SourceClock.now(source);
        if (caughtUp) {
            lag = Duration.ZERO;
        } else {
            BsonTimestamp base = checkpointer.oldestUnapplied();
            if (base == null) {
                base = checkpointer.newestApplied();
            }
            if (base == null) {
                base = startAt;
            }
            lag = Duration.ofSeconds(Math.max(0, (long) now.getTime() - base.getTime()));
        }
        long count = applied.get();
        double seconds = Math.max(0.001, (nanos - previousSampleNanos) / 1e9);
        eventsPerSecond = (count - previousApplied) / seconds;
        previousApplied = count;
        previousSampleNanos = nanos;
    }

    /** Creates collections and indexes that appeared on the source, drops indexes that went away. */
    private synchronized void reconcile() {
        Map<Namespace, CollectionInfo> catalog = SourceCatalog.list(source);
        for (CollectionInfo info : catalog.values()) {
            if (info.isView() || closing) {
                continue;
            }
            Namespace ns = info.namespace();
            boolean isNew = !known.containsKey(ns);
            Namespace target = targetOf(ns);
            if (target == null) {
                continue;
            }
            if (isNew) {
                LOG.info("{} appeared on the source; migrating it to {}", ns, target);
                createCollection(info, target);
            }
            if (!clusterStreams) {
                Reader reader = readers.get(ns.fullName());
                if (reader == null || reader.stopped) {
                    BsonTimestamp dropped = droppedAt.get(ns);
                    startReader(ns.fullName(), ns, dropped == null ? (reader == null ? null : startAt) : after(dropped));
                }
            }
            reconcileIndexes(ns, target);
        }
    }

    private void reconcileIndexes(Namespace ns, Namespace target) {
        Map<String, BsonDocument> wanted = new HashMap<>();
        source.getDatabase(ns.database()).getCollection(ns.collection()).listIndexes(BsonDocument.class)
                .forEach(i -> wanted.put(i.getString("name").getValue(), i));
        Map<String, BsonDocument> present = new HashMap<>();
        destination.getDatabase(target.database()).getCollection(target.collection()).listIndexes(BsonDocument.class)
                .forEach(i -> present.put(i.getString("name").getValue(), i));
        if (wanted.isEmpty()) {
            return; // the collection is gone (its drop event will come) or not created yet
        }
        wanted.forEach((name, index) -> {
            if (!present.containsKey(name) && !IndexSpecs.isIdIndex(index)) {
                LOG.info("index {} appeared on {}; building it on {}", name, ns, target);
                createIndex(ns, target, index);
            }
        });
        present.forEach((name, index) -> {
            if (!wanted.containsKey(name) && !IndexSpecs.isIdIndex(index)) {
                LOG.info("index {} went away on {}; dropping it on {}", name, ns, target);
                dropIndex(target, name);
            }
        });
    }

    // ---------------------------------------------------------------- failure

    private void fail(Throwable t) {
        if (failed.compareAndSet(false, true)) {
            onFailure.accept(classify(t));
        }
    }

    /** Turns a capture or apply error into the migration's failure, recognising a lost change history. */
    static MigrationException classify(Throwable t) {
        if (t instanceof MigrationException m) {
            return m;
        }
        if (t instanceof MongoCommandException c && HISTORY_LOST.contains(c.getErrorCode())) {
            return new MigrationException(ErrorCode.CHANGE_HISTORY_LOST, "the source's change history no longer reaches"
                    + " back to where this migration must resume (" + c.getErrorCodeName() + ": " + c.getErrorMessage()
                    + "). The oplog rolled over while the migration was behind or stopped. Start the migration again"
                    + " with a new id and clear-destination, and give the source's oplog a window longer than the copy"
                    + " takes (replSetResizeOplog)", t);
        }
        if (t instanceof MongoException) {
            return new MigrationException(ErrorCode.APPLY_FAILED, "following the source's changes failed: " + t.getMessage()
                    + ". Fix the cause and resume the migration with the same id", t);
        }
        return new MigrationException(ErrorCode.INTERNAL, "following the source's changes failed unexpectedly: " + t, t);
    }
}
