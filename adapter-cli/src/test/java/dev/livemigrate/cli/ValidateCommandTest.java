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
}
