package dev.livemigrate.core.catalog;

import dev.livemigrate.Namespace;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonString;

import java.util.Set;

/**
 * One entry of a source's {@code listCollections} reply: a collection, time-series collection or view,
 * with the options it was created with.
 *
 * @param namespace the source namespace
 * @param type      {@code collection}, {@code timeseries} or {@code view}
 * @param options   the {@code options} document of the reply, as the source reports it
 */
public record CollectionInfo(Namespace namespace, String type, BsonDocument options) {

    /** Options MongoDB reports but does not take back in {@code create}. */
    private static final Set<String> NOT_CREATE_OPTIONS = Set.of("flags", "autoIndexId", "uuid");

    /** Reads one document of a {@code listCollections} cursor. */
    public static CollectionInfo fromListCollections(String database, BsonDocument entry) {
        String type = entry.getString("type", new BsonString("collection")).getValue();
        BsonDocument options = entry.getDocument("options", new BsonDocument());
        return new CollectionInfo(new Namespace(database, entry.getString("name").getValue()), type, options);
    }

    public boolean isView() {
        return "view".equals(type);
    }

    public boolean isTimeSeries() {
        return "timeseries".equals(type);
    }

    public boolean isCapped() {
        return options.getBoolean("capped", BsonBoolean.FALSE).getValue();
    }

    /**
     * The {@code create} command that makes this collection or view on the destination under the name
     * {@code target}, carrying every option the source reports (capped size, validator, collation,
     * time-series, clustered index, view pipeline, ...).
     */
    public BsonDocument createCommand(Namespace target) {
        BsonDocument command = new BsonDocument("create", new BsonString(target.collection()));
        for (var e : options.entrySet()) {
            if (NOT_CREATE_OPTIONS.contains(e.getKey())) {
                continue;
            }
            if (e.getKey().equals("clusteredIndex") && e.getValue().isDocument()) {
                BsonDocument clustered = e.getValue().asDocument().clone();
                clustered.remove("v"); // reported, but create rejects it
                command.put(e.getKey(), clustered);
            } else {
                command.put(e.getKey(), e.getValue());
            }
        }
        return command;
    }
}
