package dev.livemigrate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoCollection;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.core.testing.UserAdmin;
import dev.livemigrate.core.testing.WireProxy;
import dev.livemigrate.opsmanager.FakeOpsManager;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static dev.livemigrate.core.testing.DataAssertions.assertSameDocuments;
import static dev.livemigrate.opsmanager.FakeOpsManager.host;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A push migration end to end, with the control plane ({@code livemigrate serve}) and the migration host
 * ({@code livemigrate agent}) each a JVM of its own on loopback, and in this JVM an embedded source and destination, a
 * fake Ops Manager ({@link FakeOpsManager}: digest auth, the documented shapes) whose project names the source, and an
 * application writing to the source: the link-token is made through the control plane's API, the agent connects with
 * it, the project is listed by {@code availableProjects}, the migration is validated and started through the API while
 * the application writes, cut over through the API, and the destination ends byte for byte equal to the source.
 *
 * <p>The destination has access control, played by a {@link UserAdmin} proxy in front of the embedded destination
 * (which has none): the control plane is given its operator's user, makes a temporary user for the host with
 * {@code createUser} (https://www.mongodb.com/docs/manual/reference/command/createUser/), the agent authenticates as
 * that user, and the control plane drops it with {@code dropUser}
 * (https://www.mongodb.com/docs/manual/reference/command/dropUser/) once the migration completed. Neither the
 * link-token, nor the Ops Manager private key, nor the temporary user's password is in either process's output or log
 * or in an answer of the API.
 */
class PushProcessesTest {

    private static final String API_TOKEN = "push-processes-test-api-token";
    private static final String PUBLIC_KEY = "ykcmzqbd";
    private static final String PRIVATE_KEY = "3b7f1c2e-9d4a-4e55-8a61-0c2f9e8d7b10";
    private static final String PROJECT = "5e2211c17a3e5a48f5497de3";
    private static final Namespace ORDERS = Namespace.parse("shop.orders");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The children log at INFO (the jar's default is WARN), so that the secret checks cover every line they log. */
    private static final Map<String, String> INFO_LOG = Map.of("JAVA_TOOL_OPTIONS", "-Dorg.slf4j.simpleLogger.defaultLogLevel=info");

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    private static final String ADMIN_PASSWORD = "0perator-Pa55";

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> answers = new ArrayList<>();
    private final UserAdmin users = new UserAdmin("operator", ADMIN_PASSWORD);
    private WireProxy guarded;
    private URI base;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void theControlPlaneDrivesAnAgentProcessThroughAPushMigration(@TempDir Path dir) throws Exception {
        MongoCollection<Document> orders = source.client().getDatabase("shop").getCollection("orders");
        for (int i = 0; i < 500; i++) {
            orders.insertOne(new Document("_id", i).append("code", "c" + i).append("n", 0));
        }
        guarded = WireProxy.inFrontOf(destination, users);
        List<String> secrets = new ArrayList<>();
        Path serveErr = dir.resolve("serve.err");
        Path agentErr = dir.resolve("agent.err");
        try (WireProxy proxy = guarded; FakeOpsManager opsManager = new FakeOpsManager(PUBLIC_KEY, PRIVATE_KEY, PROJECT)
                .cluster("shop", null, "REPLICA_SET", List.of(host("127.0.0.1", source.port(), null, false)))
                .automation("12.0.11.7606-1", "7.0.12", "7.0", 1024, "127.0.0.1:" + source.port());
             CliProcess serve = new CliProcess(Map.of("LIVEMIGRATE_API_TOKEN", API_TOKEN,
                     "JAVA_TOOL_OPTIONS", INFO_LOG.get("JAVA_TOOL_OPTIONS")), ProcessBuilder.Redirect.to(serveErr.toFile()),
                     "serve", "--port", "0", "--data-dir", dir.resolve("serve").toString())) {
            serve.awaitUnlessEnded(Duration.ofMinutes(1), "listening", () -> serve.lines.stream().anyMatch(l -> l.startsWith("listening on ")));
            String listening = serve.lines.stream().filter(l -> l.startsWith("listening on ")).findFirst()
                    .orElseThrow(() -> new AssertionError("serve ended: " + serve.lines));
            base = URI.create(listening.substring("listening on ".length()));

            // 1. the link-token, through the control plane's API
            JsonNode created = call("POST", "/api/v1/orgs/acme/linkTokens", "{\"accessListIps\": [\"127.0.0.1\"]}", 201);
            String token = created.path("linkToken").asText();
            Path tokenFile = Files.writeString(dir.resolve("token"), token + "\n");
            Path keyFile = Files.writeString(dir.resolve("key"), PRIVATE_KEY);

            // 2. the agent, a process of its own beside the source
            try (CliProcess agent = new CliProcess(INFO_LOG, ProcessBuilder.Redirect.to(agentErr.toFile()), "agent", "--link-token",
                    "@" + tokenFile, "--name", "host-e2e", "--ops-manager-url", opsManager.baseUrl(), "--ops-manager-public-key",
                    PUBLIC_KEY, "--ops-manager-private-key", "@" + keyFile, "--project", PROJECT, "--poll-interval", "200ms")) {
                agent.awaitUnlessEnded(Duration.ofMinutes(1), "connected", () -> !agent.lines.isEmpty());
                assertThat(agent.lines).as(Files.readString(agentErr)).containsExactly("migration host host-e2e connected to " + base
                        + " (organization acme), reporting projects [" + PROJECT + "]");

                // 3. the project the host reported, listed by the control plane
                await().atMost(Duration.ofSeconds(30)).until(() -> call("GET", "/api/v1/orgs/acme/availableProjects", null, 200).size() == 1);
                JsonNode project = call("GET", "/api/v1/orgs/acme/availableProjects", null, 200).get(0);
                assertThat(project.path("projectId").asText()).isEqualTo(PROJECT);
                assertThat(project.path("migrationHosts").toString()).isEqualTo("[\"host-e2e\"]");
                assertThat(project.path("deployments").get(0).path("name").asText()).isEqualTo("shop");
                assertThat(project.path("deployments").get(0).path("agentVersion").asText()).isEqualTo("12.0.11.7606-1");

                // 4. validated on the host, through the control plane
                JsonNode validation = call("POST", "/api/v1/migrations/validate", body(), 200);
                assertThat(validation.path("status").asText()).as(validation.toString()).isEqualTo("SUCCESS");
                assertThat(validation.path("findings")).allSatisfy(f -> assertThat(f.path("severity").asText()).isNotEqualTo("ERROR"));

                // 5. started while the application writes to the source
                AtomicBoolean writing = new AtomicBoolean(true);
                AtomicInteger writes = new AtomicInteger();
                Thread application = new Thread(() -> write(orders, writing, writes), "application");
                application.start();
                try {
                    JsonNode migration = call("POST", "/api/v1/migrations", body(), 201);
                    assertThat(migration.path("id").asText()).isEqualTo("e2e");
                    await().atMost(Duration.ofMinutes(2)).until(() -> call("GET", "/api/v1/migrations/e2e", null, 200)
                            .path("readyForCutover").asBoolean());
                    await().atMost(Duration.ofSeconds(30)).until(() -> writes.get() >= 100); // some changes went by sync
                } finally {
                    writing.set(false);
                    application.join();
                }

                // the host was given a temporary user, made by the control plane with the operator's user
                List<WireProxy.Command> creations = proxy.commands("createUser");
                assertThat(creations).hasSize(1);
                BsonDocument createUser = creations.get(0).body();
                String temporary = createUser.getString("createUser").getValue();
                String password = createUser.getString("pwd").getValue();
                assertThat(temporary).matches("livemigrate-agent-[0-9a-f]{16}");
                assertThat(password).hasSizeGreaterThanOrEqualTo(32);
                assertThat(creations.get(0).database()).isEqualTo("admin");
                assertThat(createUser.getArray("roles")).isEqualTo(BsonArray.parse("[{role: 'readWriteAnyDatabase', db: 'admin'},"
                        + " {role: 'dbAdminAnyDatabase', db: 'admin'}, {role: 'restore', db: 'admin'}]"));
                assertThat(users.knows(temporary)).isTrue();
                assertThat(authenticatedAs(proxy)).contains(temporary);

                // 6. cutover from the control plane, once the application stopped writing
                int beforeCutover = proxy.commands().size();
                call("PUT", "/api/v1/migrations/e2e/cutover", "{\"writesStopped\": true}", 202);
                await().atMost(Duration.ofMinutes(2)).until(() -> call("GET", "/api/v1/migrations/e2e", null, 200).path("state").asText()
                        .equals("COMPLETED"));
                await().atMost(Duration.ofSeconds(30)).until(() -> status("GET", "/api/v1/migrations/e2e/report") == 200);
                JsonNode report = call("GET", "/api/v1/migrations/e2e/report", null, 200);
                assertThat(report.path("verification").asText()).as(report.toString()).isEqualTo("EQUAL");
                assertThat(report.path("changesApplied").asLong()).as(report.toString()).isPositive();
                assertSameDocuments(source.client(), ORDERS, destination.client(), ORDERS);

                // 7. the temporary user dropped by the control plane, after the cutover, and only then
                await().atMost(Duration.ofSeconds(30)).until(() -> !proxy.commands("dropUser").isEmpty());
                List<WireProxy.Command> commands = proxy.commands();
                List<WireProxy.Command> dropped = proxy.commands("dropUser");
                assertThat(dropped).hasSize(1);
                assertThat(dropped.get(0).body().getString("dropUser").getValue()).isEqualTo(temporary);
                assertThat(dropped.get(0).database()).isEqualTo("admin");
                assertThat(commands.indexOf(dropped.get(0))).isGreaterThan(beforeCutover);
                assertThat(users.knows(temporary)).isFalse();
                // the control plane forgets the user once the drop is answered: no warning about it is left
                await().atMost(Duration.ofSeconds(30)).until(() -> call("GET", "/api/v1/migrations/e2e", null, 200).path("warnings").isEmpty());
                assertThat(String.join("\n", answers)).doesNotContain(password, ADMIN_PASSWORD, PRIVATE_KEY); // the token is in its creation's answer only
                secrets.add(password);

                // both stop on SIGTERM (through the handle, so their last words are read)
                assertThat(agent.process.toHandle().destroy()).isTrue();
                assertThat(agent.process.waitFor(1, TimeUnit.MINUTES)).isTrue();
                agent.awaitOutput();
            }
            assertThat(serve.process.toHandle().destroy()).isTrue();
            assertThat(serve.process.waitFor(1, TimeUnit.MINUTES)).isTrue();
            serve.awaitOutput();
            String everything = String.join("\n", serve.lines) + Files.readString(serveErr) + Files.readString(agentErr);
            assertThat(Files.readString(agentErr)).as("the agent's log").contains("migration e2e (attempt 1) starts on host-e2e");
            assertThat(Files.readString(serveErr)).as("the control plane's log")
                    .contains("migration e2e assigned to migration host host-e2e of organization acme (attempt 1)");
            secrets.add(token);
            assertThat(everything).doesNotContain(secrets.toArray(String[]::new)).doesNotContain(PRIVATE_KEY, ADMIN_PASSWORD);
        }
    }

    /** Inserts, updates and deletes, throttled (the embedded oplog is rescanned per read), until told to stop. */
    private static void write(MongoCollection<Document> orders, AtomicBoolean writing, AtomicInteger writes) {
        for (int op = 0; writing.get() && op < 20_000; op++) {
            switch (op % 3) {
                case 0 -> orders.insertOne(new Document("_id", 10_000 + op).append("code", "w" + op).append("n", op));
                case 1 -> orders.updateOne(new Document("_id", op % 500), new Document("$inc", new Document("n", 1)));
                default -> orders.deleteOne(new Document("_id", 10_000 + op - 2));
            }
            writes.incrementAndGet();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    /** The users named by each {@code saslStart} (client-first message {@code n,,n=USER,r=NONCE}) the proxy received. */
    private static List<String> authenticatedAs(WireProxy proxy) {
        return proxy.commands("saslStart").stream().map(c -> new String(c.body().getBinary("payload").getData(), StandardCharsets.UTF_8))
                .map(p -> p.substring(p.indexOf("n=", 3) + 2, p.indexOf(",r="))).toList();
    }

    private String body() {
        return "{\"source\": {\"orgId\": \"acme\", \"projectId\": \"" + PROJECT + "\", \"clusterName\": \"shop\", \"migrationHost\":"
                + " \"host-e2e\"}, \"destination\": {\"uri\": \"" + guarded.connectionString().replace("://", "://operator:" + ADMIN_PASSWORD + "@")
                + "&authMechanism=SCRAM-SHA-256\"}, \"includeNamespaces\":"
                + " [\"shop.*\"], \"lagThreshold\": \"5s\", \"migrationId\": \"e2e\"}";
    }

    private JsonNode call(String method, String path, String body, int expected) throws Exception {
        HttpResponse<String> response = send(method, path, body);
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(expected);
        answers.add(response.body());
        return JSON.readTree(response.body());
    }

    private int status(String method, String path) throws Exception {
        return send(method, path, null).statusCode();
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + API_TOKEN)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
