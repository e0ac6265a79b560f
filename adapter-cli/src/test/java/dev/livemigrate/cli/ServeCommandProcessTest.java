package dev.livemigrate.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code livemigrate serve} as a separate process: it says where it listens, answers (the API, the status page, the
 * metrics; with a notify URL), and stops cleanly on SIGTERM.
 */
class ServeCommandProcessTest {

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void servesOnTheAnnouncedPortAndStopsOnSigterm(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        // no LIVEMIGRATE_API_TOKEN: the first start generates the token and prints it once
        Path stderr = dir.resolve("stderr.txt");
        CliProcess serve = new CliProcess(Map.of(), ProcessBuilder.Redirect.to(stderr.toFile()), "serve", "--port", "0", "--data-dir",
                data.toString(), "--notify-url", "http://127.0.0.1:9/livemigrate");
        await().atMost(Duration.ofMinutes(1)).until(() -> serve.lines.stream().anyMatch(l -> l.startsWith("listening on "))
                || !serve.process.isAlive());
        String listening = serve.lines.stream().filter(l -> l.startsWith("listening on ")).findFirst().orElseThrow();
        URI base = URI.create(listening.substring("listening on ".length()));
        assertThat(base.getHost()).isEqualTo("127.0.0.1");
        assertThat(base.getPort()).isPositive();
        String tokenLine = serve.lines.stream().filter(l -> l.startsWith("API token")).findFirst().orElseThrow();
        String token = tokenLine.substring(tokenLine.lastIndexOf(' ') + 1);

        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> list = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/migrations"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).isEqualTo("{\"migrations\":[]}");
        HttpResponse<String> stranger = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/migrations")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(stranger.statusCode()).isEqualTo(401);
        // the status page without the token; the metrics with it
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(base.resolve("/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>livemigrate</title>");
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(base.resolve("/metrics"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");

        // SIGTERM, as Process.destroy() sends it, but through the handle: Process.destroy() also closes the pipe of the
        // child's standard output, and what the child prints while it stops would be lost
        assertThat(serve.process.toHandle().destroy()).isTrue();
        assertThat(serve.process.waitFor(1, TimeUnit.MINUTES)).isTrue();
        serve.awaitOutput();
        assertThat(serve.process.exitValue()).isEqualTo(143); // 128 + SIGTERM, after the hooks ran
        assertThat(serve.lines).as(Files.readString(stderr)).containsSubsequence(listening, "stopped: every migration not ended is resumed at the next start");
        assertThat(Files.readString(data.resolve("api-token.sha256"))).doesNotContain(token);
    }
}
