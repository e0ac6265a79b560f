package dev.livemigrate.cli;

import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.core.testing.WireProxy;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** A built-in check that cannot run its commands, through {@code validate}, with and without the operator's acceptance. */
class UnfinishedCheckCommandTest {

    /*
     * A refused command as MongoDB answers it: {ok: 0, errmsg, code, codeName}
     * (https://www.mongodb.com/docs/manual/reference/command/, "Response"); Unauthorized is code 13 in
     * src/mongo/base/error_codes.yml of mongodb/mongo.
     */
    private static final BsonDocument UNAUTHORIZED = BsonDocument.parse("{ok: 0.0, errmsg: 'not authorized on admin to execute"
            + " command { connectionStatus: 1, showPrivileges: true }', code: 13, codeName: 'Unauthorized'}");

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    void aCheckThatCannotRunIsAnErrorUntilAcceptedByName() {
        source.client().getDatabase("app").getCollection("c").insertOne(new Document("_id", 1));
        try (WireProxy refusing = WireProxy.inFrontOf(source, (command, upstream) -> command.name().equals("connectionStatus")
                ? WireProxy.bytes(UNAUTHORIZED) : upstream.forward())) {
            String[] endpoints = {"--source", refusing.connectionString(), "--destination", destination.connectionString()};

            StringWriter strict = new StringWriter();
            int refused = LivemigrateCommand.execute(concat(new String[] {"validate"}, endpoints), new PrintWriter(strict, true),
                    new PrintWriter(new StringWriter()));
            StringWriter accepting = new StringWriter();
            int accepted = LivemigrateCommand.execute(concat(new String[] {"validate", "--accept-unfinished-check", "privileges"},
                    endpoints), new PrintWriter(accepting, true), new PrintWriter(new StringWriter()));

            assertThat(refused).as(strict.toString()).isEqualTo(2);
            assertThat(strict.toString()).containsPattern("ERROR +CHECK_FAILED +the check 'privileges' could not run")
                    .contains("--accept-unfinished-check privileges");
            assertThat(accepted).as(accepting.toString()).isZero();
            assertThat(accepting.toString()).containsPattern("WARNING +CHECK_FAILED +the check 'privileges' could not run")
                    .contains("accepted by the spec");
            // each validate lists app's collections twice: once for the engine's own catalog, once for every check together
            assertThat(refusing.commands("listCollections").stream().filter(c -> c.database().equals("app"))).hasSize(4);
        }
    }

    private static String[] concat(String[] a, String[] b) {
        return java.util.stream.Stream.concat(java.util.Arrays.stream(a), java.util.Arrays.stream(b)).toArray(String[]::new);
    }
}
