package dev.livemigrate.core;

import com.mongodb.client.MongoCollection;
import dev.livemigrate.MigrationReport;
import dev.livemigrate.MigrationSession;
import dev.livemigrate.MigrationState;
import dev.livemigrate.Migrations;
import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.core.testing.Sessions;
import dev.livemigrate.core.testing.WireProxy;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A connection to the destination cut while a lane writes a batch: the batch is applied again (it is
 * idempotent) and the migration goes on, instead of failing with APPLY_FAILED.
 */
class ApplyRetryTest {

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    void aBatchWhoseConnectionIsCutIsAppliedAgain() {
        MongoCollection<Document> orders = source.client().getDatabase("app").getCollection("orders");
        for (int i = 0; i < 50; i++) {
            orders.insertOne(new Document("_id", i).append("n", i));
        }
        AtomicBoolean armed = new AtomicBoolean();
        AtomicBoolean cut = new AtomicBoolean();
        try (WireProxy proxy = WireProxy.inFrontOf(destination, (command, upstream) -> {
            boolean laneWrite = command.database().equals("app") && !command.name().equals("create")
                    && (command.name().equals("update") || command.name().equals("delete") || command.name().equals("insert"));
            if (laneWrite && armed.get() && cut.compareAndSet(false, true)) {
                throw new SocketException("connection cut by the test"); // the proxy closes the client's connection
            }
            return upstream.forward();
        }); MigrationSession session = Migrations.start(LiveSyncTest.specFor(source, destination, "retry")
                .destination(proxy.connectionString()).build())) {
            Sessions.awaitState(session, MigrationState.READY_TO_CUTOVER);
            armed.set(true);
            for (int i = 50; i < 80; i++) {
                orders.insertOne(new Document("_id", i).append("n", i));
            }
            orders.updateOne(new Document("_id", 3), new Document("$set", new Document("n", -3)));
            await().atMost(Duration.ofMinutes(1)).until(() -> cut.get()
                    && destination.client().getDatabase("app").getCollection("orders").countDocuments() == 80);
            Sessions.awaitState(session, MigrationState.READY_TO_CUTOVER);

            MigrationReport report = session.cutover(false);

            assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
            LiveSyncTest.assertSameDatabase(source.client(), destination.client(), "app");
        }
    }
}
