package dev.livemigrate.core.catalog;

import dev.livemigrate.Namespace;

import java.util.List;
import java.util.Map;

/**
 * The source collections a migration takes, as found when it started, and where each goes.
 *
 * @param mapper          the include/exclude/rename rules, for namespaces that appear later
 * @param collections     the selected source collections and views, with their options, in catalog order
 * @param targets         each selected source namespace's destination namespace
 * @param conflictsToDrop destination namespaces to drop before the copy (clear-destination)
 * @param sharding        which destination collections are sharded, and how
 */
public record Selection(NamespaceMapper mapper, Map<Namespace, CollectionInfo> collections,
                        Map<Namespace, Namespace> targets, List<Namespace> conflictsToDrop, ShardingPlan sharding) {

    /** Nothing sharded. */
    public Selection(NamespaceMapper mapper, Map<Namespace, CollectionInfo> collections, Map<Namespace, Namespace> targets,
                     List<Namespace> conflictsToDrop) {
        this(mapper, collections, targets, conflictsToDrop, ShardingPlan.NONE);
    }

    /** The destination namespace of a selected source namespace. */
    public Namespace target(Namespace source) {
        return targets.get(source);
    }
}
