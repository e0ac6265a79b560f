package dev.livemigrate.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livemigrate.core.testing.EmbeddedMongo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generated bad request bodies, thousands of them from a fixed seed: a valid migration body with exactly one defect
 * (an unknown field, a wrong type, a bad duration, id or connection string, nesting past the limit, a cut-off or
 * non-object document, bytes that are not UTF-8), sent to the routes that take one. Each is answered 400 (or 413,
 * 415) with a stable code and the error shape, never a 5xx or a stack trace, never with the password of the
 * connection string it carried, and nothing is started or written. A failure names the seed and the body.
 */
class RequestFuzzTest {

    private static final long SEED = 20261201L;
    private static final int CASES = 2_000;
    private static final String PASSWORD = "pw-Fuzz-7731";
    private static final List<String> FIELDS = List.of("source", "destination", "includeNamespaces", "excludeNamespaces",
            "renames", "dropDestinationData", "verify", "lagThreshold", "cutoverWindow", "acceptUnfinishedChecks", "migrationId");
    private static final Set<String> CODES = Set.of("INVALID_REQUEST", "INVALID_SPEC", "INVALID_CONNECTION_STRING");
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();
    @TempDir
    Path dir;

    @Test
    void everyBodyWithOneDefectIsRefusedCleanlyAndNothingStarts() {
        Random random = new Random(SEED);
        List<Function<Random, byte[]>> defects = List.of(this::unknownField, this::wrongType, this::badDuration, this::badId,
                this::badConnectionString, this::tooDeep, this::cutOff, this::notAnObject, this::notUtf8);
        try (Served served = new Served(dir)) {
            for (int i = 0; i < CASES; i++) {
                byte[] body = defects.get(random.nextInt(defects.size())).apply(random);
                String path = random.nextBoolean() ? "/api/v1/migrations" : "/api/v1/migrations/validate";
                Api.Reply reply = served.api.send(served.api.request(path).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
                String told = "case " + i + " (seed " + SEED + ") " + path + " " + new String(body, StandardCharsets.UTF_8);
                assertThat(reply.status()).as(told).isIn(400, 413, 415);
                assertThat(reply.body().path("errorCode").asText()).as(told).isIn(CODES);
                assertThat(reply.body().path("detail").asText()).as(told).isNotBlank();
                assertThat(reply.text()).as(told).doesNotContain(PASSWORD).doesNotContainPattern("\\.java:\\d+");
            }
            assertThat(served.api.get("/api/v1/migrations").body().path("migrations")).isEmpty();
        }
        assertThat(destination.client().listDatabaseNames().into(new ArrayList<>())).doesNotContain("__livemigrate");
    }

    /** A valid body, with a password in the source's connection string and random valid optional fields. */
    private ObjectNode valid(Random random) {
        ObjectNode body = JSON.objectNode();
        body.putObject("source").put("uri", "mongodb://fuzz:" + PASSWORD + "@127.0.0.1:" + source.port() + "/?directConnection=true");
        body.putObject("destination").put("uri", destination.connectionString());
        if (random.nextBoolean()) {
            body.putArray("includeNamespaces").add("shop.*");
        }
        if (random.nextBoolean()) {
            body.put("lagThreshold", random.nextInt(60) + "s");
        }
        if (random.nextBoolean()) {
            body.put("verify", random.nextBoolean());
        }
        if (random.nextBoolean()) {
            body.put("migrationId", "fuzz-" + random.nextInt(1000));
        }
        return body;
    }

    private byte[] unknownField(Random random) {
        ObjectNode body = valid(random);
        String name;
        do {
            name = word(random, 1 + random.nextInt(12));
        } while (FIELDS.contains(name));
        body.set(name, anyValue(random));
        return bytes(body);
    }

    private byte[] wrongType(Random random) {
        ObjectNode body = valid(random);
        String field = FIELDS.get(random.nextInt(FIELDS.size()));
        JsonNode wrong = switch (field) {
            case "source", "destination" -> random.nextBoolean() ? JSON.textNode("mongodb://x") : JSON.numberNode(random.nextInt());
            case "includeNamespaces", "excludeNamespaces", "acceptUnfinishedChecks" ->
                    random.nextBoolean() ? JSON.textNode("shop.*") : JSON.arrayNode().add(random.nextInt());
            case "renames" -> random.nextBoolean() ? JSON.arrayNode() : JSON.objectNode().put("a.*", random.nextInt());
            case "dropDestinationData", "verify" -> random.nextBoolean() ? JSON.textNode("yes") : JSON.numberNode(1);
            default -> random.nextBoolean() ? JSON.arrayNode() : JSON.objectNode();
        };
        body.set(field, wrong);
        return bytes(body);
    }

    private byte[] badDuration(Random random) {
        ObjectNode body = valid(random);
        String text = switch (random.nextInt(4)) {
            case 0 -> word(random, 1 + random.nextInt(8));
            case 1 -> "-" + (1 + random.nextInt(100)) + "s";
            case 2 -> random.nextInt(100) + " " + word(random, 3);
            default -> (1 + random.nextInt(100)) + "";
        };
        body.put(random.nextBoolean() ? "lagThreshold" : "cutoverWindow", text);
        return bytes(body);
    }

    private byte[] badId(Random random) {
        ObjectNode body = valid(random);
        String id = switch (random.nextInt(3)) {
            case 0 -> "";
            case 1 -> "x".repeat(65 + random.nextInt(50));
            default -> word(random, 1 + random.nextInt(5)) + " /$é".charAt(random.nextInt(4)) + word(random, 2);
        };
        body.put("migrationId", id);
        return bytes(body);
    }

    private byte[] badConnectionString(Random random) {
        ObjectNode body = valid(random);
        String uri = switch (random.nextInt(4)) {
            case 0 -> word(random, 1 + random.nextInt(10));
            case 1 -> "mongodb://fuzz:" + PASSWORD + "@";
            case 2 -> "mongodb://fuzz:" + PASSWORD + "@h:" + (70000 + random.nextInt(1000));
            default -> "mongodb+srv://fuzz:" + PASSWORD + "@a:27017,b";
        };
        ((ObjectNode) body.get(random.nextBoolean() ? "source" : "destination")).put("uri", uri);
        return bytes(body);
    }

    private byte[] tooDeep(Random random) {
        ObjectNode body = valid(random);
        JsonNode deep = JSON.textNode("x");
        for (int i = 0; i < 40 + random.nextInt(200); i++) {
            deep = random.nextBoolean() ? JSON.arrayNode().add(deep) : JSON.objectNode().set("k", deep);
        }
        body.set(FIELDS.get(random.nextInt(FIELDS.size())), deep);
        return bytes(body);
    }

    private byte[] cutOff(Random random) {
        byte[] whole = bytes(valid(random));
        byte[] part = new byte[1 + random.nextInt(whole.length - 1)];
        System.arraycopy(whole, 0, part, 0, part.length);
        return part;
    }

    private byte[] notAnObject(Random random) {
        ArrayNode array = JSON.arrayNode().add(valid(random));
        JsonNode root = switch (random.nextInt(4)) {
            case 0 -> array;
            case 1 -> JSON.textNode(word(random, 5));
            case 2 -> JSON.numberNode(random.nextLong());
            default -> JSON.booleanNode(random.nextBoolean());
        };
        return bytes(root);
    }

    private byte[] notUtf8(Random random) {
        byte[] body = bytes(valid(random));
        int at = 1 + random.nextInt(body.length - 2);
        body[at] = (byte) (0xC0 | random.nextInt(2)); // a lead byte that no UTF-8 encoder writes
        return body;
    }

    private static JsonNode anyValue(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> JSON.textNode(word(random, 4));
            case 1 -> JSON.numberNode(random.nextInt());
            case 2 -> JSON.arrayNode().add(random.nextBoolean());
            default -> JSON.nullNode();
        };
    }

    private static String word(Random random, int length) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            b.append((char) ('a' + random.nextInt(26)));
        }
        return b.toString();
    }

    private static byte[] bytes(JsonNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }
}
