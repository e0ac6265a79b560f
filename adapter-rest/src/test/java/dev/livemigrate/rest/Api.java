package dev.livemigrate.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A client of the control plane over real HTTP ({@link HttpClient}), with the API token or without. */
final class Api {

    /** What the server answered. */
    record Reply(int status, JsonNode body, String text, HttpResponse<String> response) {
        String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI base;
    private final String authorization;

    Api(URI base, String token) {
        this(base, token, true);
    }

    private Api(URI base, String authorization, boolean bearer) {
        this.base = base;
        this.authorization = authorization == null ? null : bearer ? "Bearer " + authorization : authorization;
    }

    /** A client that sends this exact {@code Authorization} header ({@code null}: none). */
    static Api withAuthorization(URI base, String header) {
        return new Api(base, header, false);
    }

    Reply get(String path) {
        return send(request(path).GET());
    }

    Reply post(String path, String body) {
        return send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    Reply post(String path) {
        return send(request(path).POST(HttpRequest.BodyPublishers.noBody()));
    }

    Reply put(String path, String body) {
        return send(request(path).header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    Reply delete(String path) {
        return send(request(path).DELETE());
    }

    /** Any request, built by the caller from {@link #request}. */
    Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = null;
            if (response.headers().firstValue("Content-Type").orElse("").startsWith("application/json") && !response.body().isEmpty()) {
                body = JSON.readTree(response.body());
            }
            return new Reply(response.statusCode(), body, response.body(), response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMinutes(1));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b;
    }
}
