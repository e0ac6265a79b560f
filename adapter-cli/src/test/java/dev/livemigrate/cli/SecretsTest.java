package dev.livemigrate.cli;

import dev.livemigrate.core.testing.EmbeddedMongo;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Passwords given in connection strings never reach what the CLI prints, on standard output or standard
 * error (its log included), in text or JSON, for any command, whether given on the command line, in a file or
 * in the environment. The embedded servers have no users, so every command here fails to authenticate: the
 * paths that name the servers in their errors are the ones that could leak.
 */
@Timeout(300)
class SecretsTest {

    private static final String SOURCE_PASSWORD = "Src-S3cret-pw";
    private static final String DESTINATION_PASSWORD = "Dst-S3cret-pw";

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @TempDir
    Path dir;

    @Test
    void noCommandPrintsAPassword() throws Exception {
        source.client().getDatabase("app").getCollection("c").insertOne(new Document("_id", 1));
        String src = withUser(source, "migrator", SOURCE_PASSWORD);
        String dst = withUser(destination, "writer", DESTINATION_PASSWORD);
        Files.writeString(dir.resolve("source.uri"), src);
        List<String> printed = new ArrayList<>();

        for (List<String> args : List.of(
                List.of("validate", "--source", src, "--destination", dst),
                List.of("validate", "--source", src, "--destination", dst, "--json"),
                List.of("run", "--source", src, "--destination", dst, "--cutover", "auto"),
                List.of("run", "--source", "@" + dir.resolve("source.uri"), "--destination", dst, "--json", "--cutover", "auto"),
                List.of("verify", "--source", src, "--destination", dst),
                List.of("verify", "--source", src, "--destination", dst, "--json"))) {
            printed.add(run(Map.of(), args));
        }
        printed.add(run(Map.of("LIVEMIGRATE_SOURCE_URI", src, "LIVEMIGRATE_DESTINATION_URI", dst), List.of("run", "--cutover", "auto")));

        assertThat(printed).hasSize(7).allSatisfy(p -> assertThat(p)
                .as("what was printed names the servers (so the sweep looks where a password would be)")
                .contains("127.0.0.1:" + source.port())
                .doesNotContain(SOURCE_PASSWORD).doesNotContain(DESTINATION_PASSWORD));
    }

    /** Runs the CLI as a process; returns everything it printed on both streams. */
    private String run(Map<String, String> environment, List<String> args) throws Exception {
        Path stderr = Files.createTempFile(dir, "stderr", ".txt");
        try (CliProcess cli = new CliProcess(environment, ProcessBuilder.Redirect.to(stderr.toFile()), args.toArray(String[]::new))) {
            cli.answer("yes"); // run asks to confirm its summary (hosts and users, passwords hidden) before it starts
            assertThat(cli.process.waitFor(2, TimeUnit.MINUTES)).as("%s ended", args).isTrue();
            cli.awaitOutput();
            assertThat(cli.process.exitValue()).as("%s failed to authenticate", args).isNotZero();
            return String.join("\n", cli.lines) + "\n" + Files.readString(stderr);
        }
    }

    private static String withUser(EmbeddedMongo server, String user, String password) {
        return server.connectionString().replace("mongodb://", "mongodb://" + user + ":" + password + "@");
    }
}
