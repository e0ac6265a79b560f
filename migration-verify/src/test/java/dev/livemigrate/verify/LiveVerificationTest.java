package dev.livemigrate.verify;

import com.mongodb.client.MongoCollection;
import dev.livemigrate.MigrationSession;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.MigrationState;
import dev.livemigrate.Migrations;
import dev.livemigrate.VerificationReport;
import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.core.testing.Sessions;
import dev.livemigrate.core.testing.WireProxy;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code Migrations.verify} with the id of a migration that is syncing into the destination: documents the
 * migration has not applied yet when they are compared are waited for (the migration records how far it has
 * applied, on the destination), not reported, even when the replay lags far longer than a few fixed pauses.
 */
@Timeout(120)
class LiveVerificationTest {

    private static final long APPLY_DELAY_SECONDS = 6;

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    void changesStillOnTheirWayAreWaitedFor() throws Exception {
        MongoCollection<Document> orders = source.client().getDatabase("shop").getCollection("orders");
        for (int i = 0; i < 200; i++) {
            orders.insertOne(new Document("_id", i).append("v", 0));
        }
        AtomicBoolean slow = new AtomicBoolean();
        // the migration's writes to shop.orders reach the destination seconds late; its own bookkeeping does not
        try (WireProxy proxy = WireProxy.inFrontOf(destination, (command, upstream) -> {
            // (the embedded server's changes are applied as a delete and an insert, to keep the source's field order)
            if (slow.get() && command.database().equals("shop") && List.of("update", "delete").contains(command.name())) {
                sleep();
            }
            return upstream.forward();
        }); MigrationSession session = Migrations.start(spec().destination(proxy.connectionString())
                .lagThreshold(java.time.Duration.ofMinutes(1)).build())) {
            Sessions.awaitState(session, MigrationState.READY_TO_CUTOVER);
            slow.set(true);
            for (int i = 0; i < 20; i++) {
                orders.updateOne(new Document("_id", i * 10), new Document("$set", new Document("v", 1)));
            }
            MongoCollection<Document> migrated = destination.client().getDatabase("shop").getCollection("orders");
            assertThat(migrated.countDocuments(new Document("v", 1))).as("not applied yet").isZero();

            VerificationReport report = Migrations.verify(spec().continuousSync(false).build());

            assertThat(report.differences()).isEmpty();
            assertThat(report.equal()).isTrue();
            assertThat(migrated.countDocuments(new Document("v", 1))).isEqualTo(20);
            slow.set(false);
            assertThat(session.cutover(false).state()).isEqualTo(MigrationState.COMPLETED);
        }
    }

    private MigrationSpec.Builder spec() {
        return MigrationSpec.builder().migrationId("live-verify").source(source.connectionString())
                .destination(destination.connectionString());
    }

    private static void sleep() {
        try {
            TimeUnit.SECONDS.sleep(APPLY_DELAY_SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
