package dev.livemigrate.core;

import dev.livemigrate.MigrationReport;
import dev.livemigrate.MigrationSession;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.MigrationState;
import dev.livemigrate.Migrations;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.core.testing.RecordedCatalog;
import dev.livemigrate.core.testing.WireProxy;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonNumber;
import org.bson.BsonString;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static dev.livemigrate.core.testing.DataAssertions.assertSameDocuments;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The engine's own create path: the source's {@code listCollections} reply carries options recorded from
 * MongoDB ({@code /recorded/listCollections.json}: a validator with a collation, a capped collection), which
 * the embedded server cannot hold; the {@code create} commands the engine sends to the destination are
 * observed on the wire. The embedded destination rejects capped collections, so the proxy acknowledges a
 * capped {@code create} itself ({@code {ok: 1}}, MongoDB's reply to {@code create}) and the copy's inserts
 * make the collection.
 */
class CollectionCreateOnTheWireTest {

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    private WireProxy sourceProxy;
    private WireProxy destinationProxy;

    @AfterEach
    void closeProxies() {
        for (WireProxy p : new WireProxy[] {sourceProxy, destinationProxy}) {
            if (p != null) {
                p.close();
            }
        }
    }

    @Test
    void createsEachCollectionWithTheOptionsTheSourceReports() {
        seed();
        proxies();

        MigrationReport report = Migrations.run(spec("create-copy").continuousSync(false).build(), Duration.ofMinutes(1));

        assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
        BsonDocument contacts = recordedOptions("contacts");
        assertThat(sentCreate("crm", "contacts")).isEqualTo(new BsonDocument("create", new BsonString("contacts"))
                .append("validator", contacts.get("validator"))
                .append("validationLevel", contacts.get("validationLevel"))
                .append("validationAction", contacts.get("validationAction"))
                .append("collation", contacts.get("collation")));
        BsonDocument events = recordedOptions("events");
        assertThat(sentCreate("shop", "events")).isEqualTo(new BsonDocument("create", new BsonString("events"))
                .append("capped", BsonBoolean.TRUE).append("size", events.get("size")).append("max", events.get("max")));
        for (String ns : List.of("crm.contacts", "shop.events")) {
            assertSameDocuments(source.client(), Namespace.parse(ns), destination.client(), Namespace.parse(ns));
        }
    }

    @Test
    void aLiveMigrationCreatesACappedCollectionThatCannotEvictBeforeTheSourceDoes() {
        seed();
        proxies();

        try (MigrationSession session = Migrations.start(spec("create-live").build())) {
            await().atMost(Duration.ofMinutes(1)).until(() -> session.state() == MigrationState.SYNCING
                    || session.state() == MigrationState.READY_TO_CUTOVER || session.state().isTerminal());
            assertThat(session.state()).isIn(MigrationState.SYNCING, MigrationState.READY_TO_CUTOVER);
        }

        // what the README promises while syncing: at least twice the size, and no maximum number of documents
        BsonDocument sent = sentCreate("shop", "events");
        long recordedSize = ((BsonNumber) recordedOptions("events").get("size")).longValue();
        assertThat(sent.getBoolean("capped").getValue()).isTrue();
        assertThat(sent.getNumber("size").longValue()).isGreaterThanOrEqualTo(2 * recordedSize);
        assertThat(sent).doesNotContainKey("max");
        assertThat(sentCreate("crm", "contacts")).containsKeys("validator", "collation"); // not capped: as reported
    }

    private void seed() {
        for (int i = 0; i < 20; i++) {
            source.client().getDatabase("crm").getCollection("contacts").insertOne(new Document("_id", i).append("email", i + "@x"));
            source.client().getDatabase("shop").getCollection("events").insertOne(new Document("_id", i).append("at", i));
        }
    }

    /** A source whose catalog reports the recorded options, and a destination that acknowledges capped creates. */
    private void proxies() {
        sourceProxy = WireProxy.inFrontOf(source, (command, upstream) -> command.name().equals("listCollections")
                ? RecordedCatalog.withRecordedOptions(upstream.forward()) : upstream.forward());
        destinationProxy = WireProxy.inFrontOf(destination, (command, upstream) ->
                command.name().equals("create") && command.body().getBoolean("capped", BsonBoolean.FALSE).getValue()
                        ? WireProxy.bytes(new BsonDocument("ok", new BsonInt32(1))) : upstream.forward());
    }

    private BsonDocument sentCreate(String database, String collection) {
        List<WireProxy.Command> creates = destinationProxy.commands("create").stream()
                .filter(c -> database.equals(c.database()) && c.body().getString("create").getValue().equals(collection)).toList();
        // a capped collection is created again before its copy (one stream, emptied before each attempt): always alike
        assertThat(creates).as("create commands for %s.%s", database, collection).isNotEmpty();
        List<BsonDocument> bodies = creates.stream().map(c -> {
            BsonDocument body = new BsonDocument();
            body.putAll(c.body());
            body.remove("$db");
            body.remove("lsid");
            return body;
        }).distinct().toList();
        assertThat(bodies).hasSize(1);
        return bodies.get(0);
    }

    private MigrationSpec.Builder spec(String id) {
        return MigrationSpec.builder().migrationId(id).source(sourceProxy.connectionString())
                .destination(destinationProxy.connectionString());
    }

    private static BsonDocument recordedOptions(String name) {
        return RecordedCatalog.entry(name).getDocument("options");
    }
}
