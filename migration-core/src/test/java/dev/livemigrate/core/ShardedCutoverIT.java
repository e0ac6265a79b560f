package dev.livemigrate.core;

import com.mongodb.MongoServerException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import dev.livemigrate.MigrationReport;
import dev.livemigrate.MigrationSession;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.MigrationState;
import dev.livemigrate.Migrations;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.testing.TwoShardCluster;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * A live migration from a sharded cluster of two shards, through its mongos, to a replica set ({@link TwoShardCluster}):
 * a collection sharded on {@code {k: 1}} with {@code k < 0} on one shard and the rest on the other. While the engine
 * syncs (one cluster-wide change stream through the mongos), inserts, updates, replacements, deletes and shard-key
 * changes that move a document to the other shard are made through the mongos; then a cutover that blocks user writes
 * through the mongos. Each single-document write names the whole shard key, as a sharded collection needs; a shard-key
 * change runs as a retryable write (the driver's default), as MongoDB requires
 * (https://www.mongodb.com/docs/manual/core/sharding-change-shard-key-value/). Needs MongoDB 6.0 on the source:
 * {@code setUserWriteBlockMode} is new in 6.0 and blocks writes "to the entire cluster"
 * (https://www.mongodb.com/docs/manual/reference/command/setUserWriteBlockMode/), and a mongos runs the drain's
 * {@code appendOplogNote} on every shard from 6.0 (jstests/sharding/append_oplog_note_mongos.js in mongodb/mongo).
 * <b>Written without a Docker engine and never run yet.</b>
 */
class ShardedCutoverIT {

    /** MongoDB's {@code UserWritesBlocked}: a user write refused while {@code setUserWriteBlockMode} is on. */
    private static final int USER_WRITES_BLOCKED = 371;
    private static final int SEEDED = 200;
    private static final int WRITES = 600;

    @RegisterExtension
    static final TwoShardCluster cluster = new TwoShardCluster("shcut");

    @Test
    void writesOnBothShardsDuringSyncArriveAndTheCutoverBlocksWritesOnEveryShard() {
        assumeThat(cluster.sourceMajorVersion()).as("setUserWriteBlockMode through mongos needs MongoDB 6.0").isGreaterThanOrEqualTo(6);
        String database = cluster.database("shop");
        List<String> shards = cluster.shardAcrossTwoShards(new Namespace(database, "orders"), "k", 0);
        assertThat(shards.get(0)).isNotEqualTo(shards.get(1));
        MongoCollection<Document> orders = cluster.sourceClient().getDatabase(database).getCollection("orders");
        Map<Integer, Integer> keys = new TreeMap<>(); // _id -> k, as the source holds them
        for (int id = 0; id < SEEDED; id++) {
            insert(orders, keys, id);
        }
        cluster.sourceClient().getDatabase(database).getCollection("notes").insertOne(new Document("_id", "unsharded"));
        MigrationSpec spec = MigrationSpec.builder().migrationId(cluster.migrationId("cutover")).source(cluster.source())
                .destination(cluster.destination()).include(database + ".*").partitionSizeBytes(16 * 1024).build();
        try (MigrationSession session = Migrations.start(spec)) {
            await().atMost(Duration.ofMinutes(3)).until(() -> session.state() == MigrationState.SYNCING
                    || session.state() == MigrationState.READY_TO_CUTOVER || session.state().isTerminal());
            assertThat(session.state().isTerminal()).as("state %s", session.state()).isFalse();

            writeThroughMongos(orders, keys); // after the copy: only the change stream can bring these

            await().atMost(Duration.ofMinutes(3)).until(() -> session.state() == MigrationState.READY_TO_CUTOVER
                    || session.state().isTerminal());
            assertThat(session.state()).isEqualTo(MigrationState.READY_TO_CUTOVER);
            MigrationReport report;
            try {
                report = session.cutover(true);
                assertThat(report.sourceWritesBlocked()).isTrue();
                for (int k : new int[] {-1_000, 1_000}) { // one insert routed to each shard: both refused
                    assertThatThrownBy(() -> orders.insertOne(new Document("_id", "late" + k).append("k", k)))
                            .as("an insert with k %d after the cutover", k)
                            .isInstanceOfSatisfying(MongoServerException.class, e -> assertThat(e.getCode()).isEqualTo(USER_WRITES_BLOCKED));
                }
            } finally {
                cluster.unblockSourceWrites();
            }

            assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
            assertThat(report.changesApplied()).isGreaterThanOrEqualTo(WRITES);
            assertThat(keys.values()).as("documents on both shards at the end").anyMatch(k -> k < 0).anyMatch(k -> k >= 0);
            assertThat(orders.countDocuments()).isEqualTo(keys.size());
            LiveSyncTest.assertSameDatabase(cluster.sourceClient(), cluster.destinationClient(), database);
        }
    }

    /** Inserts {@code _id} with a {@code k} on the shard its parity picks: even ids below 0, odd ids at or above. */
    private static void insert(MongoCollection<Document> orders, Map<Integer, Integer> keys, int id) {
        int k = id % 2 == 0 ? -1 - id : id;
        orders.insertOne(new Document("_id", id).append("k", k).append("n", 0).append("tags", List.of("t" + id % 5)));
        keys.put(id, k);
    }

    /** Writes through the mongos, each kind in turn, to documents of both shards; every write changes something. */
    private static void writeThroughMongos(MongoCollection<Document> orders, Map<Integer, Integer> keys) {
        int nextId = SEEDED;
        for (int op = 0; op < WRITES; op++) {
            List<Integer> ids = new ArrayList<>(keys.keySet());
            int id = ids.get((op * 7) % ids.size());
            int k = keys.get(id);
            Bson byKey = Filters.and(Filters.eq("_id", id), Filters.eq("k", k)); // the full shard key: targeted
            switch (op % 6) {
                case 0 -> insert(orders, keys, nextId++);
                case 1 -> assertThat(orders.updateOne(byKey, Updates.inc("n", 1)).getModifiedCount()).isEqualTo(1);
                case 2 -> { // k changes sign: the document moves to the other shard
                    assertThat(orders.updateOne(byKey, Updates.set("k", -k - 1)).getModifiedCount()).isEqualTo(1);
                    keys.put(id, -k - 1);
                }
                case 3 -> assertThat(orders.replaceOne(byKey, new Document("_id", id).append("k", k).append("replacedBy", op))
                        .getModifiedCount()).isEqualTo(1);
                case 4 -> {
                    assertThat(orders.deleteOne(byKey).getDeletedCount()).isEqualTo(1);
                    keys.remove(id);
                }
                default -> assertThat(orders.updateOne(byKey, Updates.combine(Updates.set("nested.op", op), Updates.unset("tags")))
                        .getModifiedCount()).isEqualTo(1);
            }
        }
    }
}
