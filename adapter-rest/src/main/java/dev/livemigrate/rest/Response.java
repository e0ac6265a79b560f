package dev.livemigrate.rest;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;

/** What a route answers: a status, a content type and the bytes of the body. */
record Response(int status, String contentType, byte[] body) {

    static final String JSON = "application/json";

    static Response json(int status, JsonNode body) {
        return new Response(status, JSON, JsonSupport.bytes(body));
    }

    static Response ok(JsonNode body) {
        return json(200, body);
    }

    static Response text(int status, String contentType, String body) {
        return new Response(status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }
}
