package dev.livemigrate.cli;

import dev.livemigrate.core.testing.EmbeddedMongo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

class ValidateCommandTest {

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    void printsEveryFindingAndExitsZeroWithoutErrors() {
        source.client().getDatabase("app").getCollection("c").insertOne(new org.bson.Document("_id", 1));
        StringWriter out = new StringWriter();

        int exit = LivemigrateCommand.execute(new String[] {"validate", "--source", source.connectionString(),
                "--destination", destination.connectionString()}, new PrintWriter(out, true), new PrintWriter(new StringWriter()));

        assertThat(exit).as(out.toString()).isZero();
        assertThat(out.toString()).contains("SOURCE_STANDALONE_WITH_OPLOG", "VERSIONS", "DESTINATION_FREE_SPACE_UNKNOWN", "no errors");
    }

    @Test
    void aStandaloneWithoutOplogFailsWithExitTwo() {
        EmbeddedMongo standalone = new EmbeddedMongo(false);
        standalone.start();
        try {
            StringWriter out = new StringWriter();
            int exit = LivemigrateCommand.execute(new String[] {"validate", "--json", "--source", standalone.connectionString(),
                    "--destination", destination.connectionString()}, new PrintWriter(out, true), new PrintWriter(new StringWriter()));

            assertThat(exit).isEqualTo(2);
            assertThat(out.toString()).contains("\"code\": \"SOURCE_STANDALONE\"", "replSetInitiate");
        } finally {
            standalone.stop();
        }
    }

    @Test
    void theSelectionOptionsAndTheCaFileAreChecked() {
        source.client().getDatabase("app").getCollection("c").insertOne(new org.bson.Document("_id", 1));
        source.client().getDatabase("app").getCollection("old").insertOne(new org.bson.Document("_id", 1));
        destination.client().getDatabase("app").getCollection("old").insertOne(new org.bson.Document("_id", "theirs"));
        String[] endpoints = {"--source", source.connectionString(), "--destination", destination.connectionString()};

        StringWriter conflict = new StringWriter();
        assertThat(LivemigrateCommand.execute(concat(new String[] {"validate"}, endpoints), new PrintWriter(conflict, true),
                new PrintWriter(new StringWriter()))).isEqualTo(2);
        assertThat(conflict.toString()).contains("DESTINATION_NAMESPACE_CONFLICT", "app.old");

        StringWriter excluded = new StringWriter();
        assertThat(LivemigrateCommand.execute(concat(new String[] {"validate", "--exclude", "app.old"}, endpoints),
                new PrintWriter(excluded, true), new PrintWriter(new StringWriter()))).as(excluded.toString()).isZero();

        StringWriter noCa = new StringWriter();
        assertThat(LivemigrateCommand.execute(concat(new String[] {"validate", "--clear-destination", "--source-ca-file",
                "/no/such/ca.pem"}, endpoints), new PrintWriter(noCa, true), new PrintWriter(new StringWriter()))).isEqualTo(2);
        assertThat(noCa.toString()).contains("CA_FILE_UNREADABLE", "/no/such/ca.pem").doesNotContain("DESTINATION_NAMESPACE_CONFLICT");
    }

    private static String[] concat(String[] a, String[] b) {
        return java.util.stream.Stream.concat(java.util.Arrays.stream(a), java.util.Arrays.stream(b)).toArray(String[]::new);
    }
}
