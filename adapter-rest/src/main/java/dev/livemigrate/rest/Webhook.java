package dev.livemigrate.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livemigrate.MigrationListener;
import dev.livemigrate.MigrationState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code serve --notify-url URL}: POSTs a JSON notice to the URL on every state change of every migration the
 * server runs, and when a cutover window is about to close (the engine warns {@code expiryWarning} ahead, 24 hours
 * by default):
 * <pre>{@code
 * {migrationId, event: "stateChanged", from, state, at, sequence}
 * {migrationId, event: "cutoverWindowExpiring", state, expiresAt, at, sequence}
 * }</pre>
 * {@code sequence} counts a migration's notices from 1 (since the server started), so a receiver can tell a repeat
 * (a notice whose answer was lost is sent again) or a gap (one dropped). The listener only queues: one thread of
 * its own sends, in order, so a slow or unreachable receiver never holds up the engine. An answer other than 2xx,
 * or none within the timeout, is tried again with doubling delays, {@value #ATTEMPTS} attempts in all, the notices
 * behind it waiting; then it is dropped and logged.
 */
public final class Webhook implements AutoCloseable {

    static final int ATTEMPTS = 5;
    private static final Logger LOG = LoggerFactory.getLogger(Webhook.class);

    private final URI url;
    private final int attempts;
    private final Duration firstDelay;
    private final Duration timeout;
    private final HttpClient http;
    private final Map<String, AtomicLong> sequences = new ConcurrentHashMap<>();
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "livemigrate-webhook");
        t.setDaemon(true);
        return t;
    });

    Webhook(URI url, int attempts, Duration firstDelay, Duration timeout) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
            throw new IllegalArgumentException("the notify URL " + url + " is not an http:// or https:// URL with a host");
        }
        this.url = url;
        this.attempts = attempts;
        this.firstDelay = firstDelay;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /**
     * Notices to this URL: {@value #ATTEMPTS} attempts, 1 s after the first failure and doubling, 10 s for an answer.
     *
     * @throws IllegalArgumentException when it is not an http(s) URL with a host
     */
    public static Webhook to(URI url) {
        return new Webhook(url, ATTEMPTS, Duration.ofSeconds(1), Duration.ofSeconds(10));
    }

    /** A listener for one migration's session. */
    MigrationListener listener(String migrationId) {
        return new Notifier(migrationId);
    }

    /** Sends what is queued for up to five seconds more, then stops; what is left is dropped. */
    @Override
    public void close() {
        sender.shutdown();
        try {
            if (!sender.awaitTermination(5, TimeUnit.SECONDS)) {
                sender.shutdownNow();
            }
        } catch (InterruptedException e) {
            sender.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private void post(String migrationId, ObjectNode notice) {
        byte[] body = JsonSupport.bytes(notice);
        try {
            sender.execute(() -> send(migrationId, body));
        } catch (RuntimeException e) { // rejected: the server is stopping
            LOG.warn("migration {}: notice {} not sent, the server is stopping", migrationId, notice.path("event").asText());
        }
    }

    /** Sends one notice, trying again after a failure; later notices wait, so they arrive in order. */
    private void send(String migrationId, byte[] body) {
        String where = url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort()); // no path: it may be a secret
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).header("Content-Type", Response.JSON)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        for (int attempt = 1; ; attempt++) {
            String outcome;
            try {
                HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() / 100 == 2) {
                    return;
                }
                outcome = "HTTP " + response.statusCode();
            } catch (IOException e) {
                outcome = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (attempt >= attempts) {
                LOG.warn("migration {}: notice to {} dropped after {} attempts, the last: {}", migrationId, where, attempt, outcome);
                return;
            }
            long delay = firstDelay.toMillis() << (attempt - 1);
            LOG.info("migration {}: notice to {} failed ({}), trying again in {} ms", migrationId, where, outcome, delay);
            try {
                Thread.sleep(delay); // the sender's own thread: the engine is not held
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Turns one session's events into notices, numbered. */
    private final class Notifier implements MigrationListener {
        private final String migrationId;
        private final AtomicLong sequence;
        private volatile MigrationState state = MigrationState.CREATED;

        Notifier(String migrationId) {
            this.migrationId = migrationId;
            this.sequence = sequences.computeIfAbsent(migrationId, id -> new AtomicLong());
        }

        @Override
        public void stateChanged(MigrationState from, MigrationState to) {
            state = to;
            post(migrationId, notice("stateChanged").put("from", from.name()));
        }

        @Override
        public void cutoverWindowExpiring(Instant expiresAt) {
            post(migrationId, notice("cutoverWindowExpiring").put("expiresAt", expiresAt.toString()));
        }

        private ObjectNode notice(String event) {
            return JsonSupport.object().put("migrationId", migrationId).put("event", event).put("state", state.name())
                    .put("at", Instant.now().toString()).put("sequence", sequence.incrementAndGet());
        }
    }
}
