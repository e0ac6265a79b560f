package dev.livemigrate.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livemigrate.core.testing.EmbeddedMongo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A push migration that failed on its host (here after its change history was lost) and is resumed with
 * {@code recopy}: the host is given the new attempt with the collections to copy again, which a resume of a migration
 * this process runs passes to the library ({@code MigrationSpec.recopy}). The host is played over the agent's routes.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PushRecopyTest {

    private static final String PROJECT = PushMigrationTest.PROJECT;

    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    void aResumeWithRecopyGivesTheHostANewAttemptThatCopiesThoseCollectionsAgain(@TempDir Path dir) throws Exception {
        try (Served served = new Served(dir)) {
            String token = served.api.post("/api/v1/orgs/acme/linkTokens", "{\"accessListIps\": [\"127.0.0.1\"]}").body()
                    .path("linkToken").asText();
            Api host = Api.withAuthorization(served.plane.uri(), "LinkToken " + token);
            poll(host, "\"projects\": [{\"projectId\": \"" + PROJECT + "\", \"name\": \"Shop\", \"deployments\": [{\"clusterId\": \"c1\","
                    + " \"name\": \"shop\"}]}]");

            CompletableFuture<Api.Reply> created = CompletableFuture.supplyAsync(() -> served.api.post("/api/v1/migrations",
                    "{\"source\": {\"orgId\": \"acme\", \"projectId\": \"" + PROJECT + "\", \"clusterName\": \"shop\", \"migrationHost\":"
                            + " \"raw\"}, \"destination\": {\"uri\": \"" + destination.connectionString() + "\"}, \"migrationId\": \"rc\"}"));
            JsonNode first = awaitJob(host, 1);
            assertThat(first.has("recopy")).isFalse();
            poll(host, "\"migrations\": [{\"id\": \"rc\", \"attempt\": 1, \"state\": \"SYNCING\"}]");
            assertThat(created.get(1, TimeUnit.MINUTES).status()).isEqualTo(201);
            poll(host, "\"migrations\": [{\"id\": \"rc\", \"attempt\": 1, \"state\": \"FAILED\", \"failure\": {\"code\":"
                    + " \"SOURCE_HAS_NO_CHANGE_HISTORY\", \"message\": \"the change history of shop.orders was lost\"}}]");
            assertThat(served.awaitState("rc", "FAILED").path("error").path("code").asText()).isEqualTo("SOURCE_HAS_NO_CHANGE_HISTORY");

            CompletableFuture<Api.Reply> resumed = CompletableFuture.supplyAsync(() -> served.api.post("/api/v1/migrations/rc/resume",
                    "{\"recopy\": [\"shop.orders\"]}"));
            JsonNode second = awaitJob(host, 2);
            assertThat(second.path("recopy").toString()).isEqualTo("[\"shop.orders\"]");
            assertThat(second.path("body").has("recopy")).isFalse(); // for this attempt only: not stored with the migration
            poll(host, "\"migrations\": [{\"id\": \"rc\", \"attempt\": 2, \"state\": \"COPYING\"}]");
            Api.Reply reply = resumed.get(1, TimeUnit.MINUTES);
            assertThat(reply.status()).as(reply.text()).isEqualTo(200);
            assertThat(served.api.get("/api/v1/migrations/rc").body().path("state").asText()).isEqualTo("COPYING");
        }
    }

    /** Polls as host {@code raw} (a long poll when nothing else is said) until the answer holds the job's attempt. */
    private static JsonNode awaitJob(Api host, int attempt) {
        while (true) {
            JsonNode answer = host.post("/api/v1/agent/poll", "{\"migrationHost\": \"raw\", \"instanceId\": \"i1\", \"wait\": 25,"
                    + " \"migrations\": [{\"id\": \"rc\", \"attempt\": " + (attempt - 1) + "}]}").body();
            for (JsonNode job : answer.path("jobs")) {
                if (job.path("attempt").asInt() == attempt) {
                    return job;
                }
            }
        }
    }

    private static JsonNode poll(Api host, String fields) {
        Api.Reply reply = host.post("/api/v1/agent/poll", "{\"migrationHost\": \"raw\", \"instanceId\": \"i1\", " + fields + "}");
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        return reply.body();
    }
}
