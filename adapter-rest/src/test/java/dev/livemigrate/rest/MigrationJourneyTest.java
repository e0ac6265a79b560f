package dev.livemigrate.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoCollection;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.testing.EmbeddedMongo;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;

import static dev.livemigrate.core.testing.DataAssertions.assertSameDocuments;
import static dev.livemigrate.core.testing.DataAssertions.indexes;
import static dev.livemigrate.rest.Served.assertError;
import static dev.livemigrate.rest.Served.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The operator's whole journey over HTTP, between two embedded servers, with every wrong-state refusal on the way. */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class MigrationJourneyTest {

    private static final Namespace ORDERS = Namespace.parse("shop.orders");

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    void validatesStartsFollowsCutsOverAndReports(@TempDir Path dir) {
        MongoCollection<Document> orders = Served.seedOrders(source, 500);
        String migration = body(source.connectionString(), destination.connectionString(),
                "\"includeNamespaces\": [\"shop.*\"]", "\"lagThreshold\": \"5s\"", "\"migrationId\": \"journey\"");
        try (Served served = new Served(dir)) {
            Api api = served.api;

            Api.Reply validation = api.post("/api/v1/migrations/validate", migration);
            assertThat(validation.status()).isEqualTo(200);
            String validationId = validation.body().path("id").asText();
            await().atMost(Duration.ofMinutes(1)).until(() ->
                    !api.get("/api/v1/migrations/validate/" + validationId).body().path("status").asText().equals("PENDING"));
            JsonNode validated = api.get("/api/v1/migrations/validate/" + validationId).body();
            assertThat(validated.path("status").asText()).as(validated.toString()).isEqualTo("SUCCESS");
            validated.path("findings").forEach(f -> assertThat(f.path("severity").asText()).isNotEqualTo("ERROR"));
            assertThat(validated.path("findings").get(0).fieldNames()).toIterable()
                    .containsExactly("code", "severity", "message", "remedy");

            Api.Reply created = api.post("/api/v1/migrations", migration);
            assertThat(created.status()).as(created.text()).isEqualTo(201);
            assertThat(created.body().path("id").asText()).isEqualTo("journey");
            assertThat(created.body().path("migration").path("source").path("uri").asText()).isEqualTo(source.connectionString());
            assertError(api.post("/api/v1/migrations", migration), 409, "MIGRATION_ID_CONFLICT");
            assertThat(api.get("/api/v1/migrations").body().path("migrations")).hasSize(1);

            // a change while it copies or syncs, then ready once the lag is under the threshold
            orders.updateOne(new Document("_id", 7), new Document("$set", new Document("n", 7)));
            orders.insertOne(new Document("_id", 1000).append("code", "late"));
            JsonNode ready = served.awaitState("journey", "READY_TO_CUTOVER");
            assertThat(ready.path("status").asText()).isEqualTo("WORKING");
            assertThat(ready.path("readyForCutover").asBoolean()).isTrue();
            assertThat(ready.path("canWrite").asBoolean()).isFalse();
            assertThat(ready.path("lagTimeSeconds").asLong()).isBetween(0L, 5L);
            assertThat(ready.path("progress").path("collectionsDone").asInt()).isEqualTo(1);
            assertThat(ready.path("progress").path("collectionsTotal").asInt()).isEqualTo(1);
            assertThat(ready.path("progress").path("copiedDocuments").asLong()).isGreaterThanOrEqualTo(500);
            assertThat(ready.path("progress").path("indexesBuilt").asInt()).isEqualTo(1);
            assertThat(ready.path("progress").path("retries").isNumber()).isTrue();
            assertThat(ready.has("retrying") && ready.path("retrying").isNull()).as("nothing is retrying").isTrue();
            assertThat(ready.path("warnings")).isEmpty();
            assertThat(ready.has("error")).isFalse();

            Instant window = Instant.parse(ready.path("cutoverWindowExpiresAt").asText());
            Api.Reply extended = api.post("/api/v1/migrations/journey/extend");
            assertThat(extended.status()).isEqualTo(200);
            assertThat(Instant.parse(extended.body().path("cutoverWindowExpiresAt").asText())).isEqualTo(window.plus(Duration.ofHours(24)));

            assertError(api.post("/api/v1/migrations/journey/resume"), 409, "INVALID_STATE");
            Api.Reply paused = api.post("/api/v1/migrations/journey/pause");
            assertThat(paused.status()).isEqualTo(200);
            assertThat(paused.body().path("status").asText()).isEqualTo("PAUSED");
            assertError(api.post("/api/v1/migrations/journey/pause"), 409, "INVALID_STATE");
            assertError(api.post("/api/v1/migrations/journey/extend"), 409, "INVALID_STATE");
            assertError(api.put("/api/v1/migrations/journey/cutover", "{\"writesStopped\": true}"), 409, "INVALID_STATE");
            orders.insertOne(new Document("_id", 1001).append("code", "while-paused"));
            assertThat(api.post("/api/v1/migrations/journey/resume").status()).isEqualTo(200);
            served.awaitState("journey", "READY_TO_CUTOVER");
            assertError(api.get("/api/v1/migrations/journey/report"), 409, "INVALID_STATE");

            // cutover needs the operator's confirmation, in a body of known fields
            assertError(api.put("/api/v1/migrations/journey/cutover", "{}"), 400, "INVALID_REQUEST");
            assertError(api.put("/api/v1/migrations/journey/cutover", "{\"writesStopped\": false}"), 400, "INVALID_REQUEST");
            assertError(api.put("/api/v1/migrations/journey/cutover", "{\"writesStopped\": \"yes\"}"), 400, "INVALID_REQUEST");
            assertError(api.put("/api/v1/migrations/journey/cutover", "{\"writesStopped\": true, \"now\": true}"), 400, "INVALID_REQUEST");
            Api.Reply cutover = api.put("/api/v1/migrations/journey/cutover", "{\"writesStopped\": true}");
            assertThat(cutover.status()).as(cutover.text()).isEqualTo(202);
            assertThat(cutover.body().path("readyForCutover").asBoolean()).isFalse();

            JsonNode complete = served.awaitState("journey", "COMPLETED");
            assertThat(complete.path("status").asText()).isEqualTo("COMPLETE");
            assertThat(complete.path("canWrite").asBoolean()).isTrue();
            assertThat(complete.path("readyForCutover").asBoolean()).isFalse();
            assertError(api.put("/api/v1/migrations/journey/cutover", "{\"writesStopped\": true}"), 409, "INVALID_STATE");
            assertError(api.post("/api/v1/migrations/journey/cancel"), 409, "INVALID_STATE");
            assertError(api.post("/api/v1/migrations/journey/resume"), 409, "INVALID_STATE");

            Api.Reply report = api.get("/api/v1/migrations/journey/report");
            assertThat(report.status()).isEqualTo(200);
            assertThat(report.body().path("migrationId").asText()).isEqualTo("journey");
            assertThat(report.body().path("state").asText()).isEqualTo("COMPLETED");
            assertThat(report.body().path("verification").asText()).as(report.text()).isEqualTo("EQUAL");
            assertThat(report.body().path("collectionsCopied").asInt()).isEqualTo(1);
            assertThat(report.body().path("changesApplied").asLong()).isGreaterThanOrEqualTo(3);
        }
        assertSameDocuments(source.client(), ORDERS, destination.client(), ORDERS);
        assertThat(indexes(destination.client(), ORDERS)).isEqualTo(indexes(source.client(), ORDERS));
    }

    @Test
    void refusesToStartWithEveryErrorFindingAndKeepsNothing(@TempDir Path dir) {
        source.client().getDatabase("shop").getCollection("orders").insertOne(new Document("_id", 1));
        destination.client().getDatabase("shop").getCollection("orders").insertOne(new Document("_id", 2));
        String migration = body(source.connectionString(), destination.connectionString(), "\"migrationId\": \"conflicting\"");
        try (Served served = new Served(dir)) {
            Api.Reply refused = served.api.post("/api/v1/migrations", migration);
            assertError(refused, 400, "DESTINATION_NAMESPACE_CONFLICT", "findings");
            assertThat(refused.body().path("findings")).hasSize(1);
            JsonNode finding = refused.body().path("findings").get(0);
            assertThat(finding.path("code").asText()).isEqualTo("DESTINATION_NAMESPACE_CONFLICT");
            assertThat(finding.path("severity").asText()).isEqualTo("ERROR");
            assertThat(finding.path("message").asText()).contains("shop.orders");
            assertThat(finding.path("remedy").asText()).isNotBlank();
            assertThat(served.api.get("/api/v1/migrations").body().path("migrations")).isEmpty();
            assertError(served.api.get("/api/v1/migrations/conflicting"), 404, "NOT_FOUND");

            Api.Reply validation = served.api.post("/api/v1/migrations/validate", migration);
            String id = validation.body().path("id").asText();
            await().atMost(Duration.ofMinutes(1)).until(() ->
                    !served.api.get("/api/v1/migrations/validate/" + id).body().path("status").asText().equals("PENDING"));
            JsonNode validated = served.api.get("/api/v1/migrations/validate/" + id).body();
            assertThat(validated.path("status").asText()).isEqualTo("FAILED");
            assertThat(validated.path("findings")).anySatisfy(f ->
                    assertThat(f.path("code").asText()).isEqualTo("DESTINATION_NAMESPACE_CONFLICT"));
        }
        assertThat(destination.client().listDatabaseNames().into(new ArrayList<>())).doesNotContain("__livemigrate");
        assertThat(destination.client().getDatabase("shop").getCollection("orders").find().into(new ArrayList<>()))
                .containsExactly(new Document("_id", 2));
    }

    @Test
    void keepsTheConnectionStringsPasswordOutOfEveryAnswer(@TempDir Path dir) throws Exception {
        source.client().getDatabase("shop").getCollection("orders").insertOne(new Document("_id", 1));
        // mongo-java-server has no authentication: a user in the connection string makes the driver's handshake fail
        String withPassword = "mongodb://operator:s3cret-pw@127.0.0.1:" + destination.port();
        String migration = body(source.connectionString(), withPassword, "\"migrationId\": \"secretive\"");
        try (Served served = new Served(dir)) {
            Api.Reply refused = served.api.post("/api/v1/migrations", migration);
            assertError(refused, 502, "DESTINATION_UNREACHABLE");
            assertThat(refused.text()).doesNotContain("s3cret-pw").contains("operator:<hidden>@");
            Api.Reply validation = served.api.post("/api/v1/migrations/validate", migration);
            String id = validation.body().path("id").asText();
            await().atMost(Duration.ofMinutes(1)).until(() ->
                    !served.api.get("/api/v1/migrations/validate/" + id).body().path("status").asText().equals("PENDING"));
            Api.Reply validated = served.api.get("/api/v1/migrations/validate/" + id);
            assertThat(validated.body().path("status").asText()).isEqualTo("FAILED");
            assertThat(validated.text()).doesNotContain("s3cret-pw").contains("operator:<hidden>@");
        }
        assertThat(Files.readString(dir.resolve(MigrationStore.FILE))).isEqualTo("{\"migrations\":[]}"); // a refused start is not kept
    }
}
