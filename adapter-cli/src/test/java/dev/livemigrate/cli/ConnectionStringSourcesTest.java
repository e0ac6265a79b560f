package dev.livemigrate.cli;

import dev.livemigrate.core.testing.EmbeddedMongo;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connection strings (which hold passwords) need not be on the command line, where {@code ps} shows them:
 * {@code --source @FILE} and {@code --destination @FILE}, or the variables LIVEMIGRATE_SOURCE_URI and
 * LIVEMIGRATE_DESTINATION_URI.
 */
class ConnectionStringSourcesTest {

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @TempDir
    Path dir;

    @Test
    void connectionStringsFromFiles() throws Exception {
        source.client().getDatabase("app").getCollection("c").insertOne(new Document("_id", 1));
        Files.writeString(dir.resolve("source.uri"), source.connectionString() + "\n");
        Files.writeString(dir.resolve("destination.uri"), destination.connectionString());
        StringWriter out = new StringWriter();

        int exit = LivemigrateCommand.execute(new String[] {"validate", "--source", "@" + dir.resolve("source.uri"),
                "--destination", "@" + dir.resolve("destination.uri")}, new PrintWriter(out, true), new PrintWriter(out, true));

        assertThat(exit).as(out.toString()).isZero();
        assertThat(out.toString()).contains("SOURCE_STANDALONE_WITH_OPLOG", "no errors");
    }

    @Test
    void connectionStringsFromTheEnvironment() throws Exception {
        source.client().getDatabase("app").getCollection("c").insertOne(new Document("_id", 1));
        try (CliProcess cli = new CliProcess(Map.of("LIVEMIGRATE_SOURCE_URI", source.connectionString(),
                "LIVEMIGRATE_DESTINATION_URI", destination.connectionString()), ProcessBuilder.Redirect.DISCARD, "validate")) {
            assertThat(cli.process.waitFor(2, TimeUnit.MINUTES)).isTrue();
            cli.awaitOutput();
            assertThat(cli.process.exitValue()).as(String.join("\n", cli.lines)).isZero();
            assertThat(String.join("\n", cli.lines)).contains("no errors");
        }
    }

    @Test
    void withNeitherTheOptionNorTheVariableTheCommandSaysBoth() {
        StringWriter err = new StringWriter();

        int exit = LivemigrateCommand.execute(new String[] {"validate", "--source", source.connectionString()},
                new PrintWriter(new StringWriter()), new PrintWriter(err, true));

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required option: '--destination=<destination>' (or set LIVEMIGRATE_DESTINATION_URI)");
    }
}
