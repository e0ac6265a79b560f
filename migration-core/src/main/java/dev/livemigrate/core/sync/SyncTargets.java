package dev.livemigrate.core.sync;

import dev.livemigrate.Namespace;
import dev.livemigrate.core.RunContext;
import dev.livemigrate.core.state.MetadataStore;
import org.bson.BsonTimestamp;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The source collections syncing follows and where each goes: those the copy took, and those that
 * appear later and the namespace rules select (recorded in the metadata when first seen). It also
 * remembers when a followed collection was dropped, so a collection-level stream for a new collection
 * of the same name starts after the drop.
 */
final class SyncTargets {

    private final RunContext run;
    private final Map<Namespace, Namespace> known = new ConcurrentHashMap<>();
    private final Map<Namespace, BsonTimestamp> droppedAt = new ConcurrentHashMap<>();
    /** Collections whose copy during sync an earlier run began and did not finish. */
    private final Set<Namespace> copyPending = ConcurrentHashMap.newKeySet();

    /** Follows what the migration recorded: the collections this and earlier runs copied or followed, views aside. */
    SyncTargets(RunContext run) {
        this.run = run;
        run.metadata().collections(run.id()).values().stream().filter(r -> !"view".equals(r.type())).forEach(r -> {
            known.put(r.source(), r.target());
            if (!r.reached(MetadataStore.CollectionStatus.DONE)) {
                copyPending.add(r.source());
            }
        });
    }

    /** Whether an earlier run began copying the collection during sync and did not finish. */
    boolean copyPending(Namespace ns) {
        return copyPending.contains(ns);
    }

    /** The collection was copied whole. */
    void copied(Namespace ns) {
        copyPending.remove(ns);
    }

    /** The destination of a followed namespace, or {@code null}. */
    Namespace get(Namespace ns) {
        return known.get(ns);
    }

    boolean isFollowed(Namespace ns) {
        return known.containsKey(ns);
    }

    Set<Namespace> followed() {
        return known.keySet();
    }

    /** The destination of a source namespace, following (and recording) one the rules select that is new. */
    Namespace targetOf(Namespace ns) {
        Namespace target = known.get(ns);
        if (target == null) {
            target = run.selection().mapper().select(ns).orElse(null);
            if (target != null) {
                known.put(ns, target);
                run.metadata().recordCollection(run.id(), ns, target, "collection");
                run.metadata().setStatus(run.id(), ns, MetadataStore.CollectionStatus.DONE);
            }
        }
        return target;
    }

    void dropped(Namespace ns, BsonTimestamp at) {
        droppedAt.put(ns, at);
    }

    /** When a followed collection was last dropped (or renamed away), or {@code null}. */
    BsonTimestamp droppedAt(Namespace ns) {
        return droppedAt.get(ns);
    }
}
