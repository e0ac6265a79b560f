package dev.livemigrate;

import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonValue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a migration did, available once its session ends.
 *
 * @param migrationId         the migration's id
 * @param state               the terminal state
 * @param startedAt           when the migration started (its first session)
 * @param duration            from the start to the end of this session
 * @param copiedBytes         bytes copied in the initial copy (by all sessions of the id)
 * @param copiedDocuments     documents copied in the initial copy
 * @param collectionsCopied   collections whose copy finished
 * @param indexesCreated      secondary indexes built on the destination by the copy
 * @param viewsCreated        views created on the destination
 * @param changesApplied      change events applied by this session
 * @param syncedThrough       the source operation time every change up to which is applied; {@code null}
 *                            when no change was followed
 * @param downtime            from writes stopped (cutover) to the destination ready; {@code null} without cutover
 * @param sourceWritesBlocked whether the engine blocked user writes on the source (they stay blocked)
 * @param indexConflicts      unique indexes the last cutover attempt could not restore, by destination
 *                            namespace and index name, with what the server reported (the duplicate key, or
 *                            the ids holding it); that attempt went back to READY_TO_CUTOVER
 * @param verification        {@link Verification#NOT_REQUESTED}, {@link Verification#NOT_VERIFIED} (no
 *                            verifier on the class path), {@link Verification#EQUAL} or {@link Verification#DIFFERENT}
 * @param verificationReport  what the verifiers found; {@code null} unless verification ran
 * @param catalogChanges      what happened to selected collections while syncing (this session)
 * @param cutoverPoint        the source operation time the cutover drained to and how it was taken
 *                            ({@code appendOplogNote}, {@code hello lastWrite.opTime}, or the source's
 *                            newest operation where it is no replica set); {@code null} without cutover
 * @param cappedNotRestored   capped collections whose size and maximum the cutover could not restore
 *                            ({@code collMod cappedSize/cappedMax} needs MongoDB 6.0), by destination
 *                            namespace, with the server's reason: they keep the larger size given for
 *                            syncing and no maximum
 * @param sharding            how each destination collection the migration created is sharded, by destination
 *                            namespace: {@code sharded on {key} ...}, or why a collection sharded on the source
 *                            arrived unsharded (a destination that is no sharded cluster); empty when neither side
 *                            is sharded
 * @since 0.1
 */
public record MigrationReport(
        String migrationId,
        MigrationState state,
        Instant startedAt,
        Duration duration,
        long copiedBytes,
        long copiedDocuments,
        int collectionsCopied,
        int indexesCreated,
        int viewsCreated,
        long changesApplied,
        Instant syncedThrough,
        Duration downtime,
        boolean sourceWritesBlocked,
        Map<String, List<String>> indexConflicts,
        Verification verification,
        VerificationReport verificationReport,
        CatalogChanges catalogChanges,
        String cutoverPoint,
        Map<String, String> cappedNotRestored,
        Map<String, String> sharding) {

    /**
     * Selected collections that changed while syncing.
     *
     * @param created collections created on the source and then on the destination
     * @param copied  collections copied whole because their documents arrived without change events (a
     *                rename into the selection, {@code $out}, a collection that appeared with documents)
     * @param renamed collections renamed within the selection
     * @param dropped collections dropped (or gone from the source without an event)
     * @since 0.1
     */
    public record CatalogChanges(int created, int copied, int renamed, int dropped) {
        public static final CatalogChanges NONE = new CatalogChanges(0, 0, 0, 0);

        /** As a BSON document: {@code {created, copied, renamed, dropped}}. */
        public BsonDocument toBson() {
            return new BsonDocument("created", new BsonInt32(created)).append("copied", new BsonInt32(copied))
                    .append("renamed", new BsonInt32(renamed)).append("dropped", new BsonInt32(dropped));
        }
    }

    /** The verification outcome. */
    public enum Verification {
        NOT_REQUESTED, NOT_VERIFIED, EQUAL, DIFFERENT;

        /**
         * The outcome a verification report stands for: {@link #NOT_REQUESTED} without one,
         * {@link #NOT_VERIFIED} when no verifier ran.
         *
         * @since 0.1
         */
        public static Verification of(VerificationReport report) {
            if (report == null) {
                return NOT_REQUESTED;
            }
            if (report.verifiers().isEmpty()) {
                return NOT_VERIFIED;
            }
            return report.equal() ? EQUAL : DIFFERENT;
        }
    }

    public MigrationReport {
        indexConflicts = Map.copyOf(indexConflicts);
        cappedNotRestored = cappedNotRestored == null ? Map.of() : Map.copyOf(cappedNotRestored);
        sharding = sharding == null ? Map.of() : Map.copyOf(sharding);
        catalogChanges = catalogChanges == null ? CatalogChanges.NONE : catalogChanges;
    }

    /** The report as one line of JSON (durations in milliseconds, times in ISO-8601). */
    public String toJson() {
        BsonDocument conflicts = new BsonDocument();
        indexConflicts.forEach((index, keys) -> {
            BsonArray array = new BsonArray();
            keys.forEach(k -> array.add(new BsonString(k)));
            conflicts.put(index, array);
        });
        BsonDocument capped = new BsonDocument();
        cappedNotRestored.forEach((ns, reason) -> capped.put(ns, new BsonString(reason)));
        BsonDocument sharded = new BsonDocument();
        new TreeMap<>(sharding).forEach((ns, how) -> sharded.put(ns, new BsonString(how)));
        BsonDocument d = new BsonDocument("type", new BsonString("report"))
                .append("migrationId", new BsonString(migrationId))
                .append("state", new BsonString(state.name()))
                .append("startedAt", time(startedAt))
                .append("durationMillis", millis(duration))
                .append("copiedBytes", new BsonInt64(copiedBytes))
                .append("copiedDocuments", new BsonInt64(copiedDocuments))
                .append("collectionsCopied", new BsonInt32(collectionsCopied))
                .append("indexesCreated", new BsonInt32(indexesCreated))
                .append("viewsCreated", new BsonInt32(viewsCreated))
                .append("changesApplied", new BsonInt64(changesApplied))
                .append("syncedThrough", time(syncedThrough))
                .append("downtimeMillis", millis(downtime))
                .append("sourceWritesBlocked", BsonBoolean.valueOf(sourceWritesBlocked))
                .append("indexConflicts", conflicts)
                .append("verification", new BsonString(verification.name()))
                .append("verificationReport", verificationReport == null ? BsonNull.VALUE : verificationReport.toBson())
                .append("catalogChangesDuringSync", catalogChanges.toBson())
                .append("cutoverPoint", cutoverPoint == null ? BsonNull.VALUE : new BsonString(cutoverPoint))
                .append("cappedNotRestored", capped)
                .append("sharding", sharded);
        return d.toJson(Json.RELAXED);
    }

    private static BsonValue time(Instant t) {
        return t == null ? BsonNull.VALUE : new BsonString(t.toString());
    }

    private static BsonValue millis(Duration d) {
        return d == null ? BsonNull.VALUE : new BsonInt64(d.toMillis());
    }
}
