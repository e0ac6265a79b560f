package dev.livemigrate.core.sync;

import com.mongodb.client.MongoClient;
import dev.livemigrate.Namespace;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A capped collection's events less the inserts and replacements of documents the source no longer holds.
 * The source evicts its oldest documents without a change event; replaying the insert of one it evicted
 * (inserted after the start point, gone before the copy read it, or replayed after a restart) would append
 * it after newer documents, and the destination would then evict other documents than the source did. A
 * document the source holds is written as usual, in the order of the events.
 */
final class CappedReplay {

    private static final Logger LOG = LoggerFactory.getLogger(CappedReplay.class);

    private CappedReplay() {
    }

    /** The events less the inserts and replacements of documents the source no longer holds. */
    static List<ChangeEvent> withoutEvicted(MongoClient source, ChangeApplier.Mode mode, List<ChangeEvent> events) {
        BsonArray ids = new BsonArray();
        for (ChangeEvent e : events) {
            if (e.documentKey() != null && e.documentKey().containsKey("_id") && upserts(e, mode)) {
                ids.add(e.documentKey().get("_id"));
            }
        }
        if (ids.isEmpty()) {
            return events;
        }
        Namespace ns = events.get(0).ns();
        Set<BsonValue> held = new HashSet<>();
        source.getDatabase(ns.database()).getCollection(ns.collection(), BsonDocument.class)
                .find(new BsonDocument("_id", new BsonDocument("$in", ids))).projection(new BsonDocument("_id", new BsonInt32(1)))
                .forEach(d -> held.add(d.get("_id")));
        List<ChangeEvent> kept = new ArrayList<>();
        for (ChangeEvent e : events) {
            if (e.documentKey() != null && upserts(e, mode) && !held.contains(e.documentKey().get("_id"))) {
                LOG.debug("{} of {} in capped {} skipped: the source no longer holds it", e.operationType(), e.documentKey().toJson(), ns);
            } else {
                kept.add(e);
            }
        }
        return kept;
    }

    /** Whether the event's write creates the document when the destination lacks it. */
    private static boolean upserts(ChangeEvent e, ChangeApplier.Mode mode) {
        return e.operationType().equals("insert") || e.operationType().equals("replace")
                || e.operationType().equals("update") && mode == ChangeApplier.Mode.FULL_DOCUMENT;
    }
}
