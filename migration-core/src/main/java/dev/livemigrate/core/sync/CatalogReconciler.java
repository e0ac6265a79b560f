package dev.livemigrate.core.sync;

import dev.livemigrate.Namespace;
import dev.livemigrate.core.RunContext;
import dev.livemigrate.core.catalog.CollectionInfo;
import dev.livemigrate.core.catalog.IndexSpecs;
import dev.livemigrate.core.catalog.SourceCatalog;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Brings the destination's catalog in line with the source's, for what change events do not say (or not
 * on every server): collections that appeared on the source and the rules select are created and handed
 * to the {@link Streams} to be read, indexes built on the source are built, and indexes dropped there are
 * dropped.
 *
 * <p>Where the source has no cluster-wide stream, nothing reports a collection renamed or created with
 * its documents ({@code $out}, a restore) or one that went away: a new collection that holds documents
 * is copied whole ({@link DdlApplier#copyWhole}) and read from a time taken before the copy, and a
 * followed collection missing from two catalog reads in a row is taken as gone. A cluster-wide stream
 * reports drops and renames itself, and its events are not overtaken by a copy from here.
 */
final class CatalogReconciler {

    /** What the reconciler asks of the change streams. */
    interface Streams {
        boolean clusterWide();

        /** Makes sure a stream reads the collection: from {@code from}, or where it would start anyway when null. */
        void follow(Namespace ns, BsonTimestamp from);

        /** The collection is gone from the source (it was at {@code absentAt}): drop its target and stop reading it. */
        void gone(Namespace ns, BsonTimestamp absentAt) throws InterruptedException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(CatalogReconciler.class);

    private final RunContext run;
    private final SyncTargets targets;
    private final DdlApplier ddl;
    private final Streams streams;
    private final Set<Namespace> missingOnce = new HashSet<>();
    private final Set<Namespace> gone = new HashSet<>();
    private final BooleanSupplier indexEvents;

    /**
     * @param indexEvents whether the change streams report index builds and drops themselves (a cluster-wide stream
     *                    with expanded events, MongoDB 6.0+): then a pass does not list any collection's indexes
     */
    CatalogReconciler(RunContext run, SyncTargets targets, DdlApplier ddl, Streams streams, BooleanSupplier indexEvents) {
        this.run = run;
        this.targets = targets;
        this.ddl = ddl;
        this.streams = streams;
        this.indexEvents = indexEvents;
    }

    /**
     * One pass over the source's catalog; stops early when {@code closing} turns true.
     *
     * @param writesStopped the application's writes have stopped (cutover): a collection missing from this
     *                      one catalog read is gone, nothing can bring it back before the cutover ends
     */
    synchronized void reconcile(BooleanSupplier closing, boolean writesStopped) throws InterruptedException {
        BsonTimestamp listedAfter = streams.clusterWide() ? null : SourceClock.now(run.source());
        Map<Namespace, CollectionInfo> catalog = SourceCatalog.list(run.source());
        for (CollectionInfo info : catalog.values()) {
            if (info.isView() || closing.getAsBoolean()) {
                continue;
            }
            Namespace ns = info.namespace();
            boolean isNew = !targets.isFollowed(ns) || gone.remove(ns);
            Namespace target = targets.targetOf(ns);
            if (target == null) {
                continue;
            }
            missingOnce.remove(ns);
            BsonTimestamp from = null;
            if (!streams.clusterWide() && (isNew || targets.copyPending(ns)) && holdsDocuments(ns)) {
                from = SourceClock.now(run.source()); // the copy's snapshot is later: replay from here converges
                LOG.info("{} appeared on the source with documents no event brought; copying it whole to {}", ns, target);
                ddl.copyWhole(ns, target);
                targets.copied(ns);
            } else if (isNew) {
                LOG.info("{} appeared on the source; migrating it to {}", ns, target);
                ddl.createCollection(info, target);
                ddl.countCreated();
            }
            streams.follow(ns, from);
            if (!indexEvents.getAsBoolean()) { // listing every collection's indexes on both sides is the costly part
                reconcileIndexes(ns, target);
            }
        }
        if (!streams.clusterWide()) {
            confirmGone(catalog.keySet(), listedAfter, closing, writesStopped);
        }
    }

    /** Followed collections missing from this catalog read and the one before are gone. */
    private void confirmGone(Set<Namespace> present, BsonTimestamp listedAfter, BooleanSupplier closing, boolean writesStopped)
            throws InterruptedException {
        for (Namespace ns : Set.copyOf(targets.followed())) {
            if (present.contains(ns) || gone.contains(ns) || closing.getAsBoolean()) {
                continue;
            }
            if (missingOnce.remove(ns) || writesStopped) {
                LOG.info("{} is missing from the source's catalog{}: it is gone", ns, writesStopped ? " at cutover" : " twice");
                streams.gone(ns, listedAfter);
                gone.add(ns);
            } else {
                missingOnce.add(ns);
            }
        }
    }

    private boolean holdsDocuments(Namespace ns) {
        return run.source().getDatabase(ns.database()).getCollection(ns.collection()).find().limit(1).first() != null;
    }

    private void reconcileIndexes(Namespace ns, Namespace target) {
        Map<String, BsonDocument> wanted = new HashMap<>();
        IndexSpecs.list(run.source(), ns).forEach(i -> wanted.put(i.getString("name").getValue(), i));
        Map<String, BsonDocument> present = new HashMap<>();
        IndexSpecs.list(run.destination(), target).forEach(i -> present.put(i.getString("name").getValue(), i));
        if (wanted.isEmpty()) {
            return; // the collection is gone (its drop event will come) or not created yet
        }
        wanted.forEach((name, index) -> {
            if (!present.containsKey(name) && !IndexSpecs.isIdIndex(index)) {
                if (ddl.createIndexLater(ns, target, index)) {
                    LOG.info("index {} appeared on {}; building it on {}", name, ns, target);
                }
            }
        });
        present.forEach((name, index) -> {
            if (!wanted.containsKey(name) && !IndexSpecs.isIdIndex(index)) {
                if (ddl.dropIndexLater(ns, target, name)) {
                    LOG.info("index {} went away on {}; dropping it on {}", name, ns, target);
                }
            }
        });
    }
}
