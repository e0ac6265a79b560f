package dev.livemigrate.cli;

import dev.livemigrate.rest.ControlPlane;
import dev.livemigrate.rest.ServeOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code livemigrate link create|delete} in this JVM against a control plane started here: the token printed once
 * is one the server accepts, delete revokes it, and a refusal exits 2 with the server's code, message and fields.
 * The API token reaches the command through an environment variable ({@code --token-env}); a test cannot set one,
 * so the server is started with the value of one every JVM here has ({@code PATH}).
 */
class LinkCommandTest {

    private static final String VARIABLE = "PATH";

    @Test
    void createsPrintsAndRevokesALinkTokenOnARunningServer(@TempDir Path dir) throws Exception {
        try (ControlPlane plane = ControlPlane.start(ServeOptions.of(dir, System.getenv(VARIABLE)).withPort(0))) {
            String server = plane.uri().toString();
            Run created = run("link", "create", "--org", "acme", "--access-list-ip", "127.0.0.1", "--access-list-ip", "10.0.0.0/24",
                    "--server", server, "--token-env", VARIABLE);
            assertThat(created.exit()).as(created.err()).isZero();
            List<String> lines = created.out().lines().toList();
            assertThat(lines).hasSize(2);
            assertThat(lines.get(0)).startsWith("link-token of organization acme (key id lt")
                    .endsWith("access list [\"127.0.0.1/32\",\"10.0.0.0/24\"]); shown this once, the server keeps only its hash:");
            String token = lines.get(1);
            assertThat(token).startsWith("lmlt1.");
            assertThat(hello(plane.uri(), token)).isEqualTo(200);

            Run deleted = run("link", "delete", "--org", "acme", "--server", server, "--token-env", VARIABLE);
            assertThat(deleted.exit()).as(deleted.err()).isZero();
            assertThat(deleted.out()).isEqualTo("link-token of organization acme revoked\n");
            assertThat(hello(plane.uri(), token)).isEqualTo(401);

            Run again = run("link", "delete", "--org", "acme", "--server", server, "--token-env", VARIABLE);
            assertThat(again.exit()).isEqualTo(2);
            assertThat(again.err()).isEqualTo("error: [NOT_FOUND] organization 'acme' has no link-token to revoke\n");

            Run open = run("link", "create", "--org", "acme", "--access-list-ip", "0.0.0.0/0", "--server", server,
                    "--token-env", VARIABLE);
            assertThat(open.exit()).isEqualTo(2);
            assertThat(open.err()).startsWith("error: [INVALID_REQUEST] 1 field(s) of the link-token request are wrong")
                    .contains("\n  accessListIps[0]: '0.0.0.0/0': a /0 block lets every address in");
            assertThat(open.out()).isEmpty();
        }
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = LivemigrateCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    private static int hello(URI server, String token) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.resolve("/api/v1/agent/hello"))
                .header("Authorization", "LinkToken " + token).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
