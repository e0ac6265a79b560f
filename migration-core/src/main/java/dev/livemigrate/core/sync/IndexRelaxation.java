package dev.livemigrate.core.sync;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.livemigrate.Namespace;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonNumber;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Relaxes what would make replay fail or lose data while the destination catches up, and restores it.
 *
 * <p>Applying lanes in parallel and replaying from the start point can put states on the destination the
 * source never held at once, so a unique index could reject a write the source accepted; and a TTL index
 * would delete documents on the destination's clock; and a capped collection could evict documents early.
 * So during copy and sync unique indexes are built non-unique, TTL indexes without expiry and capped
 * collections larger; the original definitions are recorded in the metadata and put back by
 * {@link #restore} once the destination has caught up (at cutover).
 */
public final class IndexRelaxation {

    private static final Logger LOG = LoggerFactory.getLogger(IndexRelaxation.class);
    /** Most conflicting keys a restore reports per index. */
    static final int MAX_REPORTED_CONFLICTS = 20;

    private IndexRelaxation() {
    }

    /** Whether syncing needs a different definition of this index. */
    public static boolean needsRelaxing(BsonDocument indexSpec) {
        return indexSpec.getBoolean("unique", BsonBoolean.FALSE).getValue() || indexSpec.containsKey("expireAfterSeconds");
    }

    /** The definition to build while syncing: not unique, no expiry. */
    public static BsonDocument relax(BsonDocument indexSpec) {
        BsonDocument relaxed = indexSpec.clone();
        relaxed.remove("unique");
        relaxed.remove("prepareUnique");
        relaxed.remove("expireAfterSeconds");
        return relaxed;
    }

    /** A {@code create} command with a capped size that cannot evict before the source does, and no max. */
    public static BsonDocument relaxCreate(BsonDocument createCommand) {
        if (!createCommand.getBoolean("capped", BsonBoolean.FALSE).getValue()) {
            return createCommand;
        }
        BsonDocument relaxed = createCommand.clone();
        long size = createCommand.get("size") instanceof BsonNumber n ? n.longValue() : 0;
        relaxed.put("size", new BsonInt64(Math.max(size * 2, size + 64L * 1024 * 1024)));
        relaxed.remove("max");
        return relaxed;
    }

    /** What a restore did. */
    public record RestoreReport(List<String> restored, Map<String, List<BsonDocument>> conflicts) {
        public boolean clean() {
            return conflicts.isEmpty();
        }
    }

    /**
     * Puts back the original definitions of relaxed indexes of one destination collection. A unique index
     * whose keys are not unique on the destination is left relaxed and reported with the offending keys.
     * Uses {@code collMod} where the server has it and rebuilds the index where it does not.
     */
    public static RestoreReport restore(MongoClient destination, Namespace target, List<BsonDocument> originals) {
        MongoDatabase db = destination.getDatabase(target.database());
        List<String> restored = new ArrayList<>();
        Map<String, List<BsonDocument>> conflicts = new LinkedHashMap<>();
        for (BsonDocument original : originals) {
            String name = original.getString("name").getValue();
            boolean unique = original.getBoolean("unique", BsonBoolean.FALSE).getValue();
            if (unique) {
                List<BsonDocument> duplicates = duplicateKeys(db, target, original);
                if (!duplicates.isEmpty()) {
                    conflicts.put(name, duplicates);
                    continue;
                }
            }
            if (!collMod(db, target, original, unique)) {
                rebuild(db, target, original);
            }
            restored.add(name);
        }
        return new RestoreReport(restored, conflicts);
    }

    /** Key values held by more than one document, as {@code {key: {...}, ids: [...]}}, at most a few. */
    static List<BsonDocument> duplicateKeys(MongoDatabase db, Namespace target, BsonDocument index) {
        BsonDocument groupKey = new BsonDocument();
        BsonDocument present = new BsonDocument();
        int i = 0;
        for (String field : index.getDocument("key").keySet()) {
            groupKey.put("k" + i++, new BsonString("$" + field));
            present.put(field, new BsonDocument("$exists", BsonBoolean.TRUE));
        }
        List<BsonDocument> pipeline = new ArrayList<>();
        if (index.isDocument("partialFilterExpression")) {
            pipeline.add(new BsonDocument("$match", index.getDocument("partialFilterExpression")));
        }
        if (index.getBoolean("sparse", BsonBoolean.FALSE).getValue()) {
            pipeline.add(new BsonDocument("$match", present));
        }
        pipeline.add(new BsonDocument("$group", new BsonDocument("_id", groupKey)
                .append("n", new BsonDocument("$sum", new BsonInt32(1)))
                .append("ids", new BsonDocument("$push", new BsonString("$_id")))));
        pipeline.add(new BsonDocument("$match", new BsonDocument("n", new BsonDocument("$gt", new BsonInt32(1)))));
        pipeline.add(new BsonDocument("$limit", new BsonInt32(MAX_REPORTED_CONFLICTS)));
        List<BsonDocument> found = new ArrayList<>();
        List<String> fields = new ArrayList<>(index.getDocument("key").keySet());
        db.getCollection(target.collection(), BsonDocument.class).aggregate(pipeline).forEach(d -> {
            BsonDocument key = new BsonDocument();
            BsonDocument values = d.getDocument("_id");
            for (int k = 0; k < fields.size(); k++) {
                BsonValue v = values.get("k" + k);
                key.put(fields.get(k), v == null ? org.bson.BsonNull.VALUE : v);
            }
            found.add(new BsonDocument("key", key).append("ids", d.getArray("ids", new BsonArray())));
        });
        return found;
    }

    private static boolean collMod(MongoDatabase db, Namespace target, BsonDocument original, boolean unique) {
        String name = original.getString("name").getValue();
        try {
            if (unique) {
                if (original.containsKey("expireAfterSeconds")) {
                    return false; // both at once: rebuild
                }
                db.runCommand(new BsonDocument("collMod", new BsonString(target.collection()))
                        .append("index", new BsonDocument("name", new BsonString(name)).append("prepareUnique", BsonBoolean.TRUE)));
                db.runCommand(new BsonDocument("collMod", new BsonString(target.collection()))
                        .append("index", new BsonDocument("name", new BsonString(name)).append("unique", BsonBoolean.TRUE)));
            } else {
                db.runCommand(new BsonDocument("collMod", new BsonString(target.collection()))
                        .append("index", new BsonDocument("name", new BsonString(name))
                                .append("expireAfterSeconds", original.get("expireAfterSeconds"))));
            }
            return true;
        } catch (MongoCommandException e) {
            LOG.debug("collMod of index {} on {} refused ({}); rebuilding it", name, target, e.getErrorMessage());
            return false;
        }
    }

    private static void rebuild(MongoDatabase db, Namespace target, BsonDocument original) {
        String name = original.getString("name").getValue();
        try {
            db.runCommand(new BsonDocument("dropIndexes", new BsonString(target.collection())).append("index", new BsonString(name)));
        } catch (MongoCommandException e) {
            LOG.debug("dropping index {} on {}: {}", name, target, e.getErrorMessage());
        }
        db.runCommand(new BsonDocument("createIndexes", new BsonString(target.collection()))
                .append("indexes", new BsonArray(List.of(original))));
    }
}
