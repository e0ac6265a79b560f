package dev.livemigrate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code livemigrate link create|delete}: the link-token routes of a running control plane ({@code livemigrate
 * serve}), called over HTTP with the API token read from an environment variable. {@code create} prints the token
 * once; neither keeps anything. A refusal by the server exits 2 with its error code and message (and each bad field).
 */
@Command(name = "link", mixinStandardHelpOptions = true, subcommands = {LinkCommand.Create.class, LinkCommand.Delete.class},
        description = "Creates or revokes an organization's link-token on a running control plane (livemigrate serve).")
final class LinkCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where the server is and how to authenticate to it; shared by both subcommands. */
    static class ServerOptions {
        @Option(names = "--org", required = true, paramLabel = "ORG", description = "The organization id.")
        String org;
        @Option(names = "--server", paramLabel = "URL", defaultValue = "http://127.0.0.1:8080",
                description = "The control plane (default ${DEFAULT-VALUE}).")
        URI server;
        @Option(names = "--token-env", paramLabel = "NAME", defaultValue = ServeCommand.TOKEN_VARIABLE,
                description = "The environment variable holding the server's API token (default ${DEFAULT-VALUE}).")
        String tokenEnv;

        private static final ObjectMapper JSON = new ObjectMapper();

        /** Sends the request to the org's link-token route; the server's answer, or its refusal as an exception. */
        JsonNode send(String method, String body) {
            String token = System.getenv(tokenEnv);
            if (token == null || token.isBlank()) {
                throw new MigrationException(ErrorCode.UNAUTHORIZED, "the environment variable " + tokenEnv + " is not set:"
                        + " set it to the server's API token (or name another variable with --token-env)");
            }
            URI uri;
            try { // the org is quoted into the path as it is; the server says whether it is valid
                uri = new URI(server.getScheme(), server.getRawAuthority(), "/api/v1/orgs/" + org + "/linkTokens", null, null);
            } catch (URISyntaxException e) {
                throw new MigrationException(ErrorCode.INVALID_REQUEST, "--server " + server + " with --org " + org
                        + " makes no URL: " + e.getMessage());
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + token.strip()).header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            HttpResponse<String> response;
            try {
                response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
                        .send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new MigrationException(ErrorCode.INVALID_REQUEST, "cannot reach the control plane at " + server + ": "
                        + e + ": start it (livemigrate serve) or give its address with --server");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MigrationException(ErrorCode.INTERRUPTED, "interrupted while calling " + server);
            }
            JsonNode answer = parse(response.body());
            if (response.statusCode() / 100 != 2) {
                throw refusal(response.statusCode(), answer);
            }
            return answer;
        }

        private static MigrationException refusal(int status, JsonNode error) {
            String named = error.path("errorCode").asText();
            ErrorCode code = null;
            for (ErrorCode c : ErrorCode.values()) {
                if (c.name().equals(named)) {
                    code = c;
                }
            }
            // the exception's message starts with [CODE]; a code this CLI does not know is named in the text
            StringBuilder message = new StringBuilder(code == null ? "HTTP " + status + " " + named + ": " : "")
                    .append(error.path("detail").asText("the server answered " + status));
            error.path("fields").forEach(f -> message.append("\n  ").append(f.path("field").asText()).append(": ")
                    .append(f.path("problem").asText()));
            return new MigrationException(code == null ? ErrorCode.INVALID_REQUEST : code, message.toString());
        }

        private static JsonNode parse(String body) {
            try {
                return body.isEmpty() ? JSON.createObjectNode() : JSON.readTree(body);
            } catch (IOException e) {
                return JSON.createObjectNode();
            }
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Creates the organization's link-token, replacing its old one, and prints it once.",
                    "The server keeps only its hash: copy it to the migration host now."})
    static final class Create extends ServerOptions implements Callable<Integer> {

        @Option(names = "--access-list-ip", required = true, arity = "1..*", paramLabel = "IP",
                description = "An IPv4/IPv6 address or CIDR block the migration host calls from (repeatable; no /0).")
        List<String> accessList;
        @Option(names = "--url", paramLabel = "URL",
                description = "The URL the migration host calls the server at (default: the server's own address).")
        String url;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            ObjectNode body = new ObjectMapper().createObjectNode();
            accessList.forEach(body.putArray("accessListIps")::add);
            if (url != null) {
                body.put("url", url);
            }
            JsonNode answer = send("POST", body.toString());
            spec.commandLine().getOut().println("link-token of organization " + org + " (key id " + answer.path("keyId").asText()
                    + ", access list " + answer.path("accessListIps") + "); shown this once, the server keeps only its hash:");
            spec.commandLine().getOut().println(answer.path("linkToken").asText());
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Revokes the organization's link-token: the migration host's calls with it are refused from now on.")
    static final class Delete extends ServerOptions implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            send("DELETE", null);
            spec.commandLine().getOut().println("link-token of organization " + org + " revoked");
            return 0;
        }
    }
}
