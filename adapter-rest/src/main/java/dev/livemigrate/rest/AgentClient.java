package dev.livemigrate.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * The agent's calls to the control plane, each with {@code Authorization: LinkToken <token>}: the control plane's
 * address comes from the token's payload ({@code url}; the agent reads it but cannot check the signature, which only
 * the control plane can). A refusal is a {@link MigrationException} with the control plane's code
 * ({@code LINK_TOKEN_INVALID}, {@code ACCESS_LIST_DENIED}, {@code MIGRATION_HOST_CONFLICT}, ...); a network failure or
 * a 5xx is {@link Unreachable}, which the agent rides out. The token is in no message.
 */
final class AgentClient {

    /** The control plane could not be reached, or failed: try again later. */
    static final class Unreachable extends Exception {
        Unreachable(String message) {
            super(message, null, false, false);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String token;
    private final URI base;

    AgentClient(String token) {
        this.token = token.strip();
        this.base = url(this.token);
    }

    URI base() {
        return base;
    }

    /** The control plane's URL from a token's payload. @throws MigrationException LINK_TOKEN_INVALID when it is not a token */
    static URI url(String token) {
        String[] parts = token.split("\\.", -1);
        try {
            if (parts.length != 3 || !(parts[0] + ".").equals(LinkTokens.PREFIX)) {
                throw new IllegalArgumentException("not " + LinkTokens.PREFIX + "<payload>.<signature>");
            }
            JsonNode payload = JsonSupport.tree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
            URI url = URI.create(payload.path("url").asText());
            if (url.getHost() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https"))) {
                throw new IllegalArgumentException("its url is not http(s)");
            }
            return url;
        } catch (RuntimeException e) {
            throw new MigrationException(ErrorCode.LINK_TOKEN_INVALID, "the link-token given to the agent is not one ("
                    + e.getMessage() + "): copy the whole token livemigrate link create printed");
        }
    }

    JsonNode get(String path) throws Unreachable {
        return send(request(path).GET());
    }

    JsonNode post(String path, JsonNode body) throws Unreachable {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JsonSupport.bytes(body))));
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).header("Authorization", "LinkToken " + token);
    }

    private JsonNode send(HttpRequest.Builder request) throws Unreachable {
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Unreachable("cannot reach the control plane at " + base + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationException(ErrorCode.INTERRUPTED, "interrupted while calling the control plane at " + base);
        }
        JsonNode body = response.body().isEmpty() ? JsonSupport.object() : parse(response.body());
        int status = response.statusCode();
        if (status / 100 == 2) {
            return body;
        }
        if (status >= 500) {
            throw new Unreachable("the control plane at " + base + " answered " + status + ": " + body.path("detail").asText());
        }
        ErrorCode code = ErrorCode.INVALID_REQUEST;
        for (ErrorCode c : ErrorCode.values()) {
            if (c.name().equals(body.path("errorCode").asText())) {
                code = c;
            }
        }
        throw new MigrationException(code, "the control plane at " + base + " refused the agent (" + status + "): "
                + body.path("detail").asText("no detail"));
    }

    private static JsonNode parse(String text) {
        try {
            return JsonSupport.tree(text);
        } catch (IllegalStateException e) {
            return JsonSupport.object();
        }
    }
}
