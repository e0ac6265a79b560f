package dev.livemigrate.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.livemigrate.core.testing.EmbeddedMongo;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import static dev.livemigrate.rest.Served.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code serve --notify-url}: the notices a receiver (a JDK HTTP server here) gets during a migration. */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class WebhookTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    /** Every request received (the refused ones too), and which of them were answered 204. */
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final List<JsonNode> accepted = new CopyOnWriteArrayList<>();
    private final AtomicInteger refuse = new AtomicInteger();
    private final CountDownLatch held = new CountDownLatch(1);
    private volatile boolean hold;
    private HttpServer receiver;

    @BeforeEach
    void startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hooks/livemigrate", this::receive);
        receiver.setExecutor(null);
        receiver.start();
        source.client().getDatabase("shop").getCollection("orders").insertOne(new Document("_id", 1));
    }

    @AfterEach
    void stopReceiver() {
        held.countDown();
        receiver.stop(0);
    }

    private void receive(HttpExchange exchange) throws IOException {
        JsonNode notice = JSON.readTree(exchange.getRequestBody().readAllBytes());
        received.add(notice);
        if (hold) {
            waitFor(held);
        }
        boolean refused = refuse.getAndDecrement() > 0;
        if (!refused) {
            accepted.add(notice);
        }
        exchange.sendResponseHeaders(refused ? 500 : 204, -1);
        exchange.close();
    }

    private URI url() {
        return URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks/livemigrate");
    }

    @Test
    void postsEveryStateChangeAndTheWindowWarningRetryingRefusals(@TempDir Path dir) {
        refuse.set(2); // the first notice is refused twice, then accepted at its third attempt
        String migration = body(source.connectionString(), destination.connectionString(), "\"migrationId\": \"hooked\"",
                "\"cutoverWindow\": \"1h\""); // a window shorter than the 24 h warning: warned as soon as it opens
        try (Served served = new Served(dir, new Webhook(url(), 3, Duration.ofMillis(50), Duration.ofSeconds(10)))) {
            assertThat(served.api.post("/api/v1/migrations", migration).status()).isEqualTo(201);
            JsonNode ready = served.awaitState("hooked", "READY_TO_CUTOVER");
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    accepted.stream().anyMatch(n -> n.path("event").asText().equals("cutoverWindowExpiring")));
            assertThat(served.api.put("/api/v1/migrations/hooked/cutover", "{\"writesStopped\": true}").status()).isEqualTo(202);
            served.awaitState("hooked", "COMPLETED");
            await().atMost(Duration.ofSeconds(30)).until(() -> accepted.stream().anyMatch(n -> n.path("state").asText().equals("COMPLETED")));

            List<JsonNode> notices = new ArrayList<>(accepted);
            // each notice accepted once, in order, numbered 1..n without a gap; the first one after two refusals
            assertThat(notices.stream().map(n -> n.path("sequence").asLong()))
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, notices.size()).boxed().toList());
            assertThat(received).hasSize(notices.size() + 2);
            assertThat(received.subList(0, 2)).allSatisfy(n -> assertThat(n.path("sequence").asLong()).isEqualTo(1));

            List<JsonNode> changes = notices.stream().filter(n -> n.path("event").asText().equals("stateChanged")).toList();
            for (int i = 0; i < changes.size(); i++) {
                JsonNode n = changes.get(i);
                assertThat(n.path("migrationId").asText()).isEqualTo("hooked");
                assertThat(Instant.parse(n.path("at").asText())).isNotNull();
                if (i > 0) { // a chain: each change starts where the one before ended
                    assertThat(n.path("from").asText()).as(n.toString()).isEqualTo(changes.get(i - 1).path("state").asText());
                }
            }
            assertThat(changes.stream().map(n -> n.path("state").asText()))
                    .containsSubsequence("COPYING", "SYNCING", "READY_TO_CUTOVER", "CUTTING_OVER", "FINALIZING", "COMPLETED")
                    .endsWith("COMPLETED");
            List<JsonNode> warnings = notices.stream().filter(n -> n.path("event").asText().equals("cutoverWindowExpiring")).toList();
            assertThat(warnings).hasSize(1);
            assertThat(warnings.get(0).path("state").asText()).isEqualTo("READY_TO_CUTOVER");
            assertThat(warnings.get(0).path("expiresAt").asText()).isEqualTo(ready.path("cutoverWindowExpiresAt").asText());
            assertThat(warnings.get(0).fieldNames()).toIterable()
                    .containsExactly("migrationId", "event", "state", "at", "sequence", "expiresAt");
        }
    }

    @Test
    void aReceiverThatDoesNotAnswerHoldsUpNoMigration(@TempDir Path dir) {
        hold = true;
        String migration = body(source.connectionString(), destination.connectionString(), "\"migrationId\": \"unheard\"");
        try (Served served = new Served(dir, new Webhook(url(), 1, Duration.ofMillis(50), Duration.ofMinutes(3)))) {
            assertThat(served.api.post("/api/v1/migrations", migration).status()).isEqualTo(201);
            served.awaitState("unheard", "READY_TO_CUTOVER");
            assertThat(served.api.put("/api/v1/migrations/unheard/cutover", "{\"writesStopped\": true}").status()).isEqualTo(202);
            served.awaitState("unheard", "COMPLETED");
            assertThat(received).hasSize(1); // the first notice, still unanswered; the rest wait their turn
            held.countDown();
            await().atMost(Duration.ofSeconds(30)).until(() -> accepted.stream().anyMatch(n -> n.path("state").asText().equals("COMPLETED")));
            assertThat(accepted).hasSize(received.size());
        }
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            if (!latch.await(3, TimeUnit.MINUTES)) {
                throw new UncheckedIOException(new IOException("never released"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
