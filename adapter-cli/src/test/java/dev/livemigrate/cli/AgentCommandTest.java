package dev.livemigrate.cli;

import dev.livemigrate.opsmanager.FakeOpsManager;
import dev.livemigrate.rest.ControlPlane;
import dev.livemigrate.rest.ServeOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.livemigrate.opsmanager.FakeOpsManager.host;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code livemigrate agent} in this JVM against a control plane and a fake Ops Manager started here: it connects with a
 * link-token read from a file, its project is listed by the control plane, and revoking the token makes it exit with
 * {@code LINK_TOKEN_INVALID}'s exit code. Neither the token nor the private key is in its output or in the log
 * (slf4j-simple writes to the System.err of the moment, captured here).
 */
class AgentCommandTest {

    private static final String API_TOKEN = "agent-command-test-token";
    private static final String PUBLIC_KEY = "ykcmzqbd";
    private static final String PRIVATE_KEY = "3b7f1c2e-9d4a-4e55-8a61-0c2f9e8d7b10";
    private static final String PROJECT = "5e2211c17a3e5a48f5497de3";

    @Test
    void connectsReportsAndExitsWithTheCodeOfARevokedToken(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try (ControlPlane plane = ControlPlane.start(ServeOptions.of(dir.resolve("serve"), API_TOKEN).withPort(0));
             FakeOpsManager opsManager = new FakeOpsManager(PUBLIC_KEY, PRIVATE_KEY, PROJECT)
                     .cluster("shop", null, "REPLICA_SET", List.of(host("db1.example.net", 27017, null, false)))) {
            String created = call(plane.uri(), "POST", "/api/v1/orgs/acme/linkTokens", "{\"accessListIps\": [\"127.0.0.1\"]}");
            Matcher m = Pattern.compile("\"linkToken\":\"([^\"]+)\"").matcher(created);
            assertThat(m.find()).as(created).isTrue();
            String token = m.group(1);
            Path tokenFile = Files.writeString(dir.resolve("token"), token + "\n");
            Path keyFile = Files.writeString(dir.resolve("key"), PRIVATE_KEY);

            try (CliRun agent = new CliRun("agent", "--link-token", "@" + tokenFile, "--name", "host-cli", "--ops-manager-url",
                    opsManager.baseUrl(), "--ops-manager-public-key", PUBLIC_KEY, "--ops-manager-private-key", "@" + keyFile,
                    "--project", PROJECT, "--poll-interval", "100ms")) {
                await().atMost(Duration.ofMinutes(1)).until(() -> !agent.lines().isEmpty() || !agent.err().isEmpty());
                assertThat(agent.err()).isEmpty();
                assertThat(agent.lines()).containsExactly("migration host host-cli connected to " + plane.uri() + " (organization acme),"
                        + " reporting projects [" + PROJECT + "]");
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        call(plane.uri(), "GET", "/api/v1/orgs/acme/availableProjects", null).contains("\"migrationHosts\":[\"host-cli\"]"));

                call(plane.uri(), "DELETE", "/api/v1/orgs/acme/linkTokens", null);

                assertThat(agent.awaitExit()).isEqualTo(2);
                assertThat(agent.err()).startsWith("error: [LINK_TOKEN_INVALID] the control plane at " + plane.uri() + " refused the"
                        + " agent (401): the link-token was refused: organization 'acme' has no link-token: it was revoked.");
                assertThat(String.join("\n", agent.lines()) + agent.err()).doesNotContain(token, PRIVATE_KEY);
            }
            System.err.flush();
            assertThat(log.toString(StandardCharsets.UTF_8)).contains("migration host host-cli stops: [LINK_TOKEN_INVALID]")
                    .doesNotContain(token, PRIVATE_KEY);
        } finally {
            System.setErr(stderr);
        }
    }

    @Test
    void namesBothWaysToGiveAMissingPrivateKey() throws Exception {
        try (CliRun agent = new CliRun("agent", "--link-token", "lmlt1.e30.x", "--ops-manager-url", "https://cloud.mongodb.com",
                "--ops-manager-public-key", PUBLIC_KEY, "--project", PROJECT)) {
            assertThat(agent.awaitExit()).isEqualTo(2);
            assertThat(agent.err()).isEqualTo("error: [INVALID_SPEC] no ops manager private key given: pass --ops-manager-private-key"
                    + " @FILE (a file holding it), or set " + AgentCommand.PRIVATE_KEY_VARIABLE + "\n");
        }
    }

    private static String call(URI server, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.resolve(path)).header("Authorization", "Bearer " + API_TOKEN)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
