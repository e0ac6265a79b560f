package dev.livemigrate.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import dev.livemigrate.ErrorCode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;

/**
 * One request as a route sees it: its path parameters and its body, read with a size limit. A body over
 * {@link #MAX_BODY} bytes is refused with 413 before more of it is read, whether its length was announced or not.
 */
final class Request {

    /** Largest request body accepted, in bytes. */
    static final int MAX_BODY = 64 * 1024;

    private final HttpExchange exchange;
    private final Map<String, String> parameters;

    Request(HttpExchange exchange, Map<String, String> parameters) {
        this.exchange = exchange;
        this.parameters = Map.copyOf(parameters);
    }

    /** A path parameter, {@code id} in {@code /api/v1/migrations/{id}}. */
    String parameter(String name) {
        return parameters.get(name);
    }

    /**
     * The body as JSON.
     *
     * @throws ApiException 413 when it is too large, 415 when it says it is not JSON, 400 when it is not valid JSON
     */
    JsonNode json() {
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type != null && !type.toLowerCase(Locale.ROOT).startsWith(Response.JSON)) {
            throw new ApiException(415, ErrorCode.INVALID_REQUEST, "the body is " + type + ": send application/json");
        }
        return JsonSupport.parse(body());
    }

    private byte[] body() {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null && length.chars().allMatch(Character::isDigit) && length.length() < 19
                && Long.parseLong(length) > MAX_BODY) {
            throw tooLarge();
        }
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                throw tooLarge();
            }
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ApiException tooLarge() {
        return new ApiException(413, ErrorCode.INVALID_REQUEST, "the body is larger than " + MAX_BODY
                + " bytes: a migration body is a few hundred bytes");
    }
}
