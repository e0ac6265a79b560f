package dev.livemigrate.core;

import com.mongodb.client.MongoCollection;
import dev.livemigrate.MigrationListener;
import dev.livemigrate.MigrationProgress;
import dev.livemigrate.MigrationSession;
import dev.livemigrate.MigrationState;
import dev.livemigrate.Migrations;
import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.core.testing.Sessions;
import dev.livemigrate.core.testing.WireProxy;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Progress read while the change capture is still being set up (between the copy and the first stream) must not
 * fail: it is read every 250 ms by the session's own ticker, which also decides readiness, and a ticker that
 * failed once stopped for good, so the migration never became ready to cut over. Found as a CLI process that
 * printed nothing after SYNCING; made deterministic here by slowing the capture's set-up (its first read of the
 * saved checkpoints) at the destination.
 */
@Timeout(120)
class SyncStartTest {

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    void progressWhileTheCaptureStartsKeepsTheSessionGoing() throws Exception {
        MongoCollection<Document> items = source.client().getDatabase("shop").getCollection("items");
        for (int i = 0; i < 20; i++) {
            items.insertOne(new Document("_id", i));
        }
        AtomicInteger slowed = new AtomicInteger();
        List<MigrationProgress> told = new CopyOnWriteArrayList<>();
        try (WireProxy proxy = WireProxy.inFrontOf(destination, (command, upstream) -> {
            if (command.name().equals("find") && command.body().getString("find").getValue().equals("checkpoints")) {
                slowed.incrementAndGet();
                sleep(); // a second and a half: several ticks
            }
            return upstream.forward();
        }); MigrationSession session = Migrations.start(LiveSyncTest.specFor(source, destination, "sync-start")
                .destination(proxy.connectionString()).listener(new MigrationListener() {
                    @Override
                    public void progress(MigrationProgress p) {
                        told.add(p);
                    }
                }).build())) {
            Sessions.awaitState(session, MigrationState.READY_TO_CUTOVER);

            assertThat(slowed.get()).isPositive();
            assertThat(told).anySatisfy(p -> assertThat(p.state()).isEqualTo(MigrationState.SYNCING));
            assertThat(session.progress().lag()).isNotNull();
        }
    }

    private static void sleep() {
        try {
            TimeUnit.MILLISECONDS.sleep(1500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
