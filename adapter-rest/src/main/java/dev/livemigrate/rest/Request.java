package dev.livemigrate.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import dev.livemigrate.ErrorCode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Map;

/**
 * One request as a route sees it: its path parameters and its body, read with a size limit. A body over
 * {@link #MAX_BODY} bytes is refused with 413, whether its length was announced or not; it is never held in memory.
 */
final class Request {

    /** Largest request body accepted, in bytes. */
    static final int MAX_BODY = 64 * 1024;
    /** How much of a refused body is read and dropped before answering 413. */
    static final int DRAIN = 1024 * 1024;

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

    /** The first value of a request header, or {@code null}. */
    String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    /** The address the request came from: the TCP peer, not a header a client could write. */
    InetAddress remoteAddress() {
        return exchange.getRemoteAddress().getAddress();
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

    /** The body as JSON, or {@code null} when there is none (a route whose body is optional). */
    JsonNode jsonIfAny() {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        return "0".equals(length) || length == null && exchange.getRequestHeaders().getFirst("Transfer-Encoding") == null
                ? null : json();
    }

    private byte[] body() {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        try (InputStream in = exchange.getRequestBody()) {
            if (length != null && length.chars().allMatch(Character::isDigit) && length.length() < 19
                    && Long.parseLong(length) > MAX_BODY) {
                throw tooLarge(in);
            }
            byte[] body = in.readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                throw tooLarge(in);
            }
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The 413, after reading (and dropping) what follows of the body up to {@link #DRAIN} bytes: a client still
     * sending would otherwise have its connection reset before it reads the answer. Past that the connection is
     * closed and such a client may see only the reset.
     */
    private ApiException tooLarge(InputStream in) throws IOException {
        long dropped = 0;
        byte[] buffer = new byte[8192];
        for (int n; dropped < DRAIN && (n = in.read(buffer)) > 0; ) {
            dropped += n;
        }
        exchange.getResponseHeaders().set("Connection", "close");
        return tooLarge();
    }

    private static ApiException tooLarge() {
        return new ApiException(413, ErrorCode.INVALID_REQUEST, "the body is larger than " + MAX_BODY
                + " bytes: a migration body is a few hundred bytes");
    }
}
