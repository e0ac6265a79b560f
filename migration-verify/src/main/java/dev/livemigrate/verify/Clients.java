package dev.livemigrate.verify;

import com.mongodb.MongoClientSettings;
import com.mongodb.ReadConcern;
import com.mongodb.ReadPreference;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.livemigrate.Namespace;
import dev.livemigrate.spi.SyncWatermark;
import org.bson.BsonDocument;
import org.bson.BsonString;

import java.util.HashMap;
import java.util.Map;

/**
 * Opens the two clients a verifier compares through, with reads pinned to the primary and
 * {@code readConcern: majority} whatever the connection strings say: a secondary may lag and a local read may
 * be rolled back, and either would make a verdict about data that is not (or no longer) there. Also lists each
 * database's collections once per run, for {@link #sourceEntry} and {@link #destinationEntry}.
 */
final class Clients implements AutoCloseable {

    final MongoClient source;
    final MongoClient destination;
    /** How differences are read again; one per verification, so its waiting budget spans every namespace. */
    final Rechecks rechecks;
    private final Map<String, Map<String, BsonDocument>> sourceCatalog = new HashMap<>();
    private final Map<String, Map<String, BsonDocument>> destinationCatalog = new HashMap<>();
    private Boolean sourceSharded;
    private Boolean destinationSharded;

    Clients(MongoClientSettings source, MongoClientSettings destination, SyncWatermark live) {
        this.source = MongoClients.create(pinned(source));
        this.destination = MongoClients.create(pinned(destination));
        this.rechecks = new Rechecks(live);
    }

    /** {@code settings} with primary reads and majority read concern. */
    static MongoClientSettings pinned(MongoClientSettings settings) {
        return MongoClientSettings.builder(settings).readPreference(ReadPreference.primary()).readConcern(ReadConcern.MAJORITY).build();
    }

    /** The source's {@code listCollections} entry for {@code ns}, or {@code null} when it does not exist. */
    BsonDocument sourceEntry(Namespace ns) {
        return entry(source, sourceCatalog, ns);
    }

    /** The destination's {@code listCollections} entry for {@code ns}, or {@code null} when it does not exist. */
    BsonDocument destinationEntry(Namespace ns) {
        return entry(destination, destinationCatalog, ns);
    }

    private static BsonDocument entry(MongoClient client, Map<String, Map<String, BsonDocument>> catalog, Namespace ns) {
        return catalog.computeIfAbsent(ns.database(), db -> {
            Map<String, BsonDocument> byName = new HashMap<>();
            client.getDatabase(db).listCollections(BsonDocument.class).forEach(e -> byName.put(e.getString("name").getValue(), e));
            return byName;
        }).get(ns.collection());
    }

    /** Whether the source is reached through a mongos; asked once per run. */
    boolean sourceSharded() {
        if (sourceSharded == null) {
            sourceSharded = ShardLayout.isMongos(source);
        }
        return sourceSharded;
    }

    /** Whether the destination is reached through a mongos; asked once per run. */
    boolean destinationSharded() {
        if (destinationSharded == null) {
            destinationSharded = ShardLayout.isMongos(destination);
        }
        return destinationSharded;
    }

    /** Whether a {@code listCollections} entry is a view (absent entries are not). */
    static boolean isView(BsonDocument entry) {
        return entry != null && entry.getString("type", new BsonString("collection")).getValue().equals("view");
    }

    @Override
    public void close() {
        source.close();
        destination.close();
    }
}
