package dev.livemigrate.cli;

import com.mongodb.client.MongoCollection;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.testing.EmbeddedMongo;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.livemigrate.core.testing.DataAssertions.assertSameDocuments;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code livemigrate run}'s review-and-confirm summary before it starts, and {@code pause}/{@code resume} while it runs. */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class RunConfirmTest {

    private static final Namespace ORDERS = Namespace.parse("shop.orders");

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    void printsTheSummaryWithoutPasswordsAndStartsNothingUnlessConfirmed() throws Exception {
        seedOrders(10);
        String withPassword = "mongodb://operator:s3cret-pw@127.0.0.1:" + source.port() + "/?connectTimeoutMS=5000";
        try (CliRun run = new CliRun("run", "--source", withPassword, "--destination", destination.connectionString(),
                "--include", "shop.*", "--exclude", "shop.tmp", "--rename", "shop.orders=sales.orders", "--clear-destination",
                "--lag-threshold", "3s", "--migration-id", "reviewed")) {
            run.awaitLine("start this migration? type 'yes' to start, anything else to stop");
            assertThat(run.lines()).containsExactly(
                    "about to start migration reviewed",
                    "  source             127.0.0.1:" + source.port() + " (user operator, password hidden)",
                    "  destination        127.0.0.1:" + destination.port(),
                    "  include            shop.*",
                    "  exclude            shop.tmp",
                    "  renames            shop.orders -> sales.orders",
                    "  clear destination  yes: the selected namespaces on the destination are dropped",
                    "  verify             no",
                    "  lag threshold      3.0s",
                    "  cutover window     120h",
                    "start this migration? type 'yes' to start, anything else to stop");

            run.type("no");

            assertThat(run.awaitExit()).isEqualTo(4);
            assertThat(run.err()).contains("not started: nothing was written");
            assertThat(String.join("\n", run.lines()) + run.err()).doesNotContain("s3cret-pw");
        }
        assertThat(destination.client().listDatabaseNames()).containsExactly("local");
        assertThat(destination.client().getDatabase("local").getCollection("oplog.rs").countDocuments()).isZero();
    }

    @Test
    void startsOnceConfirmedAndCutsOver() throws Exception {
        seedOrders(20);
        try (CliRun run = new CliRun("run", "--source", source.connectionString(), "--destination", destination.connectionString(),
                "--lag-threshold", "2s")) {
            run.awaitLine("start this migration?");
            assertThat(destination.client().listDatabaseNames()).containsExactly("local"); // waits for the answer
            run.type("yes");
            run.awaitLine("ready to cut over");
            run.type("cutover");
            assertThat(run.awaitExit()).as(run.err()).isZero();
        }
        assertSameDocuments(source.client(), ORDERS, destination.client(), ORDERS);
    }

    /** pause stops syncing (PAUSED), a write made meanwhile arrives after resume, and the migration cuts over. */
    @Test
    void pausesAndResumesFromStandardInput() throws Exception {
        seedOrders(50);
        MongoCollection<Document> orders = source.client().getDatabase("shop").getCollection("orders");
        try (CliRun run = new CliRun("run", "--source", source.connectionString(), "--destination", destination.connectionString(),
                "--json", "--lag-threshold", "2s")) {
            run.awaitLine("\"type\": \"cutoverWindow\"");
            run.type("resume");
            run.awaitErr("cannot resume");
            run.type("pause");
            run.awaitErr("paused: nothing is applied until 'resume' (the cutover window keeps counting)");
            run.awaitLine("\"from\": \"READY_TO_CUTOVER\", \"state\": \"PAUSED\"");
            orders.insertOne(new Document("_id", "while-paused"));
            run.type("pause");
            run.awaitErr("cannot pause");
            run.type("resume");
            run.awaitErr("resumed: catching up from the saved checkpoints");
            await().atMost(Duration.ofMinutes(1)).until(() -> states(run).lastIndexOf("READY_TO_CUTOVER") > states(run).indexOf("PAUSED"));
            run.type("cutover");
            assertThat(run.awaitExit()).as(run.err()).isZero();
            assertThat(states(run)).containsSubsequence("READY_TO_CUTOVER", "PAUSED", "SYNCING", "READY_TO_CUTOVER", "CUTTING_OVER",
                    "COMPLETED");
        }
        assertThat(destination.client().getDatabase("shop").getCollection("orders").countDocuments(new Document("_id", "while-paused")))
                .isEqualTo(1);
        assertSameDocuments(source.client(), ORDERS, destination.client(), ORDERS);
    }

    private void seedOrders(int n) {
        MongoCollection<Document> orders = source.client().getDatabase("shop").getCollection("orders");
        for (int i = 0; i < n; i++) {
            orders.insertOne(new Document("_id", i).append("code", "c" + i));
        }
    }

    private static List<String> states(CliRun run) {
        return run.lines().stream().map(BsonDocument::parse).filter(e -> e.getString("type").getValue().equals("state"))
                .map(e -> e.getString("state").getValue()).toList();
    }
}
