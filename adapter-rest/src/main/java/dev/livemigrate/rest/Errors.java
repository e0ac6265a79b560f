package dev.livemigrate.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.Secrets;
import dev.livemigrate.SourceUnavailableException;
import dev.livemigrate.ValidationException;
import dev.livemigrate.ValidationFinding;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API's error body, {@code {error: <status>, errorCode, reason, detail}}, and the HTTP status of each library
 * failure: 409 for a wrong state or a migration id in use, 502 when a deployment cannot be reached, 400 for the
 * other failures a request can cause, 500 for the rest. Every text a client or the log gets goes through
 * {@link #redact}: connection strings keep their password hidden.
 */
final class Errors {

    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"), Map.entry(403, "Forbidden"), Map.entry(404, "Not Found"),
            Map.entry(405, "Method Not Allowed"), Map.entry(409, "Conflict"),
            Map.entry(413, "Payload Too Large"), Map.entry(415, "Unsupported Media Type"),
            Map.entry(500, "Internal Server Error"), Map.entry(502, "Bad Gateway"), Map.entry(503, "Service Unavailable"));

    /** Anything that looks like a URI with user information: each is passed through the library's redaction. */
    private static final Pattern URI = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://[^\\s'\"]*@[^\\s'\"]*");

    private Errors() {
    }

    /** The API error for a library failure. */
    static ApiException of(MigrationException e) {
        ObjectNode extra = null;
        if (e instanceof ValidationException v && v.report().isPresent()) {
            extra = JsonSupport.object();
            extra.set("findings", findings(v.report().get().errors()));
        }
        return new ApiException(status(e), e.errorCode(), e.getMessage(), extra);
    }

    private static int status(MigrationException e) {
        if (e instanceof SourceUnavailableException) {
            return 502;
        }
        return switch (e.errorCode()) {
            case INVALID_STATE, MIGRATION_ID_CONFLICT, MIGRATION_HOST_CONFLICT -> 409;
            case MIGRATION_HOST_OFFLINE -> 503;
            case SOURCE_UNREACHABLE, DESTINATION_UNREACHABLE, OPS_MANAGER_UNREACHABLE -> 502;
            case INVALID_SPEC, INVALID_CONNECTION_STRING, INVALID_PATTERN, PATTERN_MATCHES_NOTHING, RENAME_CONFLICT,
                 SAME_SOURCE_AND_DESTINATION, DESTINATION_NAMESPACE_CONFLICT, UNKNOWN_SOURCE_PROVIDER, VALIDATION_FAILED,
                 CA_FILE_UNREADABLE, CA_FILE_NOT_PEM, SOURCE_HAS_NO_CHANGE_HISTORY, WRITE_BLOCKING_UNSUPPORTED,
                 INVALID_REQUEST, OPS_MANAGER_UNAUTHORIZED, OPS_MANAGER_PROJECT_NOT_FOUND,
                 OPS_MANAGER_CLUSTER_NOT_FOUND -> 400;
            case UNAUTHORIZED, LINK_TOKEN_INVALID -> 401;
            case ACCESS_LIST_DENIED -> 403;
            case NOT_FOUND -> 404;
            default -> 500;
        };
    }

    /** Findings as JSON: {@code [{code, severity, message, remedy}]}. */
    static ArrayNode findings(List<ValidationFinding> findings) {
        ArrayNode array = JsonSupport.MAPPER.createArrayNode();
        findings.forEach(f -> array.addObject().put("code", f.code()).put("severity", f.severity().name())
                .put("message", redact(f.message())).put("remedy", redact(f.remedy())));
        return array;
    }

    static Response render(ApiException e) {
        ObjectNode body = JsonSupport.object().put("error", e.status()).put("errorCode", e.code().name())
                .put("reason", REASONS.getOrDefault(e.status(), "Error")).put("detail", redact(e.getMessage()));
        if (e.extra() != null) {
            body.setAll(e.extra());
        }
        return Response.json(e.status(), body);
    }

    /** The text with the password of every connection string in it hidden ({@link Secrets#redactConnectionString}). */
    static String redact(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = URI.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(Secrets.redactConnectionString(m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }
}
