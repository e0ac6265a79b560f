package dev.livemigrate.core;

import dev.livemigrate.ConfigurationException;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.catalog.CollectionInfo;
import dev.livemigrate.core.state.MetadataStore;
import dev.livemigrate.core.sync.SyncPhase;
import org.bson.BsonTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Copies chosen collections of a resumed migration again ({@link MigrationSpec#recopy()}), keeping the rest: the
 * way on after a change history was lost for some of them. Before anything else of the run, each is dropped on
 * the destination and forgotten by the migration's records (plan, finished partitions, relaxed indexes), so the
 * copy phase copies it as new; its change stream starts at the start point this run took before reading
 * anything, so no change made after the new copy's reads can be missed. The cluster-wide stream, which carries
 * every selected collection, moves to that point only when every one of them is copied again.
 */
final class Recopy {

    private static final Logger LOG = LoggerFactory.getLogger(Recopy.class);

    private Recopy() {
    }

    /**
     * The source collections the spec asks to copy again, checked against the selection before anything is
     * written.
     *
     * @param selected the selected source namespaces of this run
     * @param recorded whether the migration has run on this destination before
     * @throws ConfigurationException {@link ErrorCode#INVALID_SPEC} naming a collection that is not selected, a
     *                                view, or a recopy for a migration that never ran
     */
    static Set<Namespace> resolve(MigrationSpec spec, Map<Namespace, CollectionInfo> selected, boolean recorded) {
        Set<Namespace> again = new LinkedHashSet<>();
        if (spec.recopy().isEmpty()) {
            return again;
        }
        if (!recorded) {
            throw new ConfigurationException(ErrorCode.INVALID_SPEC, "recopy " + spec.recopy() + " asks to copy collections"
                    + " of migration '" + spec.migrationId() + "' again, but it has not run on this destination:"
                    + " start it without recopy (everything is copied), or give the id of the migration to resume.");
        }
        Set<String> copyable = new TreeSet<>();
        selected.forEach((ns, info) -> {
            if (!info.isView()) {
                copyable.add(ns.fullName());
            }
        });
        for (String name : spec.recopy()) {
            if (name.equals("*")) {
                copyable.forEach(n -> again.add(Namespace.parse(n)));
                continue;
            }
            if (!copyable.contains(name)) {
                String what = selected.containsKey(Namespace.parse(name)) ? "is a view (views are created, not copied)"
                        : "is not a collection this migration selects on the source";
                throw new ConfigurationException(ErrorCode.INVALID_SPEC, "recopy '" + name + "' " + what + ": name"
                        + " source collections of the migration (" + summary(copyable) + "), or * for all of them.");
            }
            again.add(Namespace.parse(name));
        }
        return again;
    }

    /**
     * Drops and forgets each collection to copy again and restarts its change stream at the run's start point.
     * Idempotent: a run that stops half-way does the same again when started with the same recopy.
     */
    static void apply(RunContext run) {
        Set<Namespace> again = resolve(run.spec(), run.selection().collections(), true);
        if (again.isEmpty()) {
            return;
        }
        long copyable = run.selection().collections().values().stream().filter(i -> !i.isView()).count();
        boolean everything = again.size() == copyable;
        BsonTimestamp from = run.capturedStartAt();
        MetadataStore metadata = run.metadata();
        run.retries().run("preparing to copy " + again.size() + " collection(s) again", () -> {
            for (Namespace ns : again) {
                Namespace target = run.selection().target(ns);
                LOG.info("migration {}: copying {} again (dropping {} on the destination){}", run.id(), ns, target,
                        from == null ? "" : ", following its changes from " + from);
                run.destination().getDatabase(target.database()).getCollection(target.collection()).drop();
                metadata.forgetCollection(run.id(), ns);
            }
            if (from != null) {
                SyncPhase.restartStreams(metadata, run.id(), again, everything, from);
            }
        });
    }

    private static String summary(Set<String> names) {
        return names.size() <= 10 ? String.join(", ", names)
                : String.join(", ", names.stream().limit(10).toList()) + " and " + (names.size() - 10) + " more";
    }
}
