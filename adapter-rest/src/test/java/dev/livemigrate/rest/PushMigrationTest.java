package dev.livemigrate.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoCollection;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.core.testing.MutableClock;
import dev.livemigrate.core.testing.UserAdmin;
import dev.livemigrate.core.testing.WireProxy;
import dev.livemigrate.opsmanager.FakeOpsManager;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.livemigrate.core.testing.DataAssertions.assertSameDocuments;
import static dev.livemigrate.opsmanager.FakeOpsManager.host;
import static dev.livemigrate.rest.Served.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A push migration through the public interfaces: the control plane ({@link ControlPlane}, over HTTP), a migration-host
 * agent ({@link MigrationAgent}, in this JVM, calling the control plane over loopback HTTP with a link-token), a fake
 * Ops Manager whose project names the embedded source, and an embedded destination. What the agent reports, what the
 * control plane refuses, and that no secret is in any answer or in the log (slf4j-simple writes to the System.err of
 * the moment, captured for each test).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class PushMigrationTest {

    static final String PUBLIC_KEY = "ykcmzqbd";
    static final String PRIVATE_KEY = "3b7f1c2e-9d4a-4e55-8a61-0c2f9e8d7b10";
    static final String PROJECT = "5e2211c17a3e5a48f5497de3";
    static final String CLUSTER_ID = "5e0000000000000000000001";
    static final String PASSWORD = "s3cret-Pa55word";
    private static final Namespace ORDERS = Namespace.parse("shop.orders");

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final List<String> answers = new ArrayList<>();
    private PrintStream stderr;

    @BeforeEach
    void captureLog() {
        stderr = System.err;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreLog() throws Exception {
        System.setErr(stderr);
        Files.write(Path.of("target", "PushMigrationTest.log"), log.toByteArray(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    void theHostMigratesWhatTheControlPlaneAsksAndStopsWhenItsTokenIsRevoked(@TempDir Path dir) throws Exception {
        MongoCollection<Document> orders = Served.seedOrders(source, 300);
        try (FakeOpsManager opsManager = opsManager(); Served served = new Served(dir)) {
            Api api = served.api;
            String token = linkToken(api, "127.0.0.1");
            try (MigrationAgent agent = MigrationAgent.start(settings(token, opsManager))) {
                assertThat(agent.org()).isEqualTo("acme");

                // the project, as Ops Manager describes it, listed with the host that reported it
                await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/v1/orgs/acme/availableProjects").body().size() == 1);
                JsonNode project = keep(api.get("/api/v1/orgs/acme/availableProjects")).body().get(0);
                assertThat(project.path("projectId").asText()).isEqualTo(PROJECT);
                assertThat(project.path("name").asText()).isEqualTo("Shop (production)");
                assertThat(project.path("migrationHosts")).containsExactly(JsonSupport.MAPPER.getNodeFactory().textNode("host-a"));
                JsonNode deployment = project.path("deployments").get(0);
                assertThat(JsonSupport.MAPPER.writeValueAsString(deployment)).isEqualTo("{\"clusterId\":\"" + CLUSTER_ID + "\","
                        + "\"name\":\"shop\",\"mongoDBVersion\":\"7.0.12\",\"featureCompatibilityVersion\":\"7.0\","
                        + "\"agentVersion\":\"12.0.11.7606-1\",\"dbSizeBytes\":null,\"oplogSizeMB\":1024,\"sharded\":false,"
                        + "\"tlsEnabled\":false,\"managed\":true}");

                // refusals before anything runs: an unconnected host, an unknown project or cluster
                assertError(keep(api.post("/api/v1/migrations", push("\"migrationHost\": \"ghost\"", "\"clusterId\": \"" + CLUSTER_ID + "\""))),
                        503, "MIGRATION_HOST_OFFLINE");
                assertError(keep(api.post("/api/v1/migrations", push("\"migrationHost\": \"host-a\"", "\"clusterName\": \"nope\""))),
                        400, "OPS_MANAGER_CLUSTER_NOT_FOUND");
                assertError(keep(api.post("/api/v1/migrations", push("\"migrationHost\": \"host-a\"", "\"clusterName\": \"shop\"")
                        .replace(PROJECT, "5e2211c17a3e5a48f5497de4"))), 400, "OPS_MANAGER_PROJECT_NOT_FOUND");
                assertThat(api.get("/api/v1/migrations").body().path("migrations")).isEmpty();

                Api.Reply created = keep(api.post("/api/v1/migrations", push("\"migrationHost\": \"host-a\"", "\"clusterId\": \"" + CLUSTER_ID + "\"")));
                assertThat(created.status()).as(created.text()).isEqualTo(201);
                assertThat(created.body().path("id").asText()).isEqualTo("push");

                // writes while it copies and syncs, through the source the host reaches
                for (int i = 0; i < 50; i++) {
                    orders.insertOne(new Document("_id", 1000 + i).append("code", "late" + i).append("n", i));
                }
                served.awaitState("push", "READY_TO_CUTOVER");
                orders.updateOne(new Document("_id", 7), new Document("$set", new Document("n", 7)));
                orders.deleteOne(new Document("_id", 8));
                orders.insertOne(new Document("_id", 2000).append("code", "last"));
                await().atMost(Duration.ofMinutes(1)).untilAsserted(() ->
                        assertThat(destination.client().getDatabase("shop").getCollection("orders").countDocuments()).isEqualTo(350));

                // cutover from the control plane's API; the host drains, verifies and completes
                JsonNode ready = keep(api.get("/api/v1/migrations/push")).body();
                assertThat(ready.path("readyForCutover").asBoolean()).isTrue();
                assertThat(ready.path("cutoverWindowExpiresAt").isTextual()).isTrue();
                assertThat(keep(api.put("/api/v1/migrations/push/cutover", "{\"writesStopped\": true}")).status()).isEqualTo(202);
                JsonNode done = served.awaitState("push", "COMPLETED");
                assertThat(done.path("status").asText()).isEqualTo("COMPLETE");
                assertThat(done.path("progress").path("collectionsDone").asInt()).isEqualTo(1);
                await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/v1/migrations/push/report").status() == 200);
                JsonNode report = keep(api.get("/api/v1/migrations/push/report")).body();
                assertThat(report.path("verification").asText()).isEqualTo("EQUAL");
                assertThat(report.path("collectionsCopied").asInt()).isEqualTo(1);
                assertSameDocuments(source.client(), ORDERS, destination.client(), ORDERS);

                // the token revoked: the host's next call is refused, and it stops with that code
                assertThat(api.delete("/api/v1/orgs/acme/linkTokens").status()).isEqualTo(204);
                MigrationException stop = agent.awaitStop(Duration.ofSeconds(30));
                assertThat(stop).isNotNull();
                assertThat(stop.errorCode()).isEqualTo(ErrorCode.LINK_TOKEN_INVALID);
                assertThat(stop.getMessage()).contains("revoked").doesNotContain(token);
                assertNoSecret(token);
            }
        }
    }

    @Test
    void extendPauseResumeAndCancelReachTheHost(@TempDir Path dir) throws Exception {
        Served.seedOrders(source, 100);
        try (FakeOpsManager opsManager = opsManager("12.0.10.7591-1"); Served served = new Served(dir)) {
            Api api = served.api;
            try (MigrationAgent agent = MigrationAgent.start(settings(linkToken(api, "127.0.0.1"), opsManager))) {
                await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/v1/orgs/acme/availableProjects").body().size() == 1);
                // the checks run on the host, which reaches the source; the control plane keeps the findings by id
                Api.Reply validation = api.post("/api/v1/migrations/validate", push("\"migrationHost\": \"host-a\"", "\"clusterName\": \"shop\""));
                assertThat(validation.status()).as(validation.text()).isEqualTo(200);
                assertThat(validation.body().path("status").asText()).as(validation.text()).isEqualTo("SUCCESS");
                assertThat(validation.body().path("findings")).isNotEmpty()
                        .allSatisfy(f -> assertThat(f.path("severity").asText()).isNotEqualTo("ERROR"))
                        .anySatisfy(f -> { // the source's own check, run on the host with what Ops Manager said
                            assertThat(f.path("code").asText()).isEqualTo("OPS_MANAGER_AGENT_OUTDATED");
                            assertThat(f.path("severity").asText()).isEqualTo("WARNING");
                        });
                assertThat(api.get("/api/v1/migrations/validate/" + validation.body().path("id").asText()).body()).isEqualTo(validation.body());
                assertThat(api.post("/api/v1/migrations", push("\"migrationHost\": \"host-a\"", "\"clusterName\": \"shop\"")).status())
                        .isEqualTo(201);
                Instant closes = Instant.parse(served.awaitState("push", "READY_TO_CUTOVER").path("cutoverWindowExpiresAt").asText());

                Api.Reply extended = api.post("/api/v1/migrations/push/extend");
                assertThat(extended.status()).as(extended.text()).isEqualTo(200);
                assertThat(Instant.parse(extended.body().path("cutoverWindowExpiresAt").asText())).isEqualTo(closes.plus(Duration.ofHours(24)));

                Api.Reply paused = api.post("/api/v1/migrations/push/pause");
                assertThat(paused.status()).as(paused.text()).isEqualTo(200);
                assertThat(paused.body().path("state").asText()).isEqualTo("PAUSED");
                // the host's engine refuses a second pause: its code comes back as the answer
                Api.Reply again = api.post("/api/v1/migrations/push/pause");
                assertError(again, 409, "INVALID_STATE");
                assertThat(again.body().path("detail").asText())
                        .isEqualTo("[INVALID_STATE] cannot pause while migration 'push' is PAUSED: that needs SYNCING or READY_TO_CUTOVER");

                assertThat(api.post("/api/v1/migrations/push/resume").status()).isEqualTo(200);
                served.awaitState("push", "READY_TO_CUTOVER");
                assertThat(api.post("/api/v1/migrations/push/cancel").status()).isEqualTo(202);
                served.awaitState("push", "CANCELLED");
                await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/v1/migrations/push/report").status() == 200);
                assertThat(api.get("/api/v1/migrations/push/report").body().path("state").asText()).isEqualTo("CANCELLED");
                // cancelling leaves the migrated data in place
                assertThat(destination.client().getDatabase("shop").getCollection("orders").countDocuments()).isEqualTo(100);
            }
        }
    }

    @Test
    void aRestartedControlPlaneFollowsThePushMigrationAgain(@TempDir Path dir) throws Exception {
        MongoCollection<Document> orders = Served.seedOrders(source, 100);
        try (FakeOpsManager opsManager = opsManager()) {
            ControlPlane plane = ControlPlane.start(ServeOptions.of(dir, Served.TOKEN).withPort(0));
            int port = plane.uri().getPort();
            String token = linkToken(new Api(plane.uri(), Served.TOKEN), "127.0.0.1");
            try (MigrationAgent agent = MigrationAgent.start(settings(token, opsManager))) {
                Api api = new Api(plane.uri(), Served.TOKEN);
                await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/v1/orgs/acme/availableProjects").body().size() == 1);
                assertThat(api.post("/api/v1/migrations", push("\"migrationHost\": \"host-a\"", "\"clusterName\": \"shop\"")).status())
                        .isEqualTo(201);
                await().atMost(Duration.ofMinutes(1)).until(() -> api.get("/api/v1/migrations/push").body().path("state").asText()
                        .equals("READY_TO_CUTOVER"));
                plane.close();
                orders.insertOne(new Document("_id", 5000).append("code", "while-down")); // the host keeps syncing

                // the same address (the token carries it) and data directory: the migration is followed again
                try (ControlPlane again = ControlPlane.start(ServeOptions.of(dir, Served.TOKEN).withPort(port))) {
                    Api restarted = new Api(again.uri(), Served.TOKEN);
                    await().atMost(Duration.ofSeconds(30)).until(() -> restarted.get("/api/v1/migrations/push").body()
                            .path("readyForCutover").asBoolean());
                    assertThat(keep(restarted.put("/api/v1/migrations/push/cutover", "{\"writesStopped\": true}")).status()).isEqualTo(202);
                    await().atMost(Duration.ofMinutes(1)).until(() -> restarted.get("/api/v1/migrations/push").body().path("state")
                            .asText().equals("COMPLETED"));
                }
            }
        }
        assertSameDocuments(source.client(), ORDERS, destination.client(), ORDERS);
    }

    /**
     * A destination whose operator's user may not create users: {@code createUser} answered {@code Unauthorized} (13) as
     * MongoDB answers it (https://www.mongodb.com/docs/manual/reference/command/createUser/, "Required Access": the
     * createUser action; the code from src/mongo/base/error_codes.yml), played by {@link UserAdmin} in front of the
     * embedded destination. The host is given the destination connection string itself, the migration shows why,
     * and no {@code dropUser} follows its end.
     */
    @Test
    void aDestinationThatRefusesCreateUserIsHandedOverAsItIs(@TempDir Path dir) throws Exception {
        Served.seedOrders(source, 100);
        UserAdmin users = new UserAdmin("operator", PASSWORD).refuseCreateUser();
        try (WireProxy proxy = WireProxy.inFrontOf(destination, users); FakeOpsManager opsManager = opsManager();
             Served served = new Served(dir)) {
            Api api = served.api;
            String token = linkToken(api, "127.0.0.1");
            try (MigrationAgent agent = MigrationAgent.start(settings(token, opsManager))) {
                await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/v1/orgs/acme/availableProjects").body().size() == 1);
                String guarded = proxy.connectionString().replace("://", "://operator:" + PASSWORD + "@") + "&authMechanism=SCRAM-SHA-256";
                Api.Reply created = keep(api.post("/api/v1/migrations", push("\"migrationHost\": \"host-a\"", "\"clusterName\": \"shop\"")
                        .replace(destination.connectionString(), guarded)));
                assertThat(created.status()).as(created.text()).isEqualTo(201);
                JsonNode ready = served.awaitState("push", "READY_TO_CUTOVER");
                assertThat(ready.path("warnings")).extracting(JsonNode::asText).containsExactly("the destination's user may not create"
                        + " users (Unauthorized, code 13): the migration host was given the destination connection string itself; to"
                        + " hand it a temporary user instead, give a destination user with the userAdminAnyDatabase role");
                assertThat(proxy.commands("createUser")).hasSize(1);
                assertThat(users.knows(proxy.commands("createUser").get(0).body().getString("createUser").getValue())).isFalse();
                // every connection to the destination, the host's included, authenticated as the operator's user
                assertThat(proxy.commands("saslStart")).isNotEmpty().allSatisfy(c -> assertThat(new String(c.body().getBinary("payload")
                        .getData(), StandardCharsets.UTF_8)).startsWith("n,,n=operator,r="));

                assertThat(api.post("/api/v1/migrations/push/cancel").status()).isEqualTo(202);
                served.awaitState("push", "CANCELLED");
                await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/v1/migrations/push/report").status() == 200);
                assertThat(proxy.commands("dropUser")).isEmpty();
            }
            assertThat(log.toString(StandardCharsets.UTF_8)).contains("migration push: the destination's user may not create users"
                    + " (Unauthorized, code 13)");
            assertNoSecret(token);
        }
    }

    @Test
    void anExpiredOrTamperedTokenKeepsTheAgentOut(@TempDir Path dir) throws Exception {
        int port;
        try (Served first = new Served(dir)) { // the address the token names, and a server key in the data directory
            port = first.plane.uri().getPort();
        }
        // made two hours ago for one hour, with the server's key, and stored as the organization's current token
        Instant made = Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS);
        String expired = new LinkTokens(new DataDir(dir), new MutableClock(made)).create("acme",
                new AccessList(List.of(AccessList.parse("127.0.0.1/32"))), URI.create("http://127.0.0.1:" + port), Duration.ofHours(1)).token();
        try (FakeOpsManager opsManager = opsManager(); ControlPlane plane = ControlPlane.start(ServeOptions.of(dir, Served.TOKEN).withPort(port))) {
            assertThatThrownBy(() -> MigrationAgent.start(settings(expired, opsManager))).isInstanceOfSatisfying(MigrationException.class, e -> {
                assertThat(e.errorCode()).isEqualTo(ErrorCode.LINK_TOKEN_INVALID);
                assertThat(e.getMessage()).contains("refused the agent (401)", "expired at " + made.plus(Duration.ofHours(1)))
                        .doesNotContain(expired);
            });

            // a current token whose payload names another organization, its signature kept
            String token = linkToken(new Api(plane.uri(), Served.TOKEN), "127.0.0.1");
            String[] parts = token.split("\\.");
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("\"org\":\"acme\"",
                    "\"org\":\"other\"");
            String tampered = parts[0] + "." + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
            assertThat(tampered).isNotEqualTo(token);
            assertThatThrownBy(() -> MigrationAgent.start(settings(tampered, opsManager))).isInstanceOfSatisfying(MigrationException.class, e -> {
                assertThat(e.errorCode()).isEqualTo(ErrorCode.LINK_TOKEN_INVALID);
                assertThat(e.getMessage()).contains("refused the agent (401): the link-token was refused: its signature does not match")
                        .doesNotContain(tampered);
            });
            assertThat(keep(new Api(plane.uri(), Served.TOKEN).get("/api/v1/orgs/acme/availableProjects")).body()).isEmpty();
            assertThat(keep(new Api(plane.uri(), Served.TOKEN).get("/api/v1/orgs/other/availableProjects")).body()).isEmpty();
            assertNoSecret(expired);
            assertNoSecret(tampered);
        }
    }

    /**
     * A CA file missing on the host, to a destination with access control ({@link UserAdmin} in front of the embedded
     * one): the finding, and a refused start that leaves neither a migration nor its temporary user behind.
     */
    @Test
    void aCaFileMissingOnTheHostIsAnErrorFindingWithItsRemedy(@TempDir Path dir) throws Exception {
        UserAdmin users = new UserAdmin("operator", PASSWORD);
        try (WireProxy proxy = WireProxy.inFrontOf(destination, users); FakeOpsManager opsManager = opsManager();
             Served served = new Served(dir)) {
            String token = linkToken(served.api, "127.0.0.1");
            try (MigrationAgent agent = MigrationAgent.start(settings(token, opsManager))) {
                await().atMost(Duration.ofSeconds(30)).until(() -> served.api.get("/api/v1/orgs/acme/availableProjects").body().size() == 1);
                String guarded = proxy.connectionString().replace("://", "://operator:" + PASSWORD + "@") + "&authMechanism=SCRAM-SHA-256";
                String body = push("\"migrationHost\": \"host-a\"", "\"clusterName\": \"shop\", \"caFile\": \"/nonexistent/host-ca.pem\"")
                        .replace(destination.connectionString(), guarded);
                Api.Reply validation = keep(served.api.post("/api/v1/migrations/validate", body));
                assertThat(validation.body().path("status").asText()).as(validation.text()).isEqualTo("FAILED");
                JsonNode finding = validation.body().path("findings").get(0);
                assertThat(JsonSupport.MAPPER.writeValueAsString(finding)).isEqualTo("{\"code\":\"CA_FILE_UNREADABLE\",\"severity\":\"ERROR\","
                        + "\"message\":\"[CA_FILE_UNREADABLE] the CA file /nonexistent/host-ca.pem does not exist or cannot be read: give the path of a readable PEM"
                        + " file\",\"remedy\":\"give the path of the CA certificate (PEM) that signed the source's server certificates\"}");
                // a start is refused with the same finding, and nothing is kept
                Api.Reply refused = keep(served.api.post("/api/v1/migrations", body));
                assertThat(refused.status()).as(refused.text()).isEqualTo(400);
                assertThat(refused.body().path("errorCode").asText()).isEqualTo("CA_FILE_UNREADABLE");
                assertThat(keep(served.api.get("/api/v1/migrations")).body().path("migrations")).isEmpty();
                // the temporary user made for the start is dropped at once, and nothing of the migration is stored
                assertThat(proxy.commands("createUser")).hasSize(1);
                String temporary = proxy.commands("createUser").get(0).body().getString("createUser").getValue();
                assertThat(proxy.commands("dropUser")).extracting(c -> c.body().getString("dropUser").getValue()).containsExactly(temporary);
                assertThat(users.knows(temporary)).isFalse();
                Path stored = dir.resolve(MigrationStore.FILE);
                assertThat(Files.exists(stored) ? Files.readString(stored) : "").doesNotContain("\"push\"", temporary);
            }
            assertNoSecret(token);
        }
    }

    @Test
    void theHostsHelloFromOutsideTheAccessListIsRefused(@TempDir Path dir) throws Exception {
        try (FakeOpsManager opsManager = opsManager(); Served served = new Served(dir)) {
            String token = linkToken(served.api, "10.0.0.0/24");

            assertThatThrownBy(() -> MigrationAgent.start(settings(token, opsManager)))
                    .isInstanceOfSatisfying(MigrationException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo(ErrorCode.ACCESS_LIST_DENIED);
                        assertThat(e.getMessage()).contains("127.0.0.1").doesNotContain(token);
                    });
            assertThat(keep(served.api.get("/api/v1/orgs/acme/availableProjects")).body()).isEmpty();
            assertNoSecret(token);
        }
    }

    @Test
    void aSecondAgentWithAConnectedOnesNameIsStopped(@TempDir Path dir) throws Exception {
        try (FakeOpsManager opsManager = opsManager(); Served served = new Served(dir)) {
            String token = linkToken(served.api, "127.0.0.1");
            try (MigrationAgent first = MigrationAgent.start(settings(token, opsManager))) {
                await().atMost(Duration.ofSeconds(30)).until(() -> served.api.get("/api/v1/orgs/acme/availableProjects").body().size() == 1);
                try (MigrationAgent second = MigrationAgent.start(settings(token, opsManager))) {
                    MigrationException stop = second.awaitStop(Duration.ofSeconds(30));
                    assertThat(stop.errorCode()).isEqualTo(ErrorCode.MIGRATION_HOST_CONFLICT);
                    assertThat(stop.getMessage()).contains("another agent named 'host-a' of organization 'acme' is connected");
                }
                // the first goes on
                assertThat(keep(served.api.get("/api/v1/orgs/acme/availableProjects")).body().get(0).path("migrationHosts").get(0).asText())
                        .isEqualTo("host-a");
            }
            assertNoSecret(token);
        }
    }

    @Test
    void theTypedPasswordIsNeverEchoed(@TempDir Path dir) throws Exception {
        try (FakeOpsManager opsManager = opsManager(); Served served = new Served(dir)) {
            String token = linkToken(served.api, "127.0.0.1");
            try (MigrationAgent agent = MigrationAgent.start(settings(token, opsManager))) {
                await().atMost(Duration.ofSeconds(30)).until(() -> served.api.get("/api/v1/orgs/acme/availableProjects").body().size() == 1);
                // a monitored cluster's user: the embedded server knows no user, so the host's checks and start are refused
                Api.Reply validation = keep(served.api.post("/api/v1/migrations/validate", push("\"migrationHost\": \"host-a\"",
                        "\"clusterName\": \"shop\", \"username\": \"migrator\", \"password\": \"" + PASSWORD + "\"")));
                assertThat(validation.body().path("status").asText()).as(validation.text()).isEqualTo("FAILED");
                assertThat(validation.body().path("findings").get(0).path("code").asText()).isEqualTo("SOURCE_AUTHENTICATION_FAILED");
                Api.Reply refused = keep(served.api.post("/api/v1/migrations", push("\"migrationHost\": \"host-a\"",
                        "\"clusterName\": \"shop\", \"username\": \"migrator\", \"password\": \"" + PASSWORD + "\"")));
                // the host's refusal, relayed with its code; the connection string it names has the password hidden
                assertError(refused, 502, "SOURCE_UNREACHABLE");
                assertThat(refused.body().path("detail").asText()).contains("mongodb://migrator:<hidden>@127.0.0.1:" + source.port(),
                        "authentication failed");
                assertThat(keep(served.api.get("/api/v1/migrations")).body().path("migrations")).isEmpty();
            }
            assertNoSecret(token);
        }
    }

    @Test
    void aPushSourceIsCheckedFieldByField(@TempDir Path dir) {
        try (Served served = new Served(dir)) {
            Api.Reply reply = served.api.post("/api/v1/migrations", "{\"source\": {\"orgId\": \"acme\", \"migrationHost\": \"h\","
                    + " \"clusterId\": \"c\", \"clusterName\": \"shop\", \"password\": \"" + PASSWORD + "\", \"uri\": \"mongodb://x\"},"
                    + " \"destination\": {\"uri\": \"" + destination.connectionString() + "\"}}");
            assertError(reply, 400, "INVALID_REQUEST", "fields");
            List<String> fields = new ArrayList<>();
            reply.body().path("fields").forEach(f -> fields.add(f.path("field").asText()));
            assertThat(fields).containsExactlyInAnyOrder("source.uri", "source.projectId", "source.clusterId", "source.password");
            assertThat(reply.text()).doesNotContain(PASSWORD);
            assertError(served.api.post("/api/v1/migrations/validate", push("\"migrationHost\": \"h\"", "\"clusterName\": \"shop\"")),
                    503, "MIGRATION_HOST_OFFLINE");
        }
    }

    private FakeOpsManager opsManager() throws Exception {
        return opsManager("12.0.11.7606-1");
    }

    private FakeOpsManager opsManager(String agentVersion) throws Exception {
        return new FakeOpsManager(PUBLIC_KEY, PRIVATE_KEY, PROJECT)
                .cluster("shop", null, "REPLICA_SET", List.of(host("127.0.0.1", source.port(), null, false)))
                .automation(agentVersion, "7.0.12", "7.0", 1024, "127.0.0.1:" + source.port());
    }

    private AgentSettings settings(String token, FakeOpsManager opsManager) {
        return AgentSettings.builder().linkToken(token).name("host-a").opsManager(opsManager.baseUrl(), PUBLIC_KEY, PRIVATE_KEY)
                .project(PROJECT).pollInterval(Duration.ofMillis(100)).build();
    }

    private String linkToken(Api api, String accessList) {
        Api.Reply reply = api.post("/api/v1/orgs/acme/linkTokens", "{\"accessListIps\": [\"" + accessList + "\"]}");
        assertThat(reply.status()).as(reply.text()).isEqualTo(201);
        return reply.body().path("linkToken").asText();
    }

    private String push(String host, String cluster) {
        return "{\"source\": {\"orgId\": \"acme\", \"projectId\": \"" + PROJECT + "\", " + cluster + ", " + host + "},"
                + " \"destination\": {\"uri\": \"" + destination.connectionString() + "\"}, \"includeNamespaces\": [\"shop.*\"],"
                + " \"lagThreshold\": \"5s\", \"migrationId\": \"push\"}";
    }

    private Api.Reply keep(Api.Reply reply) {
        answers.add(reply.text());
        return reply;
    }

    /** Neither the link-token, nor the private key, nor the typed password is in an answer or in the log. */
    private void assertNoSecret(String token) {
        String logged = log.toString(StandardCharsets.UTF_8);
        assertThat(logged).as("the captured log").isNotEmpty().doesNotContain(token, PRIVATE_KEY, PASSWORD);
        assertThat(String.join("\n", answers)).doesNotContain(token, PRIVATE_KEY, PASSWORD);
    }
}
