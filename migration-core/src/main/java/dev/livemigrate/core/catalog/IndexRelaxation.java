package dev.livemigrate.core.catalog;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.Clients;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
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
    private static final int DUPLICATE_KEY = 11000;
    private static final int CANNOT_CONVERT_INDEX_TO_UNIQUE = 359;

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

    /**
     * What a restore did.
     *
     * @param restored  indexes back to their original definition
     * @param conflicts unique indexes left relaxed, each with what the server said breaks it: {@code {keyValue:
     *                  ..., keyPattern: ...}} from a duplicate-key error, or {@code {ids: [...]}} from a refused
     *                  {@code collMod} conversion
     */
    public record RestoreReport(List<String> restored, Map<String, List<BsonDocument>> conflicts) {
        public boolean clean() {
            return conflicts.isEmpty();
        }
    }

    /**
     * Puts back the original definitions of relaxed indexes of one destination collection. A unique index
     * is made unique by the server itself, so a conflict is what its own semantics find (multikey entries,
     * collation-equal strings, null and missing alike): the index is then left relaxed and the server's
     * report kept. Uses {@code collMod} where the server has it and rebuilds the index where it does not.
     */
    public static RestoreReport restore(MongoClient destination, Namespace target, List<BsonDocument> originals) {
        MongoDatabase db = Clients.unbounded(destination.getDatabase(target.database()));
        List<String> restored = new ArrayList<>();
        Map<String, List<BsonDocument>> conflicts = new LinkedHashMap<>();
        for (BsonDocument original : originals) {
            String name = original.getString("name").getValue();
            List<BsonDocument> found = restoreOne(db, target, original);
            if (found.isEmpty()) {
                restored.add(name);
            } else {
                conflicts.put(name, found);
            }
        }
        return new RestoreReport(restored, conflicts);
    }

    /** Builds an index relaxed again (after a cutover that did not go through restored it). */
    public static void relaxAgain(MongoClient destination, Namespace target, BsonDocument original) {
        rebuildAs(Clients.unbounded(destination.getDatabase(target.database())), target, relax(original));
    }

    private static List<BsonDocument> restoreOne(MongoDatabase db, Namespace target, BsonDocument original) {
        String name = original.getString("name").getValue();
        boolean unique = original.getBoolean("unique", BsonBoolean.FALSE).getValue();
        boolean ttl = original.containsKey("expireAfterSeconds");
        if (unique && !ttl) {
            if (collModIndex(db, target, new BsonDocument("name", new BsonString(name)).append("prepareUnique", BsonBoolean.TRUE))) {
                try {
                    db.runCommand(collModCommand(target, new BsonDocument("name", new BsonString(name)).append("unique", BsonBoolean.TRUE)));
                    return List.of();
                } catch (MongoCommandException e) {
                    if (e.getErrorCode() != CANNOT_CONVERT_INDEX_TO_UNIQUE) {
                        throw e;
                    }
                    // take prepareUnique back, so syncing can go on with the index as it was
                    if (!collModIndex(db, target, new BsonDocument("name", new BsonString(name)).append("prepareUnique", BsonBoolean.FALSE))) {
                        rebuildAs(db, target, relax(original));
                    }
                    return violations(e);
                }
            }
        } else if (!unique && collModIndex(db, target, new BsonDocument("name", new BsonString(name))
                .append("expireAfterSeconds", original.get("expireAfterSeconds")))) {
            return List.of();
        }
        try {
            rebuildAs(db, target, original);
            return List.of();
        } catch (MongoCommandException e) {
            if (e.getErrorCode() != DUPLICATE_KEY) {
                throw e;
            }
            rebuildAs(db, target, relax(original));
            return List.of(duplicateKey(e));
        }
    }

    /** {@code collMod} of one index; {@code false} when the server refuses it (no collMod, or too old for the option). */
    private static boolean collModIndex(MongoDatabase db, Namespace target, BsonDocument index) {
        try {
            db.runCommand(collModCommand(target, index));
            return true;
        } catch (MongoCommandException e) {
            LOG.debug("collMod {} on {} refused ({}); rebuilding instead", index.toJson(), target, e.getErrorMessage());
            return false;
        }
    }

    private static BsonDocument collModCommand(Namespace target, BsonDocument index) {
        return new BsonDocument("collMod", new BsonString(target.collection())).append("index", index);
    }

    /** What a duplicate-key error names: the key pattern and value (and collation) MongoDB 4.4+ attach, else its message. */
    private static BsonDocument duplicateKey(MongoCommandException e) {
        BsonDocument response = e.getResponse();
        BsonDocument conflict = new BsonDocument();
        for (String field : List.of("keyPattern", "keyValue", "collation")) {
            if (response.containsKey(field)) {
                conflict.put(field, response.get(field));
            }
        }
        if (!conflict.containsKey("keyValue")) {
            conflict.put("error", new BsonString(e.getErrorMessage()));
        }
        return conflict;
    }

    /** The {@code violations} of a refused unique conversion ({@code [{ids: [...]}, ...]}), at most a few. */
    private static List<BsonDocument> violations(MongoCommandException e) {
        BsonArray violations = e.getResponse().getArray("violations", new BsonArray());
        if (violations.isEmpty()) {
            return List.of(new BsonDocument("error", new BsonString(e.getErrorMessage())));
        }
        return violations.stream().limit(MAX_REPORTED_CONFLICTS).map(BsonValue::asDocument).toList();
    }

    private static void rebuildAs(MongoDatabase db, Namespace target, BsonDocument definition) {
        String name = definition.getString("name").getValue();
        try {
            db.runCommand(new BsonDocument("dropIndexes", new BsonString(target.collection())).append("index", new BsonString(name)));
        } catch (MongoCommandException e) {
            LOG.debug("dropping index {} on {}: {}", name, target, e.getErrorMessage());
        }
        db.runCommand(new BsonDocument("createIndexes", new BsonString(target.collection()))
                .append("indexes", new BsonArray(List.of(definition))));
    }
}
