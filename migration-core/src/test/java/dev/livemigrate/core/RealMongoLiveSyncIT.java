package dev.livemigrate.core;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoServerException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.model.Filters;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.MigrationReport;
import dev.livemigrate.MigrationSession;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.MigrationState;
import dev.livemigrate.Migrations;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.testing.RealClusters;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.livemigrate.core.testing.DataAssertions.indexes;
import static dev.livemigrate.core.testing.DataAssertions.indexesByValue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Live sync and cutover against real MongoDB: a cluster-wide change stream, diff-mode updates, expanded DDL
 * events from 6.0, the relaxed unique and TTL indexes restored at cutover, and user writes blocked on the
 * source with {@code setUserWriteBlockMode} (6.0+). Skipped without Docker or clusters, see
 * {@link RealClusters}.
 */
class RealMongoLiveSyncIT {

    private static final Logger LOG = LoggerFactory.getLogger(RealMongoLiveSyncIT.class);
    /** MongoDB's {@code UserWritesBlocked}: a user write refused while {@code setUserWriteBlockMode} is on. */
    private static final int USER_WRITES_BLOCKED = 371;
    private static final int WRITES = 5000;

    @RegisterExtension
    static final RealClusters clusters = new RealClusters("live");

    @Test
    void followsAConcurrentWriterThroughCutoverAndRestoresTheRealIndexes() throws Exception {
        String database = clusters.database("shop");
        MongoClient source = clusters.sourceClient();
        MongoClient destination = clusters.destinationClient();
        boolean block = clusters.sourceMajorVersion() >= 6; // setUserWriteBlockMode is 6.0+
        SourceWriter writer = new SourceWriter(source, database, 7, WRITES);
        writer.seed(400);
        writer.startInBackground();
        try (MigrationSession session = Migrations.start(MigrationSpec.builder().migrationId(clusters.migrationId("cutover"))
                .source(clusters.source()).destination(clusters.destination()).include(database + ".*")
                .partitionSizeBytes(16 * 1024).build())) {
            assertThat(writer.awaitAllWritten()).as("writes made").isEqualTo(WRITES);
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                    .until(() -> session.state() == MigrationState.READY_TO_CUTOVER);

            // while syncing, the unique and TTL indexes are relaxed, so what the cutover shows is a restore
            Namespace users = new Namespace(database, "users");
            assertThat(indexes(destination, users).get("email_1")).doesNotContainKey("unique");
            assertThat(indexes(destination, users).get("seen_1")).doesNotContainKey("expireAfterSeconds");

            MigrationReport report;
            try {
                report = session.cutover(block);
                assertThat(report.sourceWritesBlocked()).isEqualTo(block);
                if (block) {
                    // the report's contract: blocked writes stay blocked after a cutover
                    assertThatThrownBy(() -> source.getDatabase(database).getCollection("orders").insertOne(new Document("_id", "late")))
                            .isInstanceOfSatisfying(MongoServerException.class, // a write error or a command error
                                    e -> assertThat(e.getCode()).isEqualTo(USER_WRITES_BLOCKED));
                }
            } finally {
                if (block) {
                    clusters.unblockSourceWrites();
                }
            }

            assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
            assertThat(report.indexConflicts()).isEmpty();
            LiveSyncTest.assertSameDatabase(source, destination, database);
            for (String c : source.getDatabase(database).listCollectionNames()) {
                Namespace ns = new Namespace(database, c);
                assertThat(indexesByValue(destination, ns)).as("indexes of %s", ns).isEqualTo(indexesByValue(source, ns));
            }
            assertThat(indexes(destination, users).get("email_1").getBoolean("unique").getValue()).isTrue();
            assertThat(indexes(destination, users).get("seen_1").getNumber("expireAfterSeconds").longValue()).isEqualTo(3600L);
            if (clusters.destinationMajorVersion() >= 6) {
                assertRestoredByCollMod(destination, users, List.of("email_1", "seen_1"));
            }
            source.getDatabase(database).getCollection("orders").insertOne(new Document("_id", "after-unblock"));
        }
    }

    /**
     * A cutover that cannot drain in time (a drain timeout of one nanosecond) must not leave the source
     * blocked: it unblocks user writes and returns to READY_TO_CUTOVER, still in sync.
     */
    @Test
    void aFailedCutoverUnblocksTheSourceAndStaysReady() {
        assumeThat(clusters.sourceMajorVersion()).as("setUserWriteBlockMode needs MongoDB 6.0").isGreaterThanOrEqualTo(6);
        String database = clusters.database("retry");
        MongoClient source = clusters.sourceClient();
        source.getDatabase(database).getCollection("items").insertOne(new Document("_id", 1));
        try (MigrationSession session = Migrations.start(MigrationSpec.builder().migrationId(clusters.migrationId("retry"))
                .source(clusters.source()).destination(clusters.destination()).include(database + ".*")
                .cutoverDrainTimeout(Duration.ofNanos(1)).build())) {
            await().atMost(Duration.ofMinutes(2)).until(() -> session.state() == MigrationState.READY_TO_CUTOVER);

            try {
                assertThatThrownBy(() -> session.cutover(true)).isInstanceOfSatisfying(MigrationException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CUTOVER_FAILED));
                assertThat(session.state()).isEqualTo(MigrationState.READY_TO_CUTOVER);
                source.getDatabase(database).getCollection("items").insertOne(new Document("_id", 2)); // not blocked
                await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(clusters.destinationClient()
                        .getDatabase(database).getCollection("items").countDocuments(Filters.eq("_id", 2))).isEqualTo(1));
            } finally {
                clusters.unblockSourceWrites(); // should the assertion above fail, leave the source writable
            }
            session.cancel();
        }
    }

    /**
     * Each index was restored by {@code collMod} (MongoDB 6.0+ converts to unique with {@code prepareUnique}
     * then {@code unique}, and 5.1+ adds {@code expireAfterSeconds} to an index): the destination's oplog has a
     * {@code collMod} naming it and no {@code dropIndexes} of it, which the rebuild path would write. The
     * oplog entry shapes are MongoDB's: commands are logged as {@code op: "c"} on {@code <db>.$cmd} with the
     * command in {@code o}. Where the destination does not let this user read its oplog, the check is skipped.
     */
    private static void assertRestoredByCollMod(MongoClient destination, Namespace target, List<String> indexNames) {
        Bson commandsOnTarget = Filters.and(Filters.eq("op", "c"), Filters.eq("ns", target.database() + ".$cmd"));
        List<BsonDocument> commands = new ArrayList<>();
        try {
            destination.getDatabase("local").getCollection("oplog.rs", BsonDocument.class)
                    .find(Filters.and(commandsOnTarget, Filters.or(Filters.eq("o.collMod", target.collection()),
                            Filters.eq("o.dropIndexes", target.collection())))).forEach(e -> commands.add(e.getDocument("o")));
        } catch (MongoCommandException e) {
            LOG.warn("cannot read the destination's oplog ({}); not checking how indexes were restored", e.getErrorMessage());
            return;
        }
        BsonString collection = new BsonString(target.collection());
        for (String name : indexNames) {
            assertThat(commands).as("collMod of %s in the destination's oplog", name).anyMatch(o -> collection.equals(o.get("collMod"))
                    && o.isDocument("index") && namesIndex(o.getDocument("index"), name));
            assertThat(commands).as("dropIndexes of %s in the destination's oplog", name).noneMatch(o -> collection.equals(o.get("dropIndexes"))
                    && new BsonString(name).equals(o.get("index")));
        }
    }

    /** Whether a collMod's {@code index} document names the index (by name, or by the key of {@code <field>_1}). */
    private static boolean namesIndex(BsonDocument index, String name) {
        if (index.isString("name")) {
            return index.getString("name").getValue().equals(name);
        }
        String field = name.substring(0, name.lastIndexOf('_'));
        return index.isDocument("keyPattern") && index.getDocument("keyPattern").containsKey(field);
    }
}
