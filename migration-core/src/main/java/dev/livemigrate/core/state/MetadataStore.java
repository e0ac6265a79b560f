package dev.livemigrate.core.state;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.copy.Partition;
import org.bson.BsonArray;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.conversions.Bson;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The engine's persisted state, kept on the destination in database {@value #DATABASE}: one document per
 * migration, one per collection (target, status, partition plan) and one per finished partition. Every
 * write is an idempotent upsert, so a crash between any two writes leaves a state a restart can resume.
 */
public final class MetadataStore {

    public static final String DATABASE = "__livemigrate";
    private static final String CAPPED = "relaxedCapped";

    /** How far a collection has come; each status implies the ones before it. */
    public enum CollectionStatus {
        /** Recorded; the destination collection may not exist yet. */
        PENDING,
        /** The destination collection (or view) exists. */
        CREATED,
        /** The partition plan is persisted. */
        PLANNED,
        /** Every partition is copied. */
        COPIED,
        /** Indexes are built: nothing left to do. */
        DONE
    }

    private final MongoCollection<BsonDocument> migrations;
    private final MongoCollection<BsonDocument> collections;
    private final MongoCollection<BsonDocument> partitions;
    private final MongoCollection<BsonDocument> checkpoints;

    public MetadataStore(MongoClient destination) {
        MongoDatabase db = destination.getDatabase(DATABASE);
        this.migrations = db.getCollection("migrations", BsonDocument.class);
        this.collections = db.getCollection("collections", BsonDocument.class);
        this.partitions = db.getCollection("partitions", BsonDocument.class);
        this.checkpoints = db.getCollection("checkpoints", BsonDocument.class);
    }

    /** The migration's document, if one was ever recorded. */
    public Optional<BsonDocument> migration(String migrationId) {
        return Optional.ofNullable(migrations.find(Filters.eq("_id", migrationId)).first());
    }

    /**
     * Records a new migration with the settings that must not change when it resumes, and the source
     * operation time change capture starts from ({@code null} for a one-time copy).
     */
    public void createMigration(String migrationId, BsonDocument fingerprint, BsonTimestamp startAt, Instant createdAt) {
        BsonDocument doc = new BsonDocument("_id", new BsonString(migrationId))
                .append("fingerprint", fingerprint)
                .append("startAt", startAt == null ? BsonNull.VALUE : startAt)
                .append("state", new BsonString("RUNNING"))
                .append("createdAt", new BsonDateTime(createdAt.toEpochMilli()))
                .append("updatedAt", now());
        migrations.replaceOne(Filters.eq("_id", migrationId), doc, new ReplaceOptions().upsert(true));
    }

    /** Moves the start point of change capture: every stream without a checkpoint starts there. */
    public void restartAt(String migrationId, BsonTimestamp startAt) {
        migrations.updateOne(Filters.eq("_id", migrationId), Updates.set("startAt", startAt));
    }

    /** When the migration was created. */
    public Optional<Instant> createdAt(String migrationId) {
        return migration(migrationId).filter(d -> d.isDateTime("createdAt"))
                .map(d -> Instant.ofEpochMilli(d.getDateTime("createdAt").getValue()));
    }

    /** Persists when the open cutover window closes. */
    public void saveCutoverWindow(String migrationId, Instant expiresAt) {
        migrations.updateOne(Filters.eq("_id", migrationId), Updates.set("cutoverWindowExpiresAt", new BsonDateTime(expiresAt.toEpochMilli())));
    }

    /** When the cutover window closes, if it was ever opened. */
    public Optional<Instant> cutoverWindow(String migrationId) {
        return migration(migrationId).filter(d -> d.isDateTime("cutoverWindowExpiresAt"))
                .map(d -> Instant.ofEpochMilli(d.getDateTime("cutoverWindowExpiresAt").getValue()));
    }

    /** The recorded start point of change capture. */
    public Optional<BsonTimestamp> startAt(String migrationId) {
        return migration(migrationId).filter(d -> d.isTimestamp("startAt")).map(d -> d.getTimestamp("startAt"));
    }

    /**
     * Persists where a change stream may resume: after {@code resumeToken}, applied up to {@code clusterTime};
     * without a token, at {@code clusterTime} (a stream started again from a new point).
     */
    public void saveCheckpoint(String migrationId, String stream, BsonDocument resumeToken, BsonTimestamp clusterTime) {
        BsonDocument id = new BsonDocument("m", new BsonString(migrationId)).append("stream", new BsonString(stream));
        checkpoints.replaceOne(Filters.eq("_id", id), new BsonDocument("_id", id)
                .append("resumeToken", resumeToken == null ? BsonNull.VALUE : resumeToken)
                .append("clusterTime", clusterTime == null ? BsonNull.VALUE : clusterTime)
                .append("savedAt", now()), new ReplaceOptions().upsert(true));
    }

    /** The persisted checkpoints of a migration, by stream: documents with {@code resumeToken} and {@code clusterTime}. */
    public Map<String, BsonDocument> checkpoints(String migrationId) {
        Map<String, BsonDocument> found = new HashMap<>();
        checkpoints.find(Filters.eq("_id.m", migrationId)).forEach(d -> found.put(d.getDocument("_id").getString("stream").getValue(), d));
        return found;
    }

    /**
     * Records the original definition of an index built relaxed, to restore it at cutover; it replaces
     * the recorded definition of an index of the same name.
     */
    public void recordRelaxedIndex(String migrationId, Namespace source, BsonDocument original) {
        forgetRelaxedIndex(migrationId, source, original.getString("name").getValue());
        collections.updateOne(collectionId(migrationId, source), Updates.push("relaxedIndexes", original));
    }

    /** The recorded original definitions of one source collection's relaxed indexes. */
    public List<BsonDocument> relaxedIndexes(String migrationId, Namespace source) {
        BsonDocument record = collections.find(collectionId(migrationId, source)).first();
        List<BsonDocument> specs = new ArrayList<>();
        if (record != null && record.isArray("relaxedIndexes")) {
            record.getArray("relaxedIndexes").forEach(v -> specs.add(v.asDocument()));
        }
        return specs;
    }

    /** Forgets a relaxed index the source dropped. */
    public void forgetRelaxedIndex(String migrationId, Namespace source, String name) {
        collections.updateOne(collectionId(migrationId, source),
                Updates.pull("relaxedIndexes", new BsonDocument("name", new BsonString(name))));
    }

    /** Forgets every relaxed index (and capped size) of a collection dropped or renamed out of the selection. */
    public void forgetRelaxedIndexes(String migrationId, Namespace source) {
        collections.updateOne(collectionId(migrationId, source),
                Updates.combine(Updates.unset("relaxedIndexes"), Updates.unset(CAPPED)));
    }

    /**
     * Forgets a collection that is gone from the source (dropped, renamed, vanished): its record with the
     * relaxed index definitions, its partitions and its collection-level stream's checkpoint. Should it
     * come back, it is a new collection.
     */
    public void forgetCollection(String migrationId, Namespace source) {
        collections.deleteOne(collectionId(migrationId, source));
        partitions.deleteMany(Filters.and(Filters.eq("_id.m", migrationId), Filters.eq("_id.ns", source.fullName())));
        checkpoints.deleteOne(Filters.eq("_id", new BsonDocument("m", new BsonString(migrationId))
                .append("stream", new BsonString(source.fullName()))));
    }

    /** Moves the relaxed indexes (and capped size) of a renamed collection to its new name (recorded already). */
    public void moveRelaxedIndexes(String migrationId, Namespace from, Namespace to) {
        List<BsonDocument> specs = relaxedIndexes(migrationId, from);
        BsonDocument record = collections.find(collectionId(migrationId, from)).first();
        forgetRelaxedIndexes(migrationId, to);
        specs.forEach(spec -> collections.updateOne(collectionId(migrationId, to), Updates.push("relaxedIndexes", spec)));
        if (record != null && record.isDocument(CAPPED)) {
            collections.updateOne(collectionId(migrationId, to), Updates.set(CAPPED, record.getDocument(CAPPED)));
        }
        forgetRelaxedIndexes(migrationId, from);
    }

    /** Records a capped collection's source {@code {size, max}} (created larger for syncing), for cutover to restore. */
    public void recordRelaxedCapped(String migrationId, Namespace source, BsonDocument original) {
        collections.updateOne(collectionId(migrationId, source), Updates.set(CAPPED, original));
    }

    /** The recorded original capped sizes, by destination namespace. */
    public Map<Namespace, BsonDocument> relaxedCapped(String migrationId) {
        Map<Namespace, BsonDocument> found = new LinkedHashMap<>();
        collections.find(Filters.eq("_id.m", migrationId)).forEach(d -> {
            if (d.isDocument(CAPPED)) {
                found.put(Namespace.parse(d.getString("target").getValue()), d.getDocument(CAPPED));
            }
        });
        return found;
    }

    /** The original definitions of relaxed indexes, by destination namespace. */
    public Map<Namespace, List<BsonDocument>> relaxedIndexes(String migrationId) {
        Map<Namespace, List<BsonDocument>> found = new LinkedHashMap<>();
        collections.find(Filters.eq("_id.m", migrationId)).forEach(d -> {
            if (d.isArray("relaxedIndexes")) {
                List<BsonDocument> specs = new ArrayList<>();
                d.getArray("relaxedIndexes").forEach(v -> specs.add(v.asDocument()));
                found.put(Namespace.parse(d.getString("target").getValue()), specs);
            }
        });
        return found;
    }

    /** Records that the migration has applied every source change up to {@code through}. */
    public void saveSyncedThrough(String migrationId, BsonTimestamp through) {
        migrations.updateOne(Filters.eq("_id", migrationId), Updates.set("syncedThrough", through));
    }

    /** Where a migration syncing into this destination stands, from one read of its record. */
    public SyncStatus syncStatus(String migrationId) {
        Optional<BsonDocument> m = migration(migrationId);
        boolean syncing = m.filter(d -> d.isTimestamp("startAt"))
                .filter(d -> !List.of("COMPLETED", "CANCELLED", "EXPIRED").contains(d.getString("state", new BsonString("")).getValue()))
                .isPresent();
        return new SyncStatus(syncing, m.filter(d -> d.isTimestamp("syncedThrough")).map(d -> d.getTimestamp("syncedThrough")).orElse(null));
    }

    public void setMigrationState(String migrationId, String state) {
        migrations.updateOne(Filters.eq("_id", migrationId),
                Updates.combine(Updates.set("state", new BsonString(state)), Updates.set("updatedAt", now())));
    }

    /** The recorded collections of a migration, by source namespace. */
    public Map<Namespace, CollectionRecord> collections(String migrationId) {
        Map<Namespace, CollectionRecord> found = new LinkedHashMap<>();
        collections.find(Filters.eq("_id.m", migrationId)).forEach(d -> {
            CollectionRecord r = CollectionRecord.from(d);
            found.put(r.source(), r);
        });
        return found;
    }

    /** Records a collection as pending, unless it is recorded already. */
    public void recordCollection(String migrationId, Namespace source, Namespace target, String type) {
        collections.updateOne(collectionId(migrationId, source),
                Updates.setOnInsert(new BsonDocument("target", new BsonString(target.fullName()))
                        .append("type", new BsonString(type))
                        .append("status", new BsonString(CollectionStatus.PENDING.name()))),
                new UpdateOptions().upsert(true));
    }

    public void setStatus(String migrationId, Namespace source, CollectionStatus status) {
        collections.updateOne(collectionId(migrationId, source), Updates.set("status", new BsonString(status.name())));
    }

    /** Persists the partition plan with the statistics it was made from, and moves the collection to PLANNED. */
    public void savePlan(String migrationId, Namespace source, List<Partition> plan, long count, long sizeBytes) {
        BsonArray filters = new BsonArray();
        plan.forEach(p -> filters.add(p.filter()));
        collections.updateOne(collectionId(migrationId, source), Updates.combine(
                Updates.set("partitions", filters),
                Updates.set("count", new BsonInt64(count)),
                Updates.set("size", new BsonInt64(sizeBytes)),
                Updates.set("status", new BsonString(CollectionStatus.PLANNED.name()))));
    }

    /** Marks a partition copied, with what it moved. */
    public void partitionDone(String migrationId, Namespace source, int index, long documents, long bytes) {
        BsonDocument id = partitionKey(migrationId, source, index);
        partitions.replaceOne(Filters.eq("_id", id),
                new BsonDocument("_id", id).append("documents", new BsonInt64(documents)).append("bytes", new BsonInt64(bytes)),
                new ReplaceOptions().upsert(true));
    }

    /** Finished partitions of a migration: namespace to index to {documents, bytes}. */
    public Map<Namespace, Map<Integer, long[]>> donePartitions(String migrationId) {
        Map<Namespace, Map<Integer, long[]>> done = new HashMap<>();
        partitions.find(Filters.eq("_id.m", migrationId)).forEach(d -> {
            BsonDocument id = d.getDocument("_id");
            done.computeIfAbsent(Namespace.parse(id.getString("ns").getValue()), k -> new HashMap<>())
                    .put(id.getInt32("i").getValue(),
                            new long[] {d.getInt64("documents").getValue(), d.getInt64("bytes").getValue()});
        });
        return done;
    }

    private static Bson collectionId(String migrationId, Namespace source) {
        return Filters.eq("_id", new BsonDocument("m", new BsonString(migrationId)).append("ns", new BsonString(source.fullName())));
    }

    private static BsonDocument partitionKey(String migrationId, Namespace source, int index) {
        return new BsonDocument("m", new BsonString(migrationId))
                .append("ns", new BsonString(source.fullName()))
                .append("i", new BsonInt32(index));
    }

    private static BsonDateTime now() {
        return new BsonDateTime(System.currentTimeMillis());
    }
}
