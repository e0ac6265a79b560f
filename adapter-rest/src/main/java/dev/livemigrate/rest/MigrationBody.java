package dev.livemigrate.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livemigrate.ConfigurationException;
import dev.livemigrate.ConnectionStrings;
import dev.livemigrate.Durations;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.Secrets;
import dev.livemigrate.Sharding;
import dev.livemigrate.SourceSettings;
import org.bson.BsonDocument;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The migration body of {@code POST /api/v1/migrations} and {@code .../validate}, checked field by field so that
 * every bad field is named in one answer (unknown, wrong type, missing, malformed), then turned into a
 * {@link MigrationSpec} by the library's own builder:
 * <pre>{@code
 * {source: {uri, caFile?}, destination: {uri}, includeNamespaces: [], excludeNamespaces: [], renames: {"from": "to"},
 *  dropDestinationData: false, verify: true, lagThreshold: "10s", cutoverWindow: "120h",
 *  acceptUnfinishedChecks: [], migrationId?,
 *  sharding?: {createSupportingIndexes: false, shardingEntries: [{database, collection, shardCollection: {key: [{field: 1}]}}]}}
 * }</pre>
 * {@code verify} is true unless set false; the other defaults are the library's. {@code sharding} is mongosync's
 * option of that name, read by {@link Sharding#fromDocument}: a bad entry is a problem of the field {@code sharding}.
 *
 * <p>A push migration names its source by Ops Manager / Cloud Manager project and cluster and the migration host
 * that runs it, instead of a connection string: {@code source: {orgId, projectId, clusterId | clusterName,
 * migrationHost, username?, password?, caFile?}} ({@code username} and {@code password} for a cluster automation does
 * not manage; {@code caFile} a path on the migration host). Its spec's source is an {@code ops-manager} one
 * without the API key, which only the agent holds.
 */
final class MigrationBody {

    static final Set<String> PUSH_SOURCE = Set.of("orgId", "projectId", "clusterId", "clusterName", "migrationHost", "username",
            "password", "caFile");
    private static final Set<String> FIELDS = Set.of("source", "destination", "includeNamespaces", "excludeNamespaces",
            "renames", "dropDestinationData", "verify", "lagThreshold", "cutoverWindow", "acceptUnfinishedChecks", "migrationId", "sharding");

    private final ObjectNode body;

    private MigrationBody(ObjectNode body) {
        this.body = body;
    }

    /**
     * Checks a body and builds its spec.
     *
     * @throws ApiException 400 {@code INVALID_REQUEST} naming every bad field ({@code fields: [{field, problem}]}),
     *                      or 400 with the library's code when the spec is refused as a whole
     */
    static MigrationBody parse(JsonNode json) {
        if (!json.isObject()) {
            throw ApiException.badRequest("the body must be a JSON object (the migration), not " + kind(json));
        }
        MigrationBody body = new MigrationBody((ObjectNode) json);
        body.spec(); // every check
        return body;
    }

    /** The body as it was sent (connection strings with their passwords: store it only in the data directory). */
    ObjectNode json() {
        return body.deepCopy();
    }

    /** Whether the source is named by project, cluster and migration host (a push migration). */
    boolean push() {
        return body.path("source").has("migrationHost");
    }

    /** A field of a push source ({@code orgId}, {@code migrationHost}, ...), or {@code null}. */
    String pushSource(String field) {
        JsonNode value = body.path("source").get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** The body with every connection string's password hidden, for responses. */
    ObjectNode redacted() {
        ObjectNode copy = body.deepCopy();
        if (copy.get("source") instanceof ObjectNode o && o.has("password")) {
            o.put("password", Secrets.HIDDEN);
        }
        for (String side : List.of("source", "destination")) {
            if (copy.get(side) instanceof ObjectNode o && o.get("uri") != null && o.get("uri").isTextual()) {
                o.put("uri", Secrets.redactConnectionString(o.get("uri").asText()));
            }
        }
        return copy;
    }

    /** The destination connection string (with its password). */
    String destinationUri() {
        return body.path("destination").path("uri").asText();
    }

    /** The body with another destination connection string: what a push migration's host gets with a temporary user. */
    ObjectNode withDestinationUri(String uri) {
        ObjectNode copy = body.deepCopy();
        ((ObjectNode) copy.get("destination")).put("uri", uri);
        return copy;
    }

    /** The migration id the body names, or {@code null}. */
    String migrationId() {
        JsonNode id = body.get("migrationId");
        return id == null || id.isNull() ? null : id.asText();
    }

    /** The lag under which the migration is ready to cut over: the body's, else the library's default. */
    Duration lagThreshold() {
        JsonNode threshold = body.get("lagThreshold");
        return threshold == null || threshold.isNull() ? MigrationSpec.DEFAULT_LAG_THRESHOLD : Durations.parse(threshold.asText());
    }

    /** A body that names this id (a generated one, so a restart resumes the same migration). */
    MigrationBody withMigrationId(String id) {
        ObjectNode copy = body.deepCopy();
        copy.put("migrationId", id);
        return new MigrationBody(copy);
    }

    /** A new builder of the spec; callers add listeners. */
    MigrationSpec.Builder spec() {
        List<String[]> problems = new ArrayList<>();
        MigrationSpec.Builder spec = MigrationSpec.builder();
        body.properties().stream().map(Map.Entry::getKey).filter(name -> !FIELDS.contains(name)).forEach(name -> problems.add(
                new String[] {name, "unknown field: the fields are " + String.join(", ", FIELDS.stream().sorted().toList())}));
        Fields f = new Fields(body, problems);
        if (push()) {
            f.pushSource(spec);
        } else {
            String source = f.uri("source", Set.of("uri", "caFile"));
            Path caFile = f.path("source", "caFile");
            if (source != null) {
                spec.source(SourceSettings.builder().connectionString(source).caFile(caFile).build());
            }
        }
        String destination = f.uri("destination", Set.of("uri"));
        spec.destination(destination);
        f.strings("includeNamespaces", spec::include);
        f.strings("excludeNamespaces", spec::exclude);
        f.strings("acceptUnfinishedChecks", spec::acceptUnfinishedCheck);
        f.renames(spec);
        f.bool("dropDestinationData", spec::clearDestination);
        spec.verify(true);
        f.bool("verify", spec::verify);
        f.duration("lagThreshold", spec::lagThreshold);
        f.duration("cutoverWindow", spec::cutoverWindow);
        f.text("migrationId", spec::migrationId);
        f.sharding(spec);
        if (!problems.isEmpty()) {
            ObjectNode extra = JsonSupport.object();
            ArrayNode fields = extra.putArray("fields");
            problems.forEach(p -> fields.addObject().put("field", p[0]).put("problem", Errors.redact(p[1])));
            throw new ApiException(400, ErrorCode.INVALID_REQUEST, problems.size() + " field(s) of the body are wrong: "
                    + String.join("; ", problems.stream().map(p -> p[0] + ": " + p[1]).toList()), extra);
        }
        try {
            spec.build(); // the library's own checks (migration id form, ranges): refused here, not at start
        } catch (ConfigurationException e) {
            throw Errors.of(e);
        }
        return spec;
    }

    static String kind(JsonNode node) {
        JsonNodeType type = node.getNodeType();
        return switch (type) {
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL, MISSING -> "null";
            default -> type.name().toLowerCase(Locale.ROOT);
        };
    }

    /** Reads typed fields of the body, adding a problem for each that is wrong. */
    private record Fields(ObjectNode body, List<String[]> problems) {

        private void problem(String field, String problem) {
            problems.add(new String[] {field, problem});
        }

        /** {@code side.uri}, required and parsed as a connection string; the side's other fields checked by name. */
        String uri(String side, Set<String> allowed) {
            JsonNode node = body.get(side);
            if (node == null || node.isNull()) {
                problem(side, "missing: give {\"uri\": \"mongodb://host:27017\"}");
                return null;
            }
            if (!node.isObject()) {
                problem(side, "must be an object {\"uri\": ...}, not " + kind(node));
                return null;
            }
            node.properties().stream().map(Map.Entry::getKey).filter(name -> !allowed.contains(name)).forEach(name ->
                    problem(side + "." + name, "unknown field: the fields are " + String.join(", ", allowed.stream().sorted().toList())));
            JsonNode uri = node.get("uri");
            if (uri == null || uri.isNull()) {
                problem(side + ".uri", "missing: give the " + side + " connection string");
                return null;
            }
            if (!uri.isTextual()) {
                problem(side + ".uri", "must be a string, not " + kind(uri));
                return null;
            }
            try {
                ConnectionStrings.parse(uri.asText(), side);
                return uri.asText();
            } catch (ConfigurationException e) {
                problem(side + ".uri", e.getMessage());
                return null;
            }
        }

        /** A push source: every field a string, orgId, projectId and migrationHost required, one of clusterId and clusterName. */
        void pushSource(MigrationSpec.Builder spec) {
            JsonNode source = body.get("source");
            SourceSettings.Builder settings = SourceSettings.builder().kind("ops-manager");
            source.properties().forEach(e -> {
                if (!PUSH_SOURCE.contains(e.getKey())) {
                    problem("source." + e.getKey(), "unknown field: the fields of a push source are "
                            + String.join(", ", PUSH_SOURCE.stream().sorted().toList()));
                } else if (!e.getValue().isTextual() || e.getValue().asText().isBlank()) {
                    problem("source." + e.getKey(), "must be a non-empty string, not " + kind(e.getValue()));
                } else if (!e.getKey().equals("orgId") && !e.getKey().equals("migrationHost")) {
                    settings.property(e.getKey(), e.getValue().asText());
                }
            });
            for (String required : List.of("orgId", "projectId", "migrationHost")) {
                if (!source.has(required)) {
                    problem("source." + required, "missing: a push source names orgId, projectId, clusterId or clusterName,"
                            + " and migrationHost");
                }
            }
            if (source.has("clusterId") == source.has("clusterName")) {
                problem("source.clusterId", "give either clusterId or clusterName (GET /api/v1/orgs/{orgId}/availableProjects lists them)");
            }
            if (source.has("username") != source.has("password")) {
                problem("source.password", "give username and password together (for a cluster automation does not manage), or neither");
            }
            spec.source(settings.build());
        }

        Path path(String side, String field) {
            JsonNode node = body.path(side).get(field);
            if (node == null || node.isNull()) {
                return null;
            }
            if (!node.isTextual()) {
                problem(side + "." + field, "must be a string (a file path), not " + kind(node));
                return null;
            }
            try {
                return Path.of(node.asText());
            } catch (InvalidPathException e) {
                problem(side + "." + field, "is not a file path: " + e.getReason());
                return null;
            }
        }

        void strings(String field, Consumer<String> each) {
            JsonNode node = body.get(field);
            if (node == null || node.isNull()) {
                return;
            }
            if (!node.isArray()) {
                problem(field, "must be an array of strings, not " + kind(node));
                return;
            }
            for (int i = 0; i < node.size(); i++) {
                if (node.get(i).isTextual()) {
                    each.accept(node.get(i).asText());
                } else {
                    problem(field + "[" + i + "]", "must be a string, not " + kind(node.get(i)));
                }
            }
        }

        void renames(MigrationSpec.Builder spec) {
            JsonNode node = body.get("renames");
            if (node == null || node.isNull()) {
                return;
            }
            if (!node.isObject()) {
                problem("renames", "must be an object {\"from.pattern\": \"to.pattern\"}, not " + kind(node));
                return;
            }
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if (e.getValue().isTextual()) {
                    spec.rename(e.getKey(), e.getValue().asText());
                } else {
                    problem("renames." + e.getKey(), "must be a string (the destination pattern), not " + kind(e.getValue()));
                }
            }
        }

        void sharding(MigrationSpec.Builder spec) {
            JsonNode node = body.get("sharding");
            if (node == null || node.isNull()) {
                return;
            }
            if (!node.isObject()) {
                problem("sharding", "must be an object {\"createSupportingIndexes\": false, \"shardingEntries\": [...]}, not " + kind(node));
                return;
            }
            try {
                spec.sharding(Sharding.fromDocument(BsonDocument.parse(node.toString())));
            } catch (ConfigurationException e) {
                problem("sharding", e.getMessage());
            }
        }

        void bool(String field, Consumer<Boolean> set) {
            JsonNode node = body.get(field);
            if (node == null || node.isNull()) {
                return;
            }
            if (node.isBoolean()) {
                set.accept(node.booleanValue());
            } else {
                problem(field, "must be true or false, not " + kind(node));
            }
        }

        void duration(String field, Consumer<Duration> set) {
            text(field, value -> {
                try {
                    set.accept(Durations.parse(value));
                } catch (ConfigurationException e) {
                    problem(field, e.getMessage());
                }
            });
        }

        void text(String field, Consumer<String> set) {
            JsonNode node = body.get(field);
            if (node == null || node.isNull()) {
                return;
            }
            if (node.isTextual()) {
                set.accept(node.asText());
            } else {
                problem(field, "must be a string, not " + kind(node));
            }
        }
    }
}
