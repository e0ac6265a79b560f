package dev.livemigrate.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoCollection;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.core.testing.LostChangeHistory;
import dev.livemigrate.core.testing.WireProxy;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static dev.livemigrate.core.testing.DataAssertions.assertSameDocuments;
import static dev.livemigrate.rest.Served.assertError;
import static dev.livemigrate.rest.Served.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Migrations survive a restart of the server: it lists them again and resumes those that had not ended. */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class RestartTest {

    private static final Namespace ORDERS = Namespace.parse("shop.orders");

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    void aRestartedServerResumesTheMigrationsThatHadNotEnded(@TempDir Path dir) {
        MongoCollection<Document> orders = source.client().getDatabase("shop").getCollection("orders");
        for (int i = 0; i < 300; i++) {
            orders.insertOne(new Document("_id", i).append("n", 0));
        }
        source.client().getDatabase("done").getCollection("items").insertOne(new Document("_id", "only"));
        try (Served first = new Served(dir)) {
            assertThat(first.api.post("/api/v1/migrations", body(source.connectionString(), destination.connectionString(),
                    "\"includeNamespaces\": [\"shop.*\"]", "\"migrationId\": \"survivor\"")).status()).isEqualTo(201);
            assertThat(first.api.post("/api/v1/migrations", body(source.connectionString(), destination.connectionString(),
                    "\"includeNamespaces\": [\"done.*\"]", "\"migrationId\": \"finished\"")).status()).isEqualTo(201);
            first.awaitState("survivor", "READY_TO_CUTOVER");
            first.awaitState("finished", "READY_TO_CUTOVER");
            assertThat(first.api.put("/api/v1/migrations/finished/cancel", "{}").status()).isEqualTo(405);
            assertThat(first.api.post("/api/v1/migrations/finished/cancel").status()).isEqualTo(202);
            first.awaitState("finished", "CANCELLED");
        } // closed: the session of "survivor" stops where it is, resumable

        orders.updateOne(new Document("_id", 5), new Document("$set", new Document("n", 5))); // while nothing runs
        orders.insertOne(new Document("_id", 1000).append("n", 1));

        try (Served second = new Served(dir)) {
            JsonNode listed = second.api.get("/api/v1/migrations").body().path("migrations");
            assertThat(listed).extracting(m -> m.path("id").asText()).containsExactly("survivor", "finished");
            JsonNode finished = second.api.get("/api/v1/migrations/finished").body();
            assertThat(finished.path("status").asText()).isEqualTo("CANCELLED");
            assertThat(second.api.get("/api/v1/migrations/finished/report").body().path("state").asText()).isEqualTo("CANCELLED");

            second.awaitState("survivor", "READY_TO_CUTOVER");
            assertThat(second.api.put("/api/v1/migrations/survivor/cutover", "{\"writesStopped\": true}").status()).isEqualTo(202);
            second.awaitState("survivor", "COMPLETED");
            assertThat(second.api.get("/api/v1/migrations/survivor/report").body().path("verification").asText()).isEqualTo("EQUAL");
        }
        assertSameDocuments(source.client(), ORDERS, destination.client(), ORDERS);
    }

    @Test
    void aMigrationPausedBeforeTheRestartWaitsForResume(@TempDir Path dir) {
        MongoCollection<Document> orders = source.client().getDatabase("shop").getCollection("orders");
        for (int i = 0; i < 100; i++) {
            orders.insertOne(new Document("_id", i));
        }
        try (Served first = new Served(dir)) {
            first.api.post("/api/v1/migrations", body(source.connectionString(), destination.connectionString(),
                    "\"migrationId\": \"napping\""));
            first.awaitState("napping", "READY_TO_CUTOVER");
            assertThat(first.api.post("/api/v1/migrations/napping/pause").status()).isEqualTo(200);
        }
        orders.insertOne(new Document("_id", 100));
        try (Served second = new Served(dir)) {
            JsonNode napping = second.api.get("/api/v1/migrations/napping").body();
            assertThat(napping.path("status").asText()).isEqualTo("PAUSED");
            assertThat(napping.path("state").asText()).isEqualTo("PAUSED");
            assertError(second.api.post("/api/v1/migrations/napping/pause"), 409, "INVALID_STATE");
            assertError(second.api.put("/api/v1/migrations/napping/cutover", "{\"writesStopped\": true}"), 409, "INVALID_STATE");
            assertThat(second.api.post("/api/v1/migrations/napping/resume").status()).isEqualTo(200);
            second.awaitState("napping", "READY_TO_CUTOVER");
            assertThat(second.api.put("/api/v1/migrations/napping/cutover", "{\"writesStopped\": true}").status()).isEqualTo(202);
            second.awaitState("napping", "COMPLETED");
        }
        assertSameDocuments(source.client(), ORDERS, destination.client(), ORDERS);
    }

    @Test
    void aMigrationWhoseChangeHistoryWasLostResumesWithTheCollectionCopiedAgain(@TempDir Path dir) {
        MongoCollection<Document> orders = Served.seedOrders(source, 100);
        LostChangeHistory lost = new LostChangeHistory("orders");
        try (WireProxy proxy = WireProxy.inFrontOf(source, lost)) {
            try (Served first = new Served(dir)) {
                first.api.post("/api/v1/migrations", body(proxy.connectionString(), destination.connectionString(),
                        "\"migrationId\": \"forgotten\""));
                first.awaitState("forgotten", "READY_TO_CUTOVER");
            }
            orders.updateOne(new Document("_id", 5), new Document("$set", new Document("n", -5))); // the oplog loses this
            lost.arm();
            try (Served second = new Served(dir)) {
                JsonNode failed = second.awaitState("forgotten", "FAILED");
                assertThat(failed.path("error").path("code").asText()).isEqualTo("CHANGE_HISTORY_LOST");
                assertThat(failed.path("error").path("message").asText()).contains("REST resume with {\"recopy\": [\"shop.orders\"]}");

                assertError(second.api.post("/api/v1/migrations/forgotten/resume", "[\"shop.orders\"]"), 400, "INVALID_REQUEST");
                assertError(second.api.post("/api/v1/migrations/forgotten/resume", "{\"recopy\": \"shop.orders\"}"), 400, "INVALID_REQUEST");
                assertError(second.api.post("/api/v1/migrations/forgotten/resume", "{\"recopy\": [\"orders\"]}"), 400, "INVALID_REQUEST");
                assertError(second.api.post("/api/v1/migrations/forgotten/resume", "{\"copy\": []}"), 400, "INVALID_REQUEST");
                assertError(second.api.post("/api/v1/migrations/forgotten/resume", "{\"recopy\": [\"shop.nothing\"]}"), 400, "INVALID_SPEC");
                assertThat(second.api.post("/api/v1/migrations/forgotten/resume", "{\"recopy\": [\"shop.orders\"]}").status())
                        .isEqualTo(200);
                second.awaitState("forgotten", "READY_TO_CUTOVER");
                orders.insertOne(new Document("_id", 1000).append("n", 1));
                assertThat(second.api.put("/api/v1/migrations/forgotten/cutover", "{\"writesStopped\": true}").status()).isEqualTo(202);
                second.awaitState("forgotten", "COMPLETED");
            }
            // the store does not keep the recopy: a later server start does not copy the collection again
            assertThat(dir.resolve(MigrationStore.FILE)).content().doesNotContain("recopy");
        }
        assertSameDocuments(source.client(), ORDERS, destination.client(), ORDERS);
    }

    @Test
    void aMigrationThatCannotBeResumedIsListedAsFailedWithItsPasswordHidden(@TempDir Path dir) throws Exception {
        // a store left by an earlier server: the destination's user cannot log in any more (mongo-java-server has no
        // authentication, so the driver's handshake with a user fails)
        String uri = "mongodb://operator:s3cret-pw@127.0.0.1:" + destination.port();
        Files.writeString(dir.resolve(MigrationStore.FILE), "{\"migrations\": [{\"id\": \"locked-out\", \"createdAt\":"
                + " \"2026-01-02T03:04:05Z\", \"state\": \"SYNCING\", \"body\": " + body(source.connectionString(), uri,
                "\"migrationId\": \"locked-out\"") + "}]}");
        try (Served served = new Served(dir)) {
            await().atMost(Duration.ofMinutes(1)).until(() ->
                    served.api.get("/api/v1/migrations/locked-out").body().path("status").asText().equals("FAILED"));
            Api.Reply listed = served.api.get("/api/v1/migrations/locked-out");
            assertThat(listed.body().path("state").asText()).isEqualTo("STOPPED");
            assertThat(listed.body().path("error").path("code").asText()).isEqualTo("DESTINATION_UNREACHABLE");
            assertThat(listed.body().path("migration").path("destination").path("uri").asText())
                    .isEqualTo("mongodb://operator:<hidden>@127.0.0.1:" + destination.port());
            assertThat(listed.text() + served.api.get("/api/v1/migrations").text()).doesNotContain("s3cret-pw");
            assertError(served.api.post("/api/v1/migrations/locked-out/pause"), 409, "INVALID_STATE");
            Api.Reply again = served.api.post("/api/v1/migrations/locked-out/resume");
            assertError(again, 502, "DESTINATION_UNREACHABLE");
            assertThat(again.text()).doesNotContain("s3cret-pw");
        }
        // the server rewrote its store: owner-only, with the password it needs to resume
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(MigrationStore.FILE)))).isEqualTo("rw-------");
        assertThat(Files.readString(dir.resolve(MigrationStore.FILE))).contains("s3cret-pw", "DESTINATION_UNREACHABLE");
    }
}
