package dev.livemigrate.rest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one Jackson mapper of the control plane, with limits on what a request body may be: at most
 * {@link #MAX_DEPTH} levels deep, strings of at most {@link #MAX_STRING} characters, no duplicate field, nothing
 * after the value. Bodies are read as trees and checked field by field ({@link MigrationBody}), so every bad field
 * can be named at once.
 */
final class JsonSupport {

    /** Deepest nesting a request body may have (the migration body needs 2). */
    static final int MAX_DEPTH = 8;
    /** Longest string a request body may hold. */
    static final int MAX_STRING = 16 * 1024;

    static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).maxStringLength(MAX_STRING)
                    .maxNumberLength(32).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** For JSON the library rendered (reports): trusted, so without the request limits. */
    private static final ObjectMapper LIBRARY = new ObjectMapper();

    private JsonSupport() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /**
     * Parses a request body.
     *
     * @throws ApiException 400 {@code INVALID_REQUEST} when it is not one JSON value within the limits
     */
    static JsonNode parse(byte[] body) {
        if (body.length == 0) {
            throw ApiException.badRequest("the request has no body: send a JSON object (Content-Type: application/json)");
        }
        try {
            return MAPPER.readTree(body);
        } catch (StreamConstraintsException e) {
            throw ApiException.badRequest("the body is beyond the limits (at most " + MAX_DEPTH + " levels of nesting, strings of at most "
                    + MAX_STRING + " characters): " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("the body is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Relaxed extended JSON from the library (a report, say) as a tree. */
    static JsonNode tree(String json) {
        try {
            return LIBRARY.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the library rendered JSON Jackson cannot read", e);
        }
    }

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
