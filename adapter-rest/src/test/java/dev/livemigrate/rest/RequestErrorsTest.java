package dev.livemigrate.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livemigrate.core.testing.EmbeddedMongo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.livemigrate.rest.Served.assertError;
import static dev.livemigrate.rest.Served.body;
import static org.assertj.core.api.Assertions.assertThat;

/** Bad requests: each refused with its status and code, every bad field named, nothing started, no stack trace. */
class RequestErrorsTest {

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();
    @TempDir
    Path dir;

    private Served served;
    private Api api;

    @BeforeEach
    void serve() {
        served = new Served(dir);
        api = served.api;
    }

    @AfterEach
    void stop() {
        served.close();
    }

    @Test
    void namesEveryBadFieldOfAMigrationBody() {
        String bad = "{\"source\": {\"url\": \"mongodb://x\"}, \"destination\": {\"uri\": 42}, \"includeNamespaces\": \"shop.*\","
                + " \"excludeNamespaces\": [\"a.b\", 7], \"renames\": {\"a.*\": false}, \"dropDestinationData\": \"yes\","
                + " \"verify\": 1, \"lagThreshold\": \"10 seconds\", \"cutoverWindow\": 5, \"migrationId\": [],"
                + " \"colour\": \"blue\"}";
        for (String path : List.of("/api/v1/migrations", "/api/v1/migrations/validate")) {
            Api.Reply reply = api.post(path, bad);
            assertError(reply, 400, "INVALID_REQUEST", "fields");
            assertThat(problems(reply.body())).containsOnlyKeys("colour", "source.url", "source.uri", "destination.uri",
                    "includeNamespaces", "excludeNamespaces[1]", "renames.a.*", "dropDestinationData", "verify",
                    "lagThreshold", "cutoverWindow", "migrationId");
            assertThat(problems(reply.body())).containsEntry("lagThreshold", "[INVALID_SPEC] '10 seconds' is not a duration:"
                            + " write a whole number and a unit, for example 500ms, 2s, 5m, 120h or 3d")
                    .containsEntry("destination.uri", "must be a string, not a number")
                    .containsEntry("source.uri", "missing: give the source connection string");
            assertThat(problems(reply.body()).get("colour")).startsWith("unknown field");
        }
        assertNothingStarted();
    }

    @Test
    void refusesMissingSidesMalformedConnectionStringsAndABadId() {
        Api.Reply missing = api.post("/api/v1/migrations", "{}");
        assertError(missing, 400, "INVALID_REQUEST", "fields");
        assertThat(problems(missing.body())).containsOnlyKeys("source", "destination");

        Api.Reply malformed = api.post("/api/v1/migrations", body("mongodb://user:s3cret@", destination.connectionString()));
        assertError(malformed, 400, "INVALID_REQUEST", "fields");
        assertThat(problems(malformed.body())).containsOnlyKeys("source.uri");
        assertThat(problems(malformed.body()).get("source.uri")).startsWith("[INVALID_CONNECTION_STRING]");
        assertThat(malformed.text()).doesNotContain("s3cret");

        Api.Reply badId = api.post("/api/v1/migrations", body(source.connectionString(), destination.connectionString(),
                "\"migrationId\": \"no spaces\""));
        assertError(badId, 400, "INVALID_SPEC");
        assertThat(badId.body().path("detail").asText()).contains("migrationId 'no spaces' is not valid");
        assertNothingStarted();
    }

    @Test
    void refusesBodiesThatAreNotOneJsonObjectWithinTheLimits() {
        Map<String, String> bodies = Map.of(
                "", "the request has no body",
                "{\"source\": ", "the body is not valid JSON",
                "[1, 2]", "the body must be a JSON object",
                "{} {}", "the body is not valid JSON",
                "{\"verify\": true, \"verify\": false}", "Duplicate field 'verify'",
                "{\"renames\": " + "[".repeat(40) + "]".repeat(40) + "}", "the body is beyond the limits");
        bodies.forEach((body, detail) -> {
            Api.Reply reply = api.post("/api/v1/migrations", body);
            assertError(reply, 400, "INVALID_REQUEST");
            assertThat(reply.body().path("detail").asText()).as(body).contains(detail);
        });
        Api.Reply text = api.send(api.request("/api/v1/migrations").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertError(text, 415, "INVALID_REQUEST");
        assertNothingStarted();
    }

    @Test
    void refusesAHugeBodyWhetherItsLengthIsAnnouncedOrNot() {
        String huge = "{\"migrationId\": \"" + "x".repeat(Request.MAX_BODY) + "\"}";
        assertError(api.post("/api/v1/migrations", huge), 413, "INVALID_REQUEST");
        byte[] bytes = huge.getBytes(StandardCharsets.UTF_8);
        // a stream of unknown length is sent chunked, without Content-Length
        Api.Reply chunked = api.send(api.request("/api/v1/migrations").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))));
        assertError(chunked, 413, "INVALID_REQUEST");
        assertNothingStarted();
    }

    @Test
    void answersUnknownIdsRoutesAndMethods() {
        List<Api.Reply> unknown = new ArrayList<>(List.of(
                api.get("/api/v1/migrations/nope"),
                api.put("/api/v1/migrations/nope/cutover", "{\"writesStopped\": true}"),
                api.post("/api/v1/migrations/nope/extend"),
                api.post("/api/v1/migrations/nope/pause"),
                api.post("/api/v1/migrations/nope/resume"),
                api.post("/api/v1/migrations/nope/cancel"),
                api.get("/api/v1/migrations/nope/report"),
                api.get("/api/v1/migrations/validate/nope"),
                api.get("/api/v1/nothing-here")));
        for (Api.Reply reply : unknown) {
            assertError(reply, 404, "NOT_FOUND");
        }
        assertThat(unknown.get(0).body().path("detail").asText()).contains("no migration 'nope' is managed by this server");
        Api.Reply method = api.send(api.request("/api/v1/migrations").DELETE());
        assertError(method, 405, "INVALID_REQUEST");
        assertThat(method.header("Allow")).isEqualTo("GET, POST");
    }

    @Test
    void servesItsOpenApiDescriptionListingEveryRoute() {
        Api.Reply reply = api.get("/api/v1/openapi.json");
        assertThat(reply.status()).isEqualTo(200);
        List<String> paths = new ArrayList<>();
        reply.body().path("paths").properties().forEach(e -> e.getValue().properties()
                .forEach(m -> paths.add(m.getKey().toUpperCase() + " " + e.getKey())));
        assertThat(paths).containsExactlyInAnyOrder(
                "GET /api/v1/openapi.json",
                "POST /api/v1/migrations/validate",
                "GET /api/v1/migrations/validate/{id}",
                "POST /api/v1/migrations",
                "GET /api/v1/migrations",
                "GET /api/v1/migrations/{id}",
                "PUT /api/v1/migrations/{id}/cutover",
                "POST /api/v1/migrations/{id}/extend",
                "POST /api/v1/migrations/{id}/pause",
                "POST /api/v1/migrations/{id}/resume",
                "POST /api/v1/migrations/{id}/cancel",
                "GET /api/v1/migrations/{id}/report",
                "POST /api/v1/orgs/{orgId}/linkTokens",
                "DELETE /api/v1/orgs/{orgId}/linkTokens",
                "GET /api/v1/agent/hello",
                "GET /api/v1/orgs/{orgId}/availableProjects",
                "POST /api/v1/agent/poll",
                "POST /api/v1/agent/migrations/{id}/report");
        // each route it describes is served: a call answers anything but 404 for an unknown route
        for (String route : paths) {
            String[] parts = route.split(" ");
            String path = parts[1].replace("{id}", "nope").replace("{orgId}", "nope");
            Api.Reply answer = api.send(api.request(path).header("Content-Type", "application/json")
                    .method(parts[0], HttpRequest.BodyPublishers.ofString("{}")));
            assertThat(answer.text()).as(route).doesNotContain("there is no route");
        }
    }

    private static Map<String, String> problems(JsonNode error) {
        Map<String, String> problems = new TreeMap<>();
        error.path("fields").forEach(f -> problems.put(f.path("field").asText(), f.path("problem").asText()));
        return problems;
    }

    private void assertNothingStarted() {
        assertThat(api.get("/api/v1/migrations").body().path("migrations")).isEmpty();
        assertThat(destination.client().listDatabaseNames().into(new ArrayList<>())).doesNotContain("__livemigrate");
    }
}
