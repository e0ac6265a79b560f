package dev.livemigrate.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import dev.livemigrate.core.testing.EmbeddedMongo;
import org.bson.Document;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A control plane on a free loopback port with a known token, and a client of it; what tests share. */
final class Served implements AutoCloseable {

    static final String TOKEN = "test-token-0123456789";

    final ControlPlane plane;
    final Api api;

    Served(Path dataDir) {
        this(dataDir, null);
    }

    /** A control plane that sends its notices to the webhook ({@code null}: none). */
    Served(Path dataDir, Webhook webhook) {
        plane = ControlPlane.start(ServeOptions.of(dataDir, TOKEN).withPort(0), webhook);
        api = new Api(plane.uri(), TOKEN);
    }

    /** A migration body between two deployments, with extra fields spliced in ({@code "\"verify\": false"}). */
    static String body(String source, String destination, String... fields) {
        StringBuilder b = new StringBuilder("{\"source\": {\"uri\": \"" + source + "\"}, \"destination\": {\"uri\": \"" + destination + "\"}");
        for (String f : fields) {
            b.append(", ").append(f);
        }
        return b.append("}").toString();
    }

    /** Waits (two minutes at most) until the migration's state is {@code wanted}; fails at once if it ends elsewhere. */
    JsonNode awaitState(String id, String wanted) {
        Set<String> ends = Set.of("COMPLETED", "CANCELLED", "EXPIRED", "FAILED");
        AtomicReference<JsonNode> last = new AtomicReference<>();
        await().atMost(Duration.ofMinutes(2)).alias("migration " + id + " " + wanted).until(() -> {
            last.set(api.get("/api/v1/migrations/" + id).body());
            String state = last.get().path("state").asText();
            return state.equals(wanted) || ends.contains(state);
        });
        assertThat(last.get().path("state").asText()).as(last.get().toString()).isEqualTo(wanted);
        return last.get();
    }

    /** The error body's shape: exactly the API's fields (plus the named extras), and no stack trace. */
    static void assertError(Api.Reply reply, int status, String errorCode, String... extras) {
        assertThat(reply.status()).as(reply.text()).isEqualTo(status);
        JsonNode body = reply.body();
        assertThat(body.path("error").asInt()).isEqualTo(status);
        assertThat(body.path("errorCode").asText()).as(reply.text()).isEqualTo(errorCode);
        assertThat(body.path("reason").asText()).isNotBlank();
        assertThat(body.path("detail").asText()).isNotBlank();
        List<String> names = new ArrayList<>();
        body.properties().forEach(e -> names.add(e.getKey()));
        List<String> expected = new ArrayList<>(List.of("error", "errorCode", "reason", "detail"));
        expected.addAll(List.of(extras));
        assertThat(names).containsExactlyInAnyOrderElementsOf(expected);
        // no stack frame ("at dev.livemigrate.X.y(X.java:12)"); the library's message may name the driver's exception
        assertThat(reply.text()).doesNotContainPattern("at [\\w.$]+\\(").doesNotContainPattern("\\.java:\\d+");
    }

    @Override
    public void close() {
        plane.close();
    }

    /** {@code shop.orders} on the source: {@code n} documents with a unique {@code code}, and its unique index. */
    static MongoCollection<Document> seedOrders(EmbeddedMongo source, int n) {
        MongoCollection<Document> orders = source.client().getDatabase("shop").getCollection("orders");
        for (int i = 0; i < n; i++) {
            orders.insertOne(new Document("_id", i).append("code", "c" + i).append("n", 0));
        }
        orders.createIndex(Indexes.ascending("code"), new IndexOptions().unique(true));
        return orders;
    }
}
