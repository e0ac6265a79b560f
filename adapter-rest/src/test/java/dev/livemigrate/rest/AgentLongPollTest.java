package dev.livemigrate.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.opsmanager.FakeOpsManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.livemigrate.opsmanager.FakeOpsManager.host;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Long polls: the control plane holds a poll that asks to wait ({@code wait}) until there is work for its host, and
 * answers it with that work; an agent that reports only once an hour still hears of a validation and a start at once
 * through its long poll, and answers them at once.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AgentLongPollTest {

    private static final String PROJECT = PushMigrationTest.PROJECT;

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    void aHeldPollIsAnsweredWithTheValidationThatArrivesWhileItWaits(@TempDir Path dir) throws Exception {
        try (Served served = new Served(dir)) {
            String token = served.api.post("/api/v1/orgs/acme/linkTokens", "{\"accessListIps\": [\"127.0.0.1\"]}").body()
                    .path("linkToken").asText();
            Api host = Api.withAuthorization(served.plane.uri(), "LinkToken " + token);
            Api.Reply reported = host.post("/api/v1/agent/poll", "{\"migrationHost\": \"raw\", \"instanceId\": \"i1\", \"projects\":"
                    + " [{\"projectId\": \"" + PROJECT + "\", \"name\": \"Shop\", \"deployments\": [{\"clusterId\": \"c1\", \"name\": \"shop\"}]}]}");
            assertThat(reported.status()).as(reported.text()).isEqualTo(200);
            assertThat(reported.body().path("validations")).isEmpty();

            CompletableFuture<Api.Reply> held = CompletableFuture.supplyAsync(() -> host.post("/api/v1/agent/poll",
                    "{\"migrationHost\": \"raw\", \"instanceId\": \"i1\", \"wait\": 25}"));
            CompletableFuture<Api.Reply> validation = CompletableFuture.supplyAsync(() -> served.api.post("/api/v1/migrations/validate",
                    "{\"source\": {\"orgId\": \"acme\", \"projectId\": \"" + PROJECT + "\", \"clusterName\": \"shop\", \"migrationHost\": \"raw\"},"
                            + " \"destination\": {\"uri\": \"" + destination.connectionString() + "\"}}"));

            JsonNode work = held.get(1, TimeUnit.MINUTES).body();
            assertThat(work.path("validations")).hasSize(1);
            JsonNode asked = work.path("validations").get(0);
            assertThat(asked.path("clusterName").asText()).isEqualTo("shop");
            assertThat(asked.path("body").path("source").path("migrationHost").asText()).isEqualTo("raw");
            // the host's findings, with its next call, complete the validation
            assertThat(host.post("/api/v1/agent/poll", "{\"migrationHost\": \"raw\", \"instanceId\": \"i1\", \"validations\": [{\"id\": \""
                    + asked.path("id").asText() + "\", \"findings\": []}]}").status()).isEqualTo(200);
            Api.Reply validated = validation.get(1, TimeUnit.MINUTES);
            assertThat(validated.body().path("status").asText()).as(validated.text()).isEqualTo("SUCCESS");
            assertThat(validated.body().path("findings")).isEmpty();
        }
    }

    @Test
    void anAgentThatReportsHourlyHearsOfAValidationAndAStartThroughItsLongPoll(@TempDir Path dir) throws Exception {
        Served.seedOrders(source, 50);
        try (FakeOpsManager opsManager = new FakeOpsManager(PushMigrationTest.PUBLIC_KEY, PushMigrationTest.PRIVATE_KEY, PROJECT)
                .cluster("shop", null, "REPLICA_SET", List.of(host("127.0.0.1", source.port(), null, false)))
                .automation("12.0.11.7606-1", "7.0.12", "7.0", 1024, "127.0.0.1:" + source.port());
             Served served = new Served(dir)) {
            String token = served.api.post("/api/v1/orgs/acme/linkTokens", "{\"accessListIps\": [\"127.0.0.1\"]}").body()
                    .path("linkToken").asText();
            AgentSettings settings = AgentSettings.builder().linkToken(token).name("host-a")
                    .opsManager(opsManager.baseUrl(), PushMigrationTest.PUBLIC_KEY, PushMigrationTest.PRIVATE_KEY).project(PROJECT)
                    .pollInterval(Duration.ofHours(1)).build();
            try (MigrationAgent agent = MigrationAgent.start(settings)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> served.api.get("/api/v1/orgs/acme/availableProjects").body().size() == 1);
                String body = "{\"source\": {\"orgId\": \"acme\", \"projectId\": \"" + PROJECT + "\", \"clusterName\": \"shop\","
                        + " \"migrationHost\": \"host-a\"}, \"destination\": {\"uri\": \"" + destination.connectionString() + "\"},"
                        + " \"includeNamespaces\": [\"shop.*\"], \"migrationId\": \"held\"}";
                Api.Reply validation = served.api.post("/api/v1/migrations/validate", body);
                assertThat(validation.body().path("status").asText()).as(validation.text()).isEqualTo("SUCCESS");
                Api.Reply created = served.api.post("/api/v1/migrations", body);
                assertThat(created.status()).as(created.text()).isEqualTo(201);
                // started on the host and said so (its next hourly report is an hour away)
                assertThat(created.body().path("state").asText()).isNotEqualTo("CREATED");
            }
        }
    }
}
