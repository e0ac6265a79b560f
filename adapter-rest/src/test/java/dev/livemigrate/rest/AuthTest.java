package dev.livemigrate.rest;

import dev.livemigrate.core.testing.EmbeddedMongo;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static dev.livemigrate.rest.Served.assertError;
import static dev.livemigrate.rest.Served.body;
import static org.assertj.core.api.Assertions.assertThat;

/** Every {@code /api} call needs the bearer token; without it, or with a wrong one, nothing is done. */
class AuthTest {

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    void refusesEveryCallWithoutTheRightTokenAndStartsNothing(@TempDir Path dir) {
        source.client().getDatabase("shop").getCollection("orders").insertOne(new Document("_id", 1));
        String migration = body(source.connectionString(), destination.connectionString(), "\"migrationId\": \"unauthorized\"");
        try (Served served = new Served(dir)) {
            List<Api> strangers = List.of(
                    Api.withAuthorization(served.plane.uri(), null),
                    new Api(served.plane.uri(), "wrong-token"),
                    new Api(served.plane.uri(), Served.TOKEN + "x"),
                    Api.withAuthorization(served.plane.uri(), "Basic " + Served.TOKEN),
                    Api.withAuthorization(served.plane.uri(), Served.TOKEN));
            for (Api stranger : strangers) {
                List<Api.Reply> replies = new ArrayList<>(List.of(
                        stranger.post("/api/v1/migrations", migration),
                        stranger.post("/api/v1/migrations/validate", migration),
                        stranger.get("/api/v1/migrations"),
                        stranger.get("/api/v1/migrations/unauthorized"),
                        stranger.put("/api/v1/migrations/unauthorized/cutover", "{\"writesStopped\": true}"),
                        stranger.post("/api/v1/migrations/unauthorized/cancel"),
                        stranger.get("/api/v1/openapi.json"),
                        stranger.get("/api/v1/no-such-route")));
                for (Api.Reply reply : replies) {
                    assertError(reply, 401, "UNAUTHORIZED");
                    assertThat(reply.header("WWW-Authenticate")).isEqualTo("Bearer");
                }
            }
            // nothing was started: the server manages nothing, the destination holds nothing
            assertThat(served.api.get("/api/v1/migrations").body().path("migrations")).isEmpty();
            assertThat(destination.client().listDatabaseNames().into(new ArrayList<>())).doesNotContain("shop", "__livemigrate");
        }
    }

    @Test
    void generatesATokenAtTheFirstStartAndKeepsOnlyItsHash(@TempDir Path parent) throws Exception {
        Path dir = parent.resolve("data");
        String token;
        try (ControlPlane first = ControlPlane.start(ServeOptions.of(dir, null).withPort(0))) {
            token = first.generatedToken().orElseThrow();
            assertThat(new Api(first.uri(), token).get("/api/v1/migrations").status()).isEqualTo(200);
        }
        String stored = Files.readString(dir.resolve(ApiToken.FILE)).strip();
        assertThat(stored).isEqualTo(HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8))));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(ApiToken.FILE)))).isEqualTo("rw-------");
        try (Served reading = new Served(parent.resolve("other"))) {
            assertThat(reading.plane.generatedToken()).isEmpty(); // a token given is never printed
        }
        try (ControlPlane second = ControlPlane.start(ServeOptions.of(dir, null).withPort(0))) {
            assertThat(second.generatedToken()).isEmpty();
            assertThat(new Api(second.uri(), token).get("/api/v1/migrations").status()).isEqualTo(200);
            assertError(new Api(second.uri(), stored).get("/api/v1/migrations"), 401, "UNAUTHORIZED");
        }
    }

    @Test
    void aGivenTokenIsNotStored(@TempDir Path dir) {
        try (Served served = new Served(dir)) {
            assertThat(served.api.get("/api/v1/migrations").status()).isEqualTo(200);
        }
        assertThat(dir.resolve(ApiToken.FILE)).doesNotExist();
    }
}
