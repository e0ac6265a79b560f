package dev.livemigrate.core.sync;

import dev.livemigrate.Namespace;
import dev.livemigrate.core.RunContext;
import dev.livemigrate.core.catalog.IndexRelaxation;
import dev.livemigrate.core.catalog.IndexSpecs;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * The index part of a {@code collMod} while syncing ({@code operationDescription.index} of a
 * {@code modify} event, MongoDB 6.0+: the index's {@code name} or {@code keyPattern} and the options
 * changed: {@code expireAfterSeconds}, {@code unique}, {@code prepareUnique}, {@code hidden}).
 *
 * <p>Expiry and uniqueness stay off the destination while it syncs ({@link IndexRelaxation}): a change
 * to them goes into the index's recorded original definition, which cutover restores. An index the
 * change makes a TTL or unique index (a conversion) is recorded as relaxed from then on. {@code hidden}
 * changes nothing that syncing depends on and is passed on to the destination; {@code prepareUnique}
 * would refuse the destination's replay of states the source never held at once and is not.
 */
final class IndexChanges {

    private static final Logger LOG = LoggerFactory.getLogger(IndexChanges.class);

    private IndexChanges() {
    }

    /**
     * Records what the change does to a relaxed (or now relaxed) index.
     *
     * @return the {@code index} document to pass to the destination's {@code collMod}, or {@code null}
     */
    static BsonDocument apply(RunContext run, Namespace source, Namespace target, BsonDocument change) {
        BsonDocument current = destinationIndex(run, target, change);
        if (current == null) {
            LOG.warn("{} changed index {} on the source, which {} does not have; ignoring the change", source, change.toJson(), target);
            return null;
        }
        String name = current.getString("name").getValue();
        BsonDocument original = run.metadata().relaxedIndexes(run.id(), source).stream()
                .filter(i -> name.equals(i.getString("name").getValue())).findFirst().orElse(null);
        boolean relaxing = change.containsKey("expireAfterSeconds") || change.getBoolean("unique", BsonBoolean.FALSE).getValue();
        if (original != null || relaxing) {
            BsonDocument updated = (original != null ? original : current).clone();
            change.forEach((k, v) -> {
                if (!k.equals("name") && !k.equals("keyPattern") && !k.equals("prepareUnique")) {
                    updated.put(k, v);
                }
            });
            run.metadata().recordRelaxedIndex(run.id(), source, updated);
            LOG.info("index {} of {} changed on the source: restored at cutover as {}", name, source, updated.toJson());
        }
        if (!change.containsKey("hidden")) {
            return null;
        }
        return new BsonDocument("name", new BsonString(name)).append("hidden", change.get("hidden"));
    }

    /** The destination's definition of the index the change names (by name or key pattern). */
    private static BsonDocument destinationIndex(RunContext run, Namespace target, BsonDocument change) {
        for (BsonDocument index : IndexSpecs.list(run.destination(), target)) {
            boolean byName = change.isString("name") && change.getString("name").equals(index.get("name"));
            boolean byKey = change.isDocument("keyPattern") && change.getDocument("keyPattern").equals(index.get("key"));
            if (byName || byKey) {
                return IndexSpecs.toCreateSpec(index);
            }
        }
        return null;
    }
}
