package dev.livemigrate.core;

import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.ReplaceOptions;
import dev.livemigrate.MigrationReport;
import dev.livemigrate.MigrationSession;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.MigrationState;
import dev.livemigrate.Migrations;
import dev.livemigrate.core.testing.ThreeMemberSource;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A migration from a three-member replica set whose primary steps down during the copy and again during sync,
 * with an application writing throughout (and retrying its own writes across the elections, as applications
 * do): the engine rides out both elections on its retry budget, becomes ready, cuts over, and the destination is
 * byte for byte the source, verification EQUAL (#12: a cutover on a 3-member replica set). Skipped without a
 * three-member set, see {@link ThreeMemberSource}. Not run on the build machines (no Docker there).
 */
class ReplicaSetFailoverIT {

    @RegisterExtension
    static final ThreeMemberSource set = new ThreeMemberSource();

    @Test
    void ridesOutElectionsDuringCopyAndSyncAndCutsOverToEqualData() throws Exception {
        String database = "lmit_rs3_shop";
        MongoCollection<Document> orders = set.sourceClient().getDatabase(database).getCollection("orders");
        for (int i = 0; i < 20_000; i++) {
            orders.replaceOne(new Document("_id", i), new Document("_id", i).append("n", 0).append("pad", "x".repeat(200)),
                    new ReplaceOptions().upsert(true));
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger written = new AtomicInteger();
        Thread writer = new Thread(() -> {
            for (int op = 0; writing.get(); op++) {
                int id = op % 25_000;
                Document doc = new Document("_id", id).append("n", op).append("pad", "y".repeat(200));
                await().atMost(Duration.ofMinutes(1)).ignoreException(MongoException.class) // the application retries across elections
                        .until(() -> orders.replaceOne(new Document("_id", id), doc, new ReplaceOptions().upsert(true)) != null);
                written.incrementAndGet();
            }
        }, "application");
        writer.start();
        MigrationSpec spec = MigrationSpec.builder().migrationId("lmit-rs3-failover").source(set.source()).destination(set.destination())
                .include(database + ".*").partitionSizeBytes(256 * 1024).copyParallelism(2).verify(true).build();
        try (MigrationSession session = Migrations.start(spec)) {
            await().atMost(Duration.ofMinutes(1)).until(() -> session.progress().copiedDocuments() > 0);
            set.stepDown(); // during the copy
            await().atMost(Duration.ofMinutes(5)).until(() -> session.state() == MigrationState.SYNCING
                    || session.state() == MigrationState.READY_TO_CUTOVER);
            int before = written.get();
            await().atMost(Duration.ofMinutes(1)).until(() -> written.get() > before + 500);
            set.stepDown(); // during sync
            await().atMost(Duration.ofMinutes(1)).until(() -> written.get() > before + 2_000);
            writing.set(false);
            writer.join(Duration.ofMinutes(2).toMillis());
            await().atMost(Duration.ofMinutes(5)).until(() -> session.state() == MigrationState.READY_TO_CUTOVER);

            MigrationReport report = session.cutover(false);

            assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
            assertThat(report.verificationReport().equal()).as(report.verificationReport().summary()).isTrue();
        }
        try (MongoClient destination = MongoClients.create(set.destination())) {
            LiveSyncTest.assertSameDatabase(set.sourceClient(), destination, database);
        }
    }
}
