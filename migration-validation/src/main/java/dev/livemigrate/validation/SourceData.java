package dev.livemigrate.validation;

import dev.livemigrate.Namespace;
import dev.livemigrate.spi.CommandRunner;
import dev.livemigrate.spi.ValidationContext;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The source's collections as {@code listCollections} describes them, and the size of the part the
 * migration selects: what the disk and change-history checks weigh, read through the command runner.
 */
final class SourceData {

    /**
     * Uncompressed bytes (what the copy reads), bytes on disk, and bytes of every index ({@code dbStats}
     * {@code indexSize}, {@code collStats} {@code totalIndexSize}) of the selected collections.
     */
    record Size(long dataBytes, long storageBytes, long indexBytes) {

        /** What the data takes on a destination that compresses like the source. */
        long stored() {
            return storageBytes > 0 ? Math.min(dataBytes, storageBytes) : dataBytes;
        }

        /** What the data and the indexes built over it take on the destination. */
        long withIndexes() {
            return stored() + indexBytes;
        }
    }

    private final ValidationContext context;
    private final Map<String, List<BsonDocument>> collections = new LinkedHashMap<>();

    private SourceData(ValidationContext context) {
        this.context = context;
    }

    /** Lists every database outside the system ones, and its collections and views. */
    static SourceData read(ValidationContext context) {
        SourceData data = new SourceData(context);
        BsonDocument databases = context.source().run("admin", new BsonDocument("listDatabases", new BsonInt32(1))
                .append("nameOnly", BsonBoolean.TRUE));
        for (BsonValue db : databases.getArray("databases")) {
            String name = db.asDocument().getString("name").getValue();
            if (!Namespace.SYSTEM_DATABASES.contains(name)) {
                data.collections.put(name, all(context.source(), name, new BsonDocument("listCollections", new BsonInt32(1))));
            }
        }
        return data;
    }

    /** Every database with its {@code listCollections} entries, selected or not. */
    Map<String, List<BsonDocument>> collections() {
        return collections;
    }

    boolean selected(String database, BsonDocument entry) {
        return context.selects(new Namespace(database, entry.getString("name").getValue()));
    }

    static boolean isView(BsonDocument entry) {
        return entry.getString("type", new BsonString("collection")).getValue().equals("view");
    }

    /** The selected collections, by namespace. */
    List<Namespace> selectedCollections() {
        List<Namespace> selected = new ArrayList<>();
        collections.forEach((db, entries) -> entries.stream().filter(e -> !isView(e) && selected(db, e))
                .forEach(e -> selected.add(new Namespace(db, e.getString("name").getValue()))));
        return selected;
    }

    /**
     * The size of the selected collections: {@code dbStats} for a database copied whole, {@code collStats}
     * per collection for one copied in part.
     */
    Size size() {
        long data = 0;
        long storage = 0;
        long indexes = 0;
        for (Map.Entry<String, List<BsonDocument>> db : collections.entrySet()) {
            List<BsonDocument> tables = db.getValue().stream().filter(e -> !isView(e)).toList();
            List<BsonDocument> chosen = tables.stream().filter(e -> selected(db.getKey(), e)).toList();
            if (chosen.isEmpty()) {
                continue;
            }
            if (chosen.size() == tables.size()) {
                BsonDocument stats = context.source().run(db.getKey(), Commands.command("dbStats"));
                data += Commands.number(stats, "dataSize").orElse(0L);
                storage += Commands.number(stats, "storageSize").orElse(0L);
                indexes += Commands.number(stats, "indexSize").orElse(0L);
            } else {
                for (BsonDocument c : chosen) {
                    BsonDocument stats = context.source().run(db.getKey(), new BsonDocument("collStats", c.getString("name")));
                    data += Commands.number(stats, "size").orElse(0L);
                    storage += Commands.number(stats, "storageSize").orElse(0L);
                    indexes += Commands.number(stats, "totalIndexSize").orElse(0L);
                }
            }
        }
        return new Size(data, storage, indexes);
    }

    /** Every document of a cursor-returning command, following the cursor with {@code getMore}. */
    static List<BsonDocument> all(CommandRunner runner, String database, BsonDocument command) {
        BsonDocument cursor = runner.run(database, command).getDocument("cursor");
        List<BsonDocument> documents = new ArrayList<>();
        cursor.getArray("firstBatch").forEach(d -> documents.add(d.asDocument()));
        long id = cursor.getNumber("id").longValue();
        while (id != 0) {
            String collection = cursor.getString("ns").getValue().substring(database.length() + 1);
            cursor = runner.run(database, new BsonDocument("getMore", new BsonInt64(id))
                    .append("collection", new BsonString(collection))).getDocument("cursor");
            cursor.getArray("nextBatch").forEach(d -> documents.add(d.asDocument()));
            id = cursor.getNumber("id").longValue();
        }
        return documents;
    }
}
