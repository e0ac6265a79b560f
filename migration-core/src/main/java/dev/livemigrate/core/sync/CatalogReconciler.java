package dev.livemigrate.core.sync;

import dev.livemigrate.Namespace;
import dev.livemigrate.core.RunContext;
import dev.livemigrate.core.catalog.CollectionInfo;
import dev.livemigrate.core.catalog.IndexSpecs;
import dev.livemigrate.core.catalog.SourceCatalog;
import org.bson.BsonDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Brings the destination's catalog in line with the source's, for what change events do not say (or not
 * on every server): collections that appeared on the source and the rules select are created (and handed
 * to {@code follow}, which makes sure a stream reads them), indexes built on the source are built, and
 * indexes dropped there are dropped.
 */
final class CatalogReconciler {

    private static final Logger LOG = LoggerFactory.getLogger(CatalogReconciler.class);

    private final RunContext run;
    private final SyncTargets targets;
    private final DdlApplier ddl;
    private final Consumer<Namespace> follow;

    CatalogReconciler(RunContext run, SyncTargets targets, DdlApplier ddl, Consumer<Namespace> follow) {
        this.run = run;
        this.targets = targets;
        this.ddl = ddl;
        this.follow = follow;
    }

    /** One pass over the source's catalog; stops early when {@code closing} turns true. */
    synchronized void reconcile(BooleanSupplier closing) {
        Map<Namespace, CollectionInfo> catalog = SourceCatalog.list(run.source());
        for (CollectionInfo info : catalog.values()) {
            if (info.isView() || closing.getAsBoolean()) {
                continue;
            }
            Namespace ns = info.namespace();
            boolean isNew = !targets.isFollowed(ns);
            Namespace target = targets.targetOf(ns);
            if (target == null) {
                continue;
            }
            if (isNew) {
                LOG.info("{} appeared on the source; migrating it to {}", ns, target);
                ddl.createCollection(info, target);
            }
            follow.accept(ns);
            reconcileIndexes(ns, target);
        }
    }

    private void reconcileIndexes(Namespace ns, Namespace target) {
        Map<String, BsonDocument> wanted = new HashMap<>();
        run.source().getDatabase(ns.database()).getCollection(ns.collection()).listIndexes(BsonDocument.class)
                .forEach(i -> wanted.put(i.getString("name").getValue(), i));
        Map<String, BsonDocument> present = new HashMap<>();
        run.destination().getDatabase(target.database()).getCollection(target.collection()).listIndexes(BsonDocument.class)
                .forEach(i -> present.put(i.getString("name").getValue(), i));
        if (wanted.isEmpty()) {
            return; // the collection is gone (its drop event will come) or not created yet
        }
        wanted.forEach((name, index) -> {
            if (!present.containsKey(name) && !IndexSpecs.isIdIndex(index)) {
                LOG.info("index {} appeared on {}; building it on {}", name, ns, target);
                ddl.createIndex(ns, target, index);
            }
        });
        present.forEach((name, index) -> {
            if (!wanted.containsKey(name) && !IndexSpecs.isIdIndex(index)) {
                LOG.info("index {} went away on {}; dropping it on {}", name, ns, target);
                ddl.dropIndex(ns, target, name);
            }
        });
    }
}
