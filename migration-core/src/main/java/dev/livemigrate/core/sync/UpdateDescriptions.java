package dev.livemigrate.core.sync;

import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.WriteModel;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;

import java.util.ArrayList;
import java.util.List;

/** What an update event's {@code updateDescription} means as writes, and when it cannot be trusted as paths. */
final class UpdateDescriptions {

    private UpdateDescriptions() {
    }

    /**
     * The updates that bring a document to the state an {@code updateDescription} describes: arrays are
     * truncated first (a separate update, as MongoDB applies it), then updated fields are set and removed
     * fields unset, all with absolute values.
     */
    static List<WriteModel<RawBsonDocument>> diffWrites(BsonDocument key, BsonDocument description) {
        List<WriteModel<RawBsonDocument>> writes = new ArrayList<>();
        BsonArray truncated = description.getArray("truncatedArrays", new BsonArray());
        if (!truncated.isEmpty()) {
            BsonDocument push = new BsonDocument();
            for (BsonValue t : truncated) {
                push.put(t.asDocument().getString("field").getValue(), new BsonDocument("$each", new BsonArray())
                        .append("$slice", t.asDocument().get("newSize")));
            }
            writes.add(new UpdateOneModel<>(key, new BsonDocument("$push", push)));
        }
        BsonDocument update = new BsonDocument();
        BsonDocument updated = description.getDocument("updatedFields", new BsonDocument());
        if (!updated.isEmpty()) {
            update.put("$set", updated);
        }
        BsonArray removed = description.getArray("removedFields", new BsonArray());
        if (!removed.isEmpty()) {
            BsonDocument unset = new BsonDocument();
            removed.forEach(f -> unset.put(f.asString().getValue(), new BsonInt32(1)));
            update.put("$unset", unset);
        }
        if (!update.isEmpty()) {
            writes.add(new UpdateOneModel<>(key, update));
        }
        return writes;
    }

    /**
     * Whether a path of the update cannot be written as a dotted {@code $set}/{@code $unset} path, so the
     * document is read from the source instead. With {@code showExpandedEvents} on, MongoDB 6.1+ lists
     * the paths that are ambiguous (a field name with a dot, a numeric field name of a document) in
     * {@code disambiguatedPaths}, which is then present, empty when nothing is ambiguous. Without it
     * (MongoDB before 6.1, or expanded events off) a dotted path may be a top-level field named
     * {@code a.b} or name an object key {@code 0} rather than an array index: every dotted path is
     * ambiguous. A {@code $}-prefixed component is never a valid update path.
     */
    static boolean hasAmbiguousPaths(BsonDocument description) {
        boolean disambiguated = description.containsKey("disambiguatedPaths");
        if (description.isDocument("disambiguatedPaths") && !description.getDocument("disambiguatedPaths").isEmpty()) {
            return true;
        }
        List<String> paths = new ArrayList<>(description.getDocument("updatedFields", new BsonDocument()).keySet());
        description.getArray("removedFields", new BsonArray()).forEach(f -> paths.add(f.asString().getValue()));
        description.getArray("truncatedArrays", new BsonArray())
                .forEach(t -> paths.add(t.asDocument().getString("field").getValue()));
        for (String path : paths) {
            if (path.startsWith("$") || path.contains(".$") || (!disambiguated && path.contains("."))) {
                return true;
            }
        }
        return false;
    }
}
