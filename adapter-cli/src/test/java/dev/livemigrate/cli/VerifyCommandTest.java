package dev.livemigrate.cli;

import dev.livemigrate.core.testing.EmbeddedMongo;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

class VerifyCommandTest {

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    void exitsZeroWhenEqualAndThreeWithTheDifferenceNamed() {
        for (EmbeddedMongo m : new EmbeddedMongo[] {source, destination}) {
            m.client().getDatabase("app").getCollection("c").insertOne(new Document("_id", 1).append("v", 1));
        }
        assertThat(verify()).isZero();

        destination.client().getDatabase("app").getCollection("c").updateOne(new Document("_id", 1), new Document("$set", new Document("v", 2)));
        StringWriter out = new StringWriter();
        int exit = LivemigrateCommand.execute(new String[] {"verify", "--source", source.connectionString(),
                "--destination", destination.connectionString(), "--json"}, new PrintWriter(out, true), new PrintWriter(new StringWriter()));

        assertThat(exit).isEqualTo(3);
        assertThat(out.toString()).contains("\"verifiers\": [\"count\", \"hash\", \"indexes-and-options\"]", "\"equal\": false",
                "\"mismatches\": [{\"kind\": \"DIFFERENT\", \"_id\": 1}]");

        StringWriter table = new StringWriter();
        assertThat(LivemigrateCommand.execute(new String[] {"verify", "--source", source.connectionString(),
                "--destination", destination.connectionString()}, new PrintWriter(table, true), new PrintWriter(new StringWriter())))
                .isEqualTo(3);
        assertThat(table.toString()).contains("app.c", "DIFFERENT", "app.c -> app.c: 1 document(s) differ: different 1");
    }

    @Test
    void comparesEachNamespaceWithTheOneItWasRenamedTo() {
        source.client().getDatabase("app").getCollection("c").insertOne(new Document("_id", 1).append("v", 1));
        destination.client().getDatabase("shop").getCollection("c").insertOne(new Document("_id", 1).append("v", 1));
        StringWriter out = new StringWriter();

        int exit = LivemigrateCommand.execute(new String[] {"verify", "--source", source.connectionString(),
                "--destination", destination.connectionString(), "--rename", "app.*=shop.*"}, new PrintWriter(out, true),
                new PrintWriter(new StringWriter()));

        assertThat(exit).as(out.toString()).isZero();
        assertThat(out.toString()).contains("app.c -> shop.c", "EQUAL");
    }

    private int verify() {
        return LivemigrateCommand.execute(new String[] {"verify", "--source", source.connectionString(),
                "--destination", destination.connectionString()}, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    }
}
