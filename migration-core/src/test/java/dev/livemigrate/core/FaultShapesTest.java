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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Networks that neither work nor fail outright: replies slowed to a trickle (32 bytes a millisecond), and replies
 * cut in the middle (half the message, then the connection closed), on both sides, during the copy, during sync
 * and during cutover's drain. The driver sees a slow read or a network error part-way through a message; each run
 * ends COMPLETED and byte for byte equal. ({@link OutageTest} cuts before the reply, {@link StallTest} never
 * replies.)
 */
@Timeout(180)
class FaultShapesTest {

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    /** Trickles the replies to the chosen commands on database app, and cuts the next {@code cuts} of them half-way. */
    private static final class BadNetwork implements WireProxy.Handler {
        final AtomicInteger cuts = new AtomicInteger();
        final AtomicInteger cut = new AtomicInteger();
        private final List<String> commands;
        private final int minimumBytes;

        /** @param minimumBytes replies shorter than this are delivered whole (an empty getMore, say) */
        BadNetwork(List<String> commands, int minimumBytes) {
            this.commands = commands;
            this.minimumBytes = minimumBytes;
        }

        @Override
        public byte[] reply(WireProxy.Command command, WireProxy.Upstream upstream) throws IOException {
            return upstream.forward();
        }

        @Override
        public void send(WireProxy.Command command, byte[] message, OutputStream client) throws IOException {
            if (!command.database().equals("app") || !commands.contains(command.name()) || message.length < minimumBytes) {
                client.write(message);
                return;
            }
            boolean cutThis = cuts.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
            int end = cutThis ? message.length / 2 : message.length;
            for (int at = 0; at < end; at += 32) {
                client.write(message, at, Math.min(32, end - at));
                client.flush();
                try {
                    Thread.sleep(1); // the network's pace, not a wait for a condition
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SocketException("interrupted");
                }
            }
            if (cutThis) {
                cut.incrementAndGet();
                throw new SocketException("cut in the middle of a reply"); // the proxy closes the connection
            }
        }
    }

    @Test
    void aCopyWhoseRepliesTrickleAndBreakOffHalfWayEndsEqual() {
        seed(300);
        BadNetwork reads = new BadNetwork(List.of("find", "getMore"), 1000);
        reads.cuts.set(3); // more than the driver's own single retry of a read
        try (WireProxy sourceProxy = WireProxy.inFrontOf(source, reads);
             MigrationSession session = Migrations.start(LiveSyncTest.specFor(source, destination, "trickle-copy")
                     .source(sourceProxy.connectionString()).build())) {
            Sessions.awaitState(session, MigrationState.READY_TO_CUTOVER);

            MigrationReport report = session.cutover(false);

            assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
            assertThat(reads.cut.get()).isEqualTo(3);
            LiveSyncTest.assertSameDatabase(source.client(), destination.client(), "app");
        }
    }

    @Test
    void syncAndTheCutoverDrainOverRepliesThatTrickleAndBreakOffHalfWayEndEqual() {
        MongoCollection<Document> orders = seed(50);
        BadNetwork events = new BadNetwork(List.of("aggregate", "getMore"), 250); // a reply that carries events
        BadNetwork writes = new BadNetwork(List.of("insert", "update", "delete"), 0);
        try (WireProxy sourceProxy = WireProxy.inFrontOf(source, events);
             WireProxy destinationProxy = WireProxy.inFrontOf(destination, writes);
             MigrationSession session = Migrations.start(LiveSyncTest.specFor(source, destination, "trickle-sync")
                     .source(sourceProxy.connectionString()).destination(destinationProxy.connectionString()).build())) {
            Sessions.awaitState(session, MigrationState.READY_TO_CUTOVER);
            events.cuts.set(2);
            writes.cuts.set(2);
            change(orders, 0, 1000);
            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(List.of(events.cut.get(), writes.cut.get()))
                    .as("replies cut: change stream, lane writes").containsExactly(2, 2));
            await().atMost(Duration.ofMinutes(1)).until(() -> destination.client().getDatabase("app").getCollection("orders")
                    .countDocuments(new Document("_id", 1000)) == 1);
            Sessions.awaitState(session, MigrationState.READY_TO_CUTOVER);
            writes.cuts.set(1);
            change(orders, 1, 2000); // reaches the destination only through the drain, whose first write is cut

            MigrationReport report = session.cutover(false);

            assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
            assertThat(writes.cut.get()).isEqualTo(3);
            LiveSyncTest.assertSameDatabase(source.client(), destination.client(), "app");
        }
    }

    private MongoCollection<Document> seed(int n) {
        return StallTest.seedOrders(source, n);
    }

    private static void change(MongoCollection<Document> orders, int round, int newId) {
        for (int i = 0; i < 30; i++) {
            orders.updateOne(new Document("_id", i), new Document("$set", new Document("n", -i - round).append("round", round)));
        }
        orders.deleteOne(new Document("_id", 40 + round));
        orders.insertOne(new Document("_id", newId).append("n", newId).append("pad", "y".repeat(300)));
    }
}
