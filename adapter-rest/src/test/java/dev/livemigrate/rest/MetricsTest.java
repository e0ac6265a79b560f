package dev.livemigrate.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoCollection;
import dev.livemigrate.MigrationProgress;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.MigrationState;
import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.opsmanager.FakeOpsManager;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.livemigrate.opsmanager.FakeOpsManager.host;
import static dev.livemigrate.rest.PushMigrationTest.PRIVATE_KEY;
import static dev.livemigrate.rest.PushMigrationTest.PROJECT;
import static dev.livemigrate.rest.PushMigrationTest.PUBLIC_KEY;
import static dev.livemigrate.rest.Served.assertError;
import static dev.livemigrate.rest.Served.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /metrics} during a live migration: Prometheus's text format, each figure equal to the session's progress;
 * for a push migration, the figures its migration host reports (the agent runs in this JVM, as in
 * {@link PushMigrationTest}).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class MetricsTest {

    private static final Pattern SAMPLE = Pattern.compile("^(\\w+)\\{([^}]*)} (\\S+)$");

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    void exposesEachMigrationsProgressByIdAndNeedsTheToken(@TempDir Path dir) {
        MongoCollection<Document> orders = source.client().getDatabase("shop").getCollection("orders");
        for (int i = 0; i < 400; i++) {
            orders.insertOne(new Document("_id", i).append("payload", "x".repeat(i % 50)));
        }
        try (Served served = new Served(dir)) {
            assertError(Api.withAuthorization(served.plane.uri(), null).get("/metrics"), 401, "UNAUTHORIZED");
            assertThat(served.api.post("/api/v1/migrations", body(source.connectionString(), destination.connectionString(),
                    "\"lagThreshold\": \"5s\"", "\"migrationId\": \"metered\"")).status()).isEqualTo(201);
            writeWhileSyncing(served, orders);

            // scraped between two identical readings of the progress, the figures are the progress's
            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
                JsonNode before = served.api.get("/api/v1/migrations/metered").body();
                Api.Reply scraped = served.api.get("/metrics");
                JsonNode after = served.api.get("/api/v1/migrations/metered").body();
                assertThat(after.path("progress")).isEqualTo(before.path("progress"));
                assertThat(scraped.status()).isEqualTo(200);
                assertThat(scraped.header("Content-Type")).isEqualTo(Metrics.CONTENT_TYPE);
                assertThat(scraped.text()).contains("# TYPE livemigrate_copied_bytes_total counter")
                        .contains("# TYPE livemigrate_lag_seconds gauge");
                Map<String, Double> m = samples(scraped.text());
                JsonNode p = after.path("progress");
                String id = "migration_id=\"metered\"";
                assertThat(m.get("livemigrate_copied_bytes_total{" + id + "}")).isEqualTo(p.path("copiedBytes").asDouble());
                assertThat(m.get("livemigrate_copied_documents_total{" + id + "}")).isEqualTo(400.0)
                        .isEqualTo(p.path("copiedDocuments").asDouble());
                assertThat(m.get("livemigrate_events_applied_total{" + id + "}")).isEqualTo(p.path("eventsApplied").asDouble());
                assertThat(m.get("livemigrate_estimated_bytes{" + id + "}")).isEqualTo(p.path("totalBytes").asDouble());
                assertThat(m.get("livemigrate_estimated_documents{" + id + "}")).isEqualTo(p.path("totalDocuments").asDouble());
                assertThat(m.get("livemigrate_collections_done{" + id + "}")).isEqualTo(1.0);
                assertThat(m.get("livemigrate_collections_planned{" + id + "}")).isEqualTo(1.0);
                assertThat(m.get("livemigrate_lag_seconds{" + id + "}")).isBetween(0.0, 5.0);
                assertThat(m.get("livemigrate_events_per_second{" + id + "}")).isNotNull();
                assertThat(m.get("livemigrate_retries_total{" + id + "}")).isEqualTo(p.path("retries").asDouble());
                assertThat(m.get("livemigrate_retrying{" + id + "}")).isEqualTo(0.0);
                assertStates(m, MigrationState.READY_TO_CUTOVER);
            });

            assertThat(served.api.put("/api/v1/migrations/metered/cutover", "{\"writesStopped\": true}").status()).isEqualTo(202);
            JsonNode completed = served.awaitState("metered", "COMPLETED");
            Map<String, Double> m = samples(served.api.get("/metrics").text());
            assertStates(m, MigrationState.COMPLETED);
            assertThat(m.get("livemigrate_events_applied_total{migration_id=\"metered\"}"))
                    .isEqualTo(completed.path("progress").path("eventsApplied").asDouble());
            // changes were applied while syncing (the test writes during sync): read, in batches that took some time
            assertThat(m.get("livemigrate_events_read_total{migration_id=\"metered\"}"))
                    .isGreaterThanOrEqualTo(m.get("livemigrate_events_applied_total{migration_id=\"metered\"}"));
            assertThat(m.get("livemigrate_apply_batches_total{migration_id=\"metered\"}")).isPositive();
            assertThat(m.get("livemigrate_apply_seconds_total{migration_id=\"metered\"}")).isPositive();
        }
    }

    @Test
    void exposesAPushMigrationsFiguresAsItsHostReportsThem(@TempDir Path dir) throws Exception {
        MongoCollection<Document> orders = source.client().getDatabase("shop").getCollection("orders");
        for (int i = 0; i < 400; i++) {
            orders.insertOne(new Document("_id", i).append("payload", "x".repeat(i % 50)));
        }
        try (FakeOpsManager opsManager = new FakeOpsManager(PUBLIC_KEY, PRIVATE_KEY, PROJECT)
                .cluster("shop", null, "REPLICA_SET", List.of(host("127.0.0.1", source.port(), null, false)))
                .automation("12.0.11.7606-1", "7.0.12", "7.0", 1024, "127.0.0.1:" + source.port());
             Served served = new Served(dir)) {
            Api.Reply token = served.api.post("/api/v1/orgs/acme/linkTokens", "{\"accessListIps\": [\"127.0.0.1\"]}");
            try (MigrationAgent agent = MigrationAgent.start(AgentSettings.builder().linkToken(token.body().path("linkToken").asText())
                    .name("host-a").opsManager(opsManager.baseUrl(), PUBLIC_KEY, PRIVATE_KEY).project(PROJECT)
                    .pollInterval(Duration.ofMillis(100)).build())) {
                await().atMost(Duration.ofSeconds(30)).until(() -> served.api.get("/api/v1/orgs/acme/availableProjects").body().size() == 1);
                Api.Reply created = served.api.post("/api/v1/migrations", "{\"source\": {\"orgId\": \"acme\", \"projectId\": \""
                        + PROJECT + "\", \"clusterName\": \"shop\", \"migrationHost\": \"host-a\"}, \"destination\": {\"uri\": \""
                        + destination.connectionString() + "\"}, \"lagThreshold\": \"5s\", \"migrationId\": \"metered\"}");
                assertThat(created.status()).as(created.text()).isEqualTo(201);
                writeWhileSyncing(served, orders);

                // between two identical readings of what the host reported, the figures are the host's
                await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
                    JsonNode before = served.api.get("/api/v1/migrations/metered").body();
                    Map<String, Double> m = samples(served.api.get("/metrics").text());
                    JsonNode after = served.api.get("/api/v1/migrations/metered").body();
                    assertThat(after.path("progress")).isEqualTo(before.path("progress"));
                    assertThat(after.path("lagTimeSeconds")).isEqualTo(before.path("lagTimeSeconds"));
                    JsonNode p = after.path("progress");
                    String id = "{migration_id=\"metered\"}";
                    assertThat(m.get("livemigrate_copied_documents_total" + id)).isEqualTo(400.0).isEqualTo(p.path("copiedDocuments").asDouble());
                    assertThat(m.get("livemigrate_copied_bytes_total" + id)).isPositive().isEqualTo(p.path("copiedBytes").asDouble());
                    assertThat(m.get("livemigrate_events_applied_total" + id)).isGreaterThanOrEqualTo(25.0)
                            .isEqualTo(p.path("eventsApplied").asDouble());
                    assertThat(m.get("livemigrate_estimated_documents" + id)).isEqualTo(p.path("totalDocuments").asDouble());
                    assertThat(m.get("livemigrate_collections_done" + id)).isEqualTo(1.0);
                    assertThat(Math.floor(m.get("livemigrate_lag_seconds" + id))).isEqualTo(after.path("lagTimeSeconds").asDouble());
                    // the host's monitoring counters: the changes it read, in batches that took some time
                    assertThat(m.get("livemigrate_events_read_total" + id)).isGreaterThanOrEqualTo(m.get("livemigrate_events_applied_total" + id));
                    assertThat(m.get("livemigrate_apply_batches_total" + id)).isPositive();
                    assertThat(m.get("livemigrate_apply_seconds_total" + id)).isPositive();
                    assertStates(m, MigrationState.READY_TO_CUTOVER);
                });

                assertThat(served.api.put("/api/v1/migrations/metered/cutover", "{\"writesStopped\": true}").status()).isEqualTo(202);
                served.awaitState("metered", "COMPLETED");
                await().atMost(Duration.ofSeconds(30)).until(() -> served.api.get("/api/v1/migrations/metered/report").status() == 200);
                JsonNode report = served.api.get("/api/v1/migrations/metered/report").body();
                Map<String, Double> m = samples(served.api.get("/metrics").text());
                assertStates(m, MigrationState.COMPLETED);
                assertThat(m.get("livemigrate_copied_documents_total{migration_id=\"metered\"}")).isEqualTo(report.path("copiedDocuments").asDouble());
                assertThat(m.get("livemigrate_events_applied_total{migration_id=\"metered\"}")).isEqualTo(report.path("changesApplied").asDouble());
            }
        }
    }

    @Test
    void aPushMigrationsRetriesByCodeComeFromItsHost() {
        // the progress the host's session has, as the agent writes it into its poll
        MigrationProgress onHost = new MigrationProgress(MigrationState.SYNCING, 10, 10, 1, 1, 1, 1, 1, 1, Duration.ofMillis(1500),
                7, 2.5, null, Map.of(), 0, null, 4, new MigrationProgress.Counters(9, 3, Duration.ofMillis(250),
                Map.of("NotWritablePrimary", 3L, "MongoSocketReadException", 1L)));
        RemoteSession remote = new RemoteSession(MigrationSpec.builder().migrationId("pushed").source("mongodb://src:27017")
                .destination("mongodb://dst:27017").build(), new RemoteSession.Job("acme", "host-a", "p", "shop", 1),
                JsonSupport.object(), new RemoteSession.Presence() {
                    @Override
                    public boolean online(String org, String host) {
                        return true;
                    }

                    @Override
                    public void wake() {
                    }
                }, Duration.ofSeconds(1));
        remote.update(JsonSupport.object().put("state", "SYNCING").set("progress", AgentWire.progress(onHost)));
        ManagedMigration pushed = new ManagedMigration("pushed", null, Instant.EPOCH, MigrationState.CREATED);
        pushed.session = remote;
        Metrics metrics = new Metrics();
        metrics.bind(pushed);

        Map<String, Double> m = samples(metrics.scrape());
        assertThat(m.get("livemigrate_retries_by_code_total{code=\"NotWritablePrimary\",migration_id=\"pushed\"}")).isEqualTo(3.0);
        assertThat(m.get("livemigrate_retries_by_code_total{code=\"MongoSocketReadException\",migration_id=\"pushed\"}")).isEqualTo(1.0);
        assertThat(m.get("livemigrate_retries_total{migration_id=\"pushed\"}")).isEqualTo(4.0);
        assertThat(m.get("livemigrate_events_read_total{migration_id=\"pushed\"}")).isEqualTo(9.0);
        assertThat(m.get("livemigrate_apply_batches_total{migration_id=\"pushed\"}")).isEqualTo(3.0);
        assertThat(m.get("livemigrate_apply_seconds_total{migration_id=\"pushed\"}")).isEqualTo(0.25);
        assertThat(m.get("livemigrate_lag_seconds{migration_id=\"pushed\"}")).isEqualTo(1.5);
        assertThat(m.get("livemigrate_state{migration_id=\"pushed\",state=\"SYNCING\"}")).isEqualTo(1.0);
    }

    @Test
    void aFailureShowsItsCode() {
        Metrics metrics = new Metrics();
        ManagedMigration failed = new ManagedMigration("failing", null, Instant.EPOCH, MigrationState.FAILED);
        metrics.bind(failed);
        assertThat(metrics.scrape()).doesNotContain("livemigrate_errors");

        failed.failure = new ManagedMigration.Failure("APPLY_FAILED", "E11000 duplicate key");
        failed.cutoverFailure = new ManagedMigration.Failure("CUTOVER_FAILED", "the drain timed out");
        Map<String, Double> m = samples(metrics.scrape());

        assertThat(m.get("livemigrate_errors{code=\"APPLY_FAILED\",migration_id=\"failing\"}")).isEqualTo(1.0);
        assertThat(m.get("livemigrate_errors{code=\"CUTOVER_FAILED\",migration_id=\"failing\"}")).isEqualTo(1.0);
        failed.cutoverFailure = null;
        assertThat(samples(metrics.scrape()).get("livemigrate_errors{code=\"CUTOVER_FAILED\",migration_id=\"failing\"}")).isEqualTo(0.0);
    }

    /** The state gauge is 1 for this state and 0 for every other. */
    private static void assertStates(Map<String, Double> m, MigrationState current) {
        for (MigrationState state : MigrationState.values()) {
            assertThat(m.get("livemigrate_state{migration_id=\"metered\",state=\"" + state.name() + "\"}")).as(state.name())
                    .isEqualTo(state == current ? 1.0 : 0.0);
        }
    }

    /** {@code name{labels}} → value, from Prometheus's text format. */
    private static Map<String, Double> samples(String text) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : text.split("\n")) {
            Matcher matcher = SAMPLE.matcher(line);
            if (matcher.matches()) {
                samples.put(matcher.group(1) + "{" + matcher.group(2) + "}", Double.parseDouble(matcher.group(3)));
            }
        }
        return samples;
    }

    /** Once migration "metered" is ready: 25 inserts into the source, and waits until they are applied. */
    private static void writeWhileSyncing(Served served, MongoCollection<Document> orders) {
        served.awaitState("metered", "READY_TO_CUTOVER");
        for (int i = 0; i < 25; i++) {
            orders.insertOne(new Document("_id", 1000 + i));
        }
        await().atMost(Duration.ofMinutes(1)).until(() ->
                served.api.get("/api/v1/migrations/metered").body().path("progress").path("eventsApplied").asLong() >= 25);
    }
}
