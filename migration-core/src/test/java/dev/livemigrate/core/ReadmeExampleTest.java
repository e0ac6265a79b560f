package dev.livemigrate.core;

import dev.livemigrate.MigrationReport;
import dev.livemigrate.MigrationSession;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.Migrations;
import dev.livemigrate.core.testing.EmbeddedMongo;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's embedding example: it compiles here, runs here, and the README shows exactly this code. */
class ReadmeExampleTest {

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    void theReadmeExampleRuns() {
        source.client().getDatabase("sales").getCollection("orders").insertOne(new Document("_id", 1));
        source.client().getDatabase("sales").getCollection("tmp_import").insertOne(new Document("_id", 1));
        String sourceUri = source.connectionString();
        String destinationUri = destination.connectionString();

        // README:begin
        MigrationSpec spec = MigrationSpec.builder()
                .migrationId("sales-move")            // run again with this id to resume
                .source(sourceUri)                    // mongodb:// or mongodb+srv://
                .destination(destinationUri)
                .include("sales.*")
                .exclude("sales.tmp_*")
                .rename("sales.*", "sales_v2.*")
                .continuousSync(false)                // a one-time copy; live sync is the default
                .build();
        try (MigrationSession session = Migrations.start(spec)) {
            MigrationReport report = session.awaitCompletion(Duration.ofHours(6));
            System.out.println(report.copiedDocuments() + " documents in " + report.duration());
        }
        // README:end

        assertThat(destination.client().getDatabase("sales_v2").listCollectionNames()).containsExactly("orders");
    }

    @Test
    void theReadmeShowsTheExampleVerbatim() throws IOException {
        String test = Files.readString(Path.of("src/test/java/dev/livemigrate/core/ReadmeExampleTest.java"));
        String snippet = test.substring(test.indexOf("// README:begin") + "// README:begin".length(), test.indexOf("// README:end"));
        String dedented = Arrays.stream(snippet.strip().split("\n")).map(l -> l.replaceFirst("^ {8}", ""))
                .collect(Collectors.joining("\n"));
        String readme = Files.readString(Path.of("../README.md"));
        assertThat(readme).contains(dedented);
    }
}
