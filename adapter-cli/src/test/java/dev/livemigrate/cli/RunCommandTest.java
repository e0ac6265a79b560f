package dev.livemigrate.cli;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.testing.EmbeddedMongo;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.livemigrate.core.testing.DataAssertions.assertSameDocuments;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * {@code livemigrate run} in this JVM: every exit code, what the operator types on standard input, write blocking
 * the source refuses, and bad input. ({@link RunCommandProcessTest} runs it as a process, for what needs one:
 * a shutdown hook, a kill.)
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RunCommandTest {

    private static final Namespace ORDERS = Namespace.parse("shop.orders");

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    static Stream<Arguments> badInput() {
        return Stream.of(
                arguments(List.of("--lag-threshold", "5x"), List.of("Invalid value for option '--lag-threshold'",
                        "'5x' is not a duration: write a whole number and a unit, for example 500ms, 2s, 5m, 120h or 3d")),
                arguments(List.of("--cutover-window", "two hours"), List.of("Invalid value for option '--cutover-window'",
                        "'two hours' is not a duration: write a whole number and a unit")),
                arguments(List.of("--retry-budget", "-5m"), List.of("Invalid value for option '--retry-budget'",
                        "'-5m' is not a duration")),
                arguments(List.of("--recopy", "orders"), List.of("error: [INVALID_SPEC] recopy 'orders' is not a collection: name a"
                        + " source collection as database.collection, or give * for every selected collection.")),
                arguments(List.of("--recopy", "shop.orders", "--migration-id", "never-ran"), List.of("error: [INVALID_SPEC] recopy"
                        + " [shop.orders] asks to copy collections of migration 'never-ran' again, but it has not run on this destination")),
                arguments(List.of("--rename", "shop.orders"), List.of("--rename 'shop.orders' must be FROM=TO, like sales.*=shop.*")),
                arguments(List.of("--cutover", "sometimes"), List.of("Invalid value for option '--cutover':"
                        + " expected one of [prompt, auto] (case-sensitive) but was 'sometimes'")),
                arguments(List.of("--no-source"), List.of("Missing required option: '--source=<source>' (or set LIVEMIGRATE_SOURCE_URI)",
                        "--source=<source>", "Source connection string (or set")));
    }

    @ParameterizedTest
    @MethodSource("badInput")
    void badInputExitsTwoNamingTheOptionAndTheValueAndWritesNothing(List<String> options, List<String> told) {
        seedOrders(10);
        List<String> args = new ArrayList<>(List.of("run", "--destination", destination.connectionString(), "--cutover", "auto", "--yes"));
        if (!options.contains("--no-source")) {
            args.addAll(List.of("--source", source.connectionString()));
        }
        options.stream().filter(o -> !o.equals("--no-source")).forEach(args::add);
        StringWriter err = new StringWriter();

        int exit = LivemigrateCommand.execute(args.toArray(String[]::new), new PrintWriter(new StringWriter()), new PrintWriter(err, true));

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains(told);
        assertNothingWritten();
    }

    @Test
    void aSourceWithoutChangeHistoryExitsTwoAndWritesNothing() {
        EmbeddedMongo standalone = new EmbeddedMongo(false); // no oplog: a live migration cannot follow it
        standalone.start();
        try {
            standalone.client().getDatabase("shop").getCollection("orders").insertOne(new Document("_id", 1));
            StringWriter err = new StringWriter();

            int exit = LivemigrateCommand.execute(new String[] {"run", "--source", standalone.connectionString(), "--destination",
                    destination.connectionString(), "--cutover", "auto", "--yes"}, new PrintWriter(new StringWriter()), new PrintWriter(err, true));

            assertThat(exit).isEqualTo(2);
            assertThat(err.toString()).contains("error: [SOURCE_HAS_NO_CHANGE_HISTORY] the source reports no operation time and has no"
                    + " oplog: it is a standalone server, whose changes cannot be followed. Convert it to a single-node replica set");
            assertNothingWritten();
        } finally {
            standalone.stop();
        }
    }

    @Test
    void aFailedPreflightCheckExitsTwoAndWritesNothing() {
        seedOrders(10);
        destination.client().getDatabase("shop").getCollection("orders").insertOne(new Document("_id", "theirs"));
        long oplogBefore = destinationOplog();
        StringWriter err = new StringWriter();

        int exit = LivemigrateCommand.execute(new String[] {"run", "--source", source.connectionString(), "--destination",
                destination.connectionString(), "--cutover", "auto", "--yes"}, new PrintWriter(new StringWriter()), new PrintWriter(err, true));

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("error: [DESTINATION_NAMESPACE_CONFLICT] 1 pre-flight check(s) failed:"
                + " DESTINATION_NAMESPACE_CONFLICT: the destination already holds 1 namespace the migration would write: shop.orders"
                + " (drop them, exclude or rename them, or set clear-destination to drop them)");
        assertThat(destinationOplog()).isEqualTo(oplogBefore);
        assertThat(destination.client().listDatabaseNames()).containsExactlyInAnyOrder("local", "shop");
    }

    /**
     * extend, an unknown word, a cutover the source refuses to block writes for: each is answered on standard error
     * and the migration goes on in sync (a write made after them arrives), until it cuts over without blocking.
     */
    @Test
    void answersWhatTheOperatorTypesAndKeepsSyncing() throws Exception {
        seedOrders(100);
        try (CliRun run = new CliRun("run", "--source", source.connectionString(), "--destination", destination.connectionString(),
                "--json", "--block-writes", "--lag-threshold", "2s")) {
            run.awaitLine("\"type\": \"cutoverWindow\"");
            run.awaitErr("ready to cut over: stop writes to the source, then type 'cutover' (writes will be blocked);"
                    + " or 'extend' the window, 'pause', or 'cancel'");
            Instant opened = windows(run).get(0);

            run.type("extend");
            run.awaitErr("cutover window now open until");
            assertThat(run.err()).contains("cutover window now open until " + opened.plus(Duration.ofHours(24)));
            assertThat(windows(run)).containsExactly(opened, opened.plus(Duration.ofHours(24)));

            run.type("teleport");
            run.awaitErr("unknown command 'teleport': type cutover, extend, pause, resume or cancel");

            source.client().getDatabase("shop").getCollection("orders").insertOne(new Document("_id", "after-teleport"));
            run.type("cutover");
            run.awaitErr("still ready to cut over");
            // the embedded server has no setUserWriteBlockMode, as MongoDB before 6.0 has none
            assertThat(run.err()).contains("cutover did not complete: [WRITE_BLOCKING_UNSUPPORTED] the source refused"
                            + " setUserWriteBlockMode (CommandNotFound: ",
                    "Stop the application's writes yourself and cut over without blocking writes",
                    "still ready to cut over: stop the application's writes yourself, then type 'cutover-without-blocking'; or 'cancel'");
            run.awaitLine("\"from\": \"CUTTING_OVER\", \"state\": \"READY_TO_CUTOVER\"");

            run.type("cutover-without-blocking");
            assertThat(run.awaitExit()).as(run.err()).isZero();

            BsonDocument report = report(run);
            assertThat(report.getString("state").getValue()).isEqualTo("COMPLETED");
            assertThat(report.getBoolean("sourceWritesBlocked").getValue()).isFalse();
            assertThat(states(run)).containsSubsequence("READY_TO_CUTOVER", "CUTTING_OVER", "READY_TO_CUTOVER", "CUTTING_OVER",
                    "FINALIZING", "COMPLETED");
        }
        assertThat(destination.client().getDatabase("shop").getCollection("orders").countDocuments(new Document("_id", "after-teleport")))
                .isEqualTo(1);
        assertSameDocuments(source.client(), ORDERS, destination.client(), ORDERS);
    }

    @Test
    void cancelExitsFour() throws Exception {
        seedOrders(50);
        try (CliRun run = new CliRun("run", "--source", source.connectionString(), "--destination", destination.connectionString(),
                "--json", "--lag-threshold", "2s")) {
            run.awaitLine("\"type\": \"cutoverWindow\"");

            run.type("cancel");

            assertThat(run.awaitExit()).as(run.err()).isEqualTo(4);
            assertThat(report(run).getString("state").getValue()).isEqualTo("CANCELLED");
        }
        assertSameDocuments(source.client(), ORDERS, destination.client(), ORDERS); // migrated data stays
    }

    @Test
    void aCutoverWindowThatClosesExitsFourAsExpired() throws Exception {
        seedOrders(50);
        try (CliRun run = new CliRun("run", "--source", source.connectionString(), "--destination", destination.connectionString(),
                "--json", "--lag-threshold", "2s", "--cutover-window", "1s")) {

            assertThat(run.awaitExit()).as(run.err()).isEqualTo(4);

            Instant opened = windows(run).get(0);
            // the warning comes the whole (short) window ahead: at once
            assertThat(run.lines()).contains("{\"type\": \"cutoverWindowExpiring\", \"expiresAt\": \"" + opened + "\"}");
            assertThat(states(run)).endsWith("READY_TO_CUTOVER", "EXPIRED");
            assertThat(report(run).getString("state").getValue()).isEqualTo("EXPIRED");
        }
    }

    @Test
    void differencesFoundByVerificationExitThree() throws Exception {
        seedOrders(50);
        try (CliRun run = new CliRun("run", "--source", source.connectionString(), "--destination", destination.connectionString(),
                "--json", "--lag-threshold", "2s", "--verify")) {
            run.awaitLine("\"type\": \"cutoverWindow\"");
            destination.client().getDatabase("shop").getCollection("orders").insertOne(new Document("_id", "only-here"));

            run.type("cutover");

            assertThat(run.awaitExit()).as(run.err()).isEqualTo(3);
            BsonDocument report = report(run);
            assertThat(report.getString("state").getValue()).isEqualTo("COMPLETED");
            assertThat(report.getString("verification").getValue()).isEqualTo("DIFFERENT");
            assertThat(report.toJson()).contains("\"kind\": \"EXTRA\", \"_id\": \"only-here\"");
        }
    }

    @Test
    void aChangeTheDestinationRefusesExitsOne() throws Exception {
        seedOrders(50);
        try (CliRun run = new CliRun("run", "--source", source.connectionString(), "--destination", destination.connectionString(),
                "--json", "--lag-threshold", "2s")) {
            run.awaitLine("\"type\": \"cutoverWindow\"");
            // a unique index only the destination has: the source's second 'dup' cannot be applied
            destination.client().getDatabase("shop").getCollection("orders").createIndex(Indexes.ascending("code"),
                    new IndexOptions().unique(true));
            MongoCollection<Document> orders = source.client().getDatabase("shop").getCollection("orders");
            orders.insertOne(new Document("_id", "first").append("code", "dup"));
            orders.insertOne(new Document("_id", "second").append("code", "dup"));

            assertThat(run.awaitExit()).as(run.err()).isEqualTo(1);
            // the two inserts go to the lanes of their _ids and either may be written first: the other one fails
            assertThat(run.err()).containsPattern("error: \\[APPLY_FAILED\\] applying the insert of \\{\"_id\": \"(first|second)\"\\}"
                    + " in shop.orders to shop.orders failed: E11000 duplicate key error")
                    .contains("Fix the cause and resume the migration with the same id");
        }
    }

    /** The destination's oplog is empty and it holds no database but the oplog's. */
    private void assertNothingWritten() {
        assertThat(destinationOplog()).isZero();
        assertThat(destination.client().listDatabaseNames()).containsExactly("local");
    }

    private long destinationOplog() {
        return destination.client().getDatabase("local").getCollection("oplog.rs").countDocuments();
    }

    private void seedOrders(int n) {
        MongoCollection<Document> orders = source.client().getDatabase("shop").getCollection("orders");
        for (int i = 0; i < n; i++) {
            orders.insertOne(new Document("_id", i).append("code", "c" + i));
        }
    }

    private static List<BsonDocument> events(CliRun run) {
        return run.lines().stream().map(BsonDocument::parse).toList();
    }

    /** The window's end each time it opened or moved. */
    private static List<Instant> windows(CliRun run) {
        return events(run).stream().filter(e -> e.getString("type").getValue().equals("cutoverWindow"))
                .map(e -> Instant.parse(e.getString("expiresAt").getValue())).toList();
    }

    private static List<String> states(CliRun run) {
        return events(run).stream().filter(e -> e.getString("type").getValue().equals("state"))
                .map(e -> e.getString("state").getValue()).toList();
    }

    private static BsonDocument report(CliRun run) {
        List<BsonDocument> events = events(run);
        BsonDocument last = events.get(events.size() - 1);
        assertThat(last.getString("type").getValue()).isEqualTo("report");
        return last;
    }
}
