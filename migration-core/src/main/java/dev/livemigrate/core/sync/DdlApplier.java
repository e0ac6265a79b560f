package dev.livemigrate.core.sync;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.ReadConcern;
import com.mongodb.client.MongoClient;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.Clients;
import dev.livemigrate.core.RunContext;
import dev.livemigrate.core.catalog.CollectionInfo;
import dev.livemigrate.core.catalog.DestinationCollections;
import dev.livemigrate.core.catalog.DestinationSharding;
import dev.livemigrate.core.catalog.IndexRelaxation;
import dev.livemigrate.core.catalog.IndexSpecs;
import dev.livemigrate.core.catalog.SourceCatalog;
import dev.livemigrate.core.copy.CollectionCopy;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;

/**
 * Applies the source's DDL to the destination: drops, renames, creates, index builds and drops, and
 * {@code collMod}. Called with every lane drained, so no document event overtakes the DDL or is
 * overtaken by it; index builds and drops go to {@link IndexBuilds} instead, off the caller's thread, and
 * every other change waits for those queued before it. Each operation tolerates being replayed after a restart.
 */
final class DdlApplier {

    private static final Logger LOG = LoggerFactory.getLogger(DdlApplier.class);
    private static final int NAMESPACE_NOT_FOUND = 26;
    private static final int INDEX_NOT_FOUND = 27;

    private final RunContext run;
    private final SyncTargets targets;
    private final CatalogChanges changes;
    private final IndexBuilds builds;

    DdlApplier(RunContext run, SyncTargets targets, CatalogChanges changes, IndexBuilds builds) {
        this.run = run;
        this.targets = targets;
        this.changes = changes;
        this.builds = builds;
    }

    /** Whether the event only builds or drops indexes, which may run while the streams go on. */
    static boolean isIndexChange(ChangeEvent e) {
        return "createIndexes".equals(e.operationType()) || "dropIndexes".equals(e.operationType());
    }

    /** Queues an index event ({@link #isIndexChange}); {@code then} runs once it is applied. */
    void queue(ChangeEvent e, Namespace target, Runnable then) {
        builds.submit(e.stream() + "#" + e.seq(), e.operationType() + " of " + e.ns() + " on " + target, () -> apply(e, target), then);
    }

    /**
     * Applies a DDL event that is not only an index change, after every index change queued before it (with the
     * lanes drained by the caller).
     */
    void applyInOrder(ChangeEvent e, Namespace target) throws InterruptedException {
        builds.awaitIdle();
        apply(e, target);
    }

    /** Queues the build of an index the source has and the destination lacks (found by a catalog poll), unless queued. */
    boolean createIndexLater(Namespace source, Namespace target, BsonDocument listIndexesEntry) {
        String name = listIndexesEntry.getString("name").getValue();
        return builds.submit("create " + target.fullName() + " " + name, "building index " + name + " on " + target,
                () -> createIndex(source, target, listIndexesEntry), () -> { });
    }

    /** Queues the drop of an index the source no longer has (found by a catalog poll), unless queued. */
    boolean dropIndexLater(Namespace source, Namespace target, String name) {
        return builds.submit("drop " + target.fullName() + " " + name, "dropping index " + name + " on " + target,
                () -> dropIndex(source, target, name), () -> { });
    }

    /** Applies a DDL event of a followed namespace ({@code target} is its destination, or null for a rename into the selection). */
    void apply(ChangeEvent e, Namespace target) {
        LOG.info("{} {} on the source at {}", e.operationType(), e.ns(), e.clusterTime());
        switch (e.operationType()) {
            case "drop" -> {
                drop(e.ns(), target);
                targets.dropped(e.ns(), e.clusterTime());
            }
            case "rename" -> {
                Namespace to = targetOf(e.renameTo());
                if (target != null && to != null) {
                    rename(target, to);
                    run.metadata().moveRelaxedIndexes(run.id(), e.ns(), e.renameTo());
                    run.metadata().forgetCollection(run.id(), e.ns());
                    changes.renamed();
                } else if (target != null) {
                    drop(e.ns(), target); // renamed out of the selection
                } else if (to != null) {
                    copyWhole(e.renameTo(), to); // into it from outside ($out, mapReduce): no event brought its documents
                }
                targets.dropped(e.ns(), e.clusterTime());
            }
            case "create" -> {
                create(e.ns(), target, e.operationDescription());
                changes.created();
            }
            case "createIndexes" -> {
                if (e.operationDescription() != null) {
                    e.operationDescription().getArray("indexes", new BsonArray())
                            .forEach(i -> createIndex(e.ns(), target, i.asDocument()));
                }
            }
            case "dropIndexes" -> {
                if (e.operationDescription() != null) {
                    e.operationDescription().getArray("indexes", new BsonArray())
                            .forEach(i -> dropIndex(e.ns(), target, i.asDocument().getString("name").getValue()));
                }
            }
            case "modify" -> modify(e.ns(), target, e.operationDescription());
            case "shardCollection" -> {
                if (target != null) {
                    DestinationSharding.shardedOnSource(run, e.ns(), target, e.operationDescription());
                }
            }
            default -> LOG.debug("ignoring {} event", e.operationType());
        }
    }

    private Namespace targetOf(Namespace ns) {
        return ns == null ? null : targets.targetOf(ns);
    }

    /** Drops a followed collection's target, and forgets what the metadata holds of it. */
    void drop(Namespace source, Namespace target) {
        run.destination().getDatabase(target.database()).getCollection(target.collection()).drop();
        run.metadata().forgetCollection(run.id(), source);
        changes.dropped();
    }

    /** A followed collection gone from the source without an event saying so: its target goes (lanes drained first). */
    void dropGone(Namespace ns, BsonTimestamp absentAt, ApplyLanes lanes) throws InterruptedException {
        Namespace target = targets.get(ns);
        lanes.drain();
        builds.awaitIdle(); // a queued build would create the collection again
        if (target != null) {
            LOG.info("{} is gone from the source; dropping {} on the destination", ns, target);
            drop(ns, target);
        }
        targets.dropped(ns, absentAt);
    }

    /**
     * Copies a collection whose documents no change event brought, as the source holds it now (a
     * snapshot later than every event read so far; the events after it replay over it and converge).
     * The caller holds the collection's events back until this returns. One the source no longer has is
     * left to the events that say where it went.
     */
    void copyWhole(Namespace source, Namespace target) {
        SourceCatalog.find(run.source(), source).filter(info -> !info.isView()).ifPresentOrElse(info -> {
            CollectionCopy.copyWhole(run, info, target);
            changes.copied();
        }, () -> LOG.info("{} is gone from the source again; its events say what became of it", source));
    }

    /**
     * Whether a {@code drop} event read from a collection-level stream drops that collection. Some
     * servers deliver a database's drops to every collection's stream without saying which collection;
     * the oplog entry at the event's time says, and where the oplog cannot be read, the source's catalog.
     */
    boolean dropsThisCollection(ChangeEvent e) {
        MongoClient source = run.source();
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
        return !source.getDatabase(e.ns().database()).listCollectionNames().into(new HashSet<>()).contains(e.ns().collection());
    }

    private void rename(Namespace from, Namespace to) {
        try {
            run.destination().getDatabase("admin").runCommand(new BsonDocument("renameCollection", new BsonString(from.fullName()))
                    .append("to", new BsonString(to.fullName())).append("dropTarget", BsonBoolean.TRUE));
        } catch (MongoCommandException ex) {
            if (ex.getErrorCode() != NAMESPACE_NOT_FOUND) { // replayed: already renamed
                throw ex;
            }
        }
    }

    /** The collection as the source created it (the metadata records a capped original under the source's name). */
    private void create(Namespace source, Namespace target, BsonDocument operationDescription) {
        BsonDocument options = operationDescription == null ? new BsonDocument() : operationDescription.clone();
        options.remove("idIndex");
        BsonDocument entry = new BsonDocument("name", new BsonString(source.collection())).append("options", options);
        createCollection(CollectionInfo.fromListCollections(source.database(), entry), target);
    }

    /** Creates a collection that appeared on the source, as syncing needs it; one that exists is kept. */
    void createCollection(CollectionInfo info, Namespace target) {
        DestinationCollections.create(run, info, target);
    }

    /** Counts a collection created on the source that no create event reported. */
    void countCreated() {
        changes.created();
    }

    /**
     * Applies a {@code collMod}. An index change (TTL, conversion to unique, hidden) goes into the recorded
     * original of an index that is relaxed, or that the change would make relaxed, so the destination
     * keeps syncing without expiry or uniqueness and cutover restores the source's definition; the
     * rest is run on the destination, and a refusal fails syncing rather than being skipped.
     */
    private void modify(Namespace source, Namespace target, BsonDocument operationDescription) {
        if (operationDescription == null) {
            return;
        }
        BsonDocument collMod = new BsonDocument("collMod", new BsonString(target.collection()));
        operationDescription.forEach((k, v) -> {
            if (!k.equals("index")) {
                collMod.put(k, v);
            }
        });
        if (operationDescription.isDocument("index")) {
            BsonDocument applied = IndexChanges.apply(run, source, target, operationDescription.getDocument("index"));
            if (applied != null) {
                collMod.put("index", applied);
            }
        }
        if (collMod.size() > 1) {
            Clients.unbounded(run.destination().getDatabase(target.database())).runCommand(collMod);
        }
    }

    /** Builds an index the source has, relaxed for syncing where {@link IndexRelaxation} says so. */
    void createIndex(Namespace source, Namespace target, BsonDocument listIndexesEntry) {
        BsonDocument original = IndexSpecs.toCreateSpec(listIndexesEntry);
        BsonDocument build = original;
        if (IndexRelaxation.needsRelaxing(original)) {
            run.metadata().recordRelaxedIndex(run.id(), source, original);
            build = IndexRelaxation.relax(original);
        }
        DestinationCollections.createIndexes(run.destination(), target, List.of(build));
    }

    /** Drops an index the source dropped, and forgets its relaxed definition. */
    void dropIndex(Namespace source, Namespace target, String name) {
        run.metadata().forgetRelaxedIndex(run.id(), source, name);
        try {
            run.destination().getDatabase(target.database()).runCommand(new BsonDocument("dropIndexes", new BsonString(target.collection()))
                    .append("index", new BsonString(name)));
        } catch (MongoCommandException ex) {
            if (ex.getErrorCode() != INDEX_NOT_FOUND && ex.getErrorCode() != NAMESPACE_NOT_FOUND) { // already gone
                throw ex;
            }
        }
    }
}
