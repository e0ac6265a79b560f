package dev.livemigrate.core.catalog;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.livemigrate.Namespace;
import org.bson.BsonDocument;
import org.bson.BsonNumber;
import org.bson.BsonString;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads what a deployment holds: its collections and views with their options, and their sizes. */
public final class SourceCatalog {

    private SourceCatalog() {
    }

    /** Every collection, time-series collection and view outside the internal databases, by namespace. */
    public static Map<Namespace, CollectionInfo> list(MongoClient client) {
        Map<Namespace, CollectionInfo> found = new LinkedHashMap<>();
        List<String> databases = client.listDatabaseNames().into(new ArrayList<>());
        databases.sort(String::compareTo);
        for (String database : databases) {
            if (NamespaceMapper.INTERNAL_DATABASES.contains(database)) {
                continue;
            }
            client.getDatabase(database).listCollections(BsonDocument.class).forEach(entry -> {
                CollectionInfo info = CollectionInfo.fromListCollections(database, entry);
                found.put(info.namespace(), info);
            });
        }
        return found;
    }

    /** One collection or view with its options, if the deployment has it. */
    public static Optional<CollectionInfo> find(MongoClient client, Namespace ns) {
        // matched here, not only by the server's filter: some servers ignore listCollections' filter
        for (BsonDocument entry : client.getDatabase(ns.database()).listCollections(BsonDocument.class)
                .filter(new BsonDocument("name", new BsonString(ns.collection())))) {
            if (ns.collection().equals(entry.getString("name", new BsonString("")).getValue())) {
                return Optional.of(CollectionInfo.fromListCollections(ns.database(), entry));
            }
        }
        return Optional.empty();
    }

    /** Document count and data size (uncompressed BSON bytes) of a collection. */
    public record Stats(long count, long sizeBytes) {
    }

    /** The collection's statistics from {@code collStats}, or its estimated count when that is refused. */
    public static Stats stats(MongoClient client, Namespace ns) {
        MongoDatabase db = client.getDatabase(ns.database());
        try {
            BsonDocument reply = db.runCommand(new BsonDocument("collStats", new BsonString(ns.collection())), BsonDocument.class);
            return new Stats(number(reply, "count"), number(reply, "size"));
        } catch (MongoCommandException e) {
            return new Stats(db.getCollection(ns.collection()).estimatedDocumentCount(), 0);
        }
    }

    private static long number(BsonDocument reply, String field) {
        return reply.get(field) instanceof BsonNumber n ? n.longValue() : 0;
    }
}
