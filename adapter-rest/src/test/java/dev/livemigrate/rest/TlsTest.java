package dev.livemigrate.rest;

import dev.livemigrate.core.testing.TestCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code serve --tls-cert --tls-key}: the API over HTTPS with the operator's certificate, and clear refusals of bad files. */
@Timeout(60)
class TlsTest {

    @TempDir
    Path dir;

    @Test
    void servesHttpsWithTheGivenCertificate() throws Exception {
        TestCertificate certificate = TestCertificate.generate(dir, "serve");
        Path key = pkcs8(certificate, dir.resolve("serve.key"));

        try (ControlPlane plane = ControlPlane.start(ServeOptions.of(dir.resolve("data"), Served.TOKEN).withPort(0), null,
                new TlsFiles(certificate.pem(), key))) {
            assertThat(plane.uri().getScheme()).isEqualTo("https");
            HttpClient trusting = HttpClient.newBuilder().sslContext(certificate.trustingContext()).build();
            HttpResponse<String> listed = trusting.send(HttpRequest.newBuilder(plane.uri().resolve("/api/v1/migrations"))
                    .header("Authorization", "Bearer " + Served.TOKEN).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(listed.statusCode()).isEqualTo(200);
            assertThat(listed.body()).contains("[");
            URI plain = URI.create("http://" + plane.uri().getAuthority() + "/api/v1/migrations");
            assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(plain).timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + Served.TOKEN).build(), HttpResponse.BodyHandlers.ofString()))
                    .as("plain HTTP is not served on the HTTPS port").isInstanceOf(IOException.class);
        }
    }

    @Test
    void filesThatCannotServeAreRefusedByName() throws Exception {
        TestCertificate certificate = TestCertificate.generate(dir, "serve");
        TestCertificate other = TestCertificate.generate(dir, "other");
        Path otherKey = pkcs8(other, dir.resolve("other.key"));
        Path notAKey = Files.writeString(dir.resolve("rsa.key"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        ServeOptions options = ServeOptions.of(dir.resolve("data"), Served.TOKEN).withPort(0);

        assertThatThrownBy(() -> ControlPlane.start(options, null, new TlsFiles(dir.resolve("missing.pem"), otherKey)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.pem").hasMessageContaining("cannot be read");
        assertThatThrownBy(() -> ControlPlane.start(options, null, new TlsFiles(certificate.pem(), notAKey)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rsa.key").hasMessageContaining("openssl pkcs8");
        assertThatThrownBy(() -> ControlPlane.start(options, null, new TlsFiles(otherKey, otherKey)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holds no PEM certificate");
    }

    private static Path pkcs8(TestCertificate certificate, Path file) throws Exception {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.key().getEncoded());
        return Files.writeString(file, "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n");
    }
}
