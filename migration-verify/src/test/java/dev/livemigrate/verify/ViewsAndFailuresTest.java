package dev.livemigrate.verify;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.ReadConcern;
import com.mongodb.ReadPreference;
import dev.livemigrate.Namespace;
import dev.livemigrate.NamespaceVerification;
import dev.livemigrate.VerificationReport;
import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.core.testing.WireProxy;
import dev.livemigrate.spi.Verifier;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Views are compared by definition, never read or listed for indexes; a namespace that fails is reported for
 * itself and the others are still compared; reads are pinned to the primary with majority read concern. The
 * embedded server turns views into plain collections, so proxies in front of both servers answer
 * {@code listCollections} with a view entry added and {@code listIndexes} on it with MongoDB's error.
 */
class ViewsAndFailuresTest {

    private static final Namespace THINGS = Namespace.parse("app.things");
    private static final Namespace RECENT = Namespace.parse("app.recent");
    private static final Namespace BROKEN = Namespace.parse("app.broken");
    private static final Set<String> READS = Set.of("find", "aggregate", "count", "listIndexes", "collStats");

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    void viewsAreComparedByDefinitionAndNeverRead() {
        seedBoth("things", "{_id: 1, a: 1}");
        String pipeline = "[{$match: {a: 1}}, {$sort: {a: 1, b: 1}}]";
        try (WireProxy s = withView(source, pipeline); WireProxy d = withView(destination, pipeline)) {
            VerificationReport report = verifyAll(s, d, THINGS, RECENT);

            assertThat(report.differences()).isEmpty();
            assertThat(report.equal()).isTrue();
            assertThat(readsOf(s, "recent")).isEmpty();
            assertThat(readsOf(d, "recent")).isEmpty();
            assertThat(readsOf(s, "things")).isNotEmpty();
        }
    }

    @Test
    void aViewWithAnotherPipelineOrKindIsDifferent() {
        seedBoth("things", "{_id: 1}");
        try (WireProxy s = withView(source, "[{$sort: {a: 1, b: 1}}]"); WireProxy d = withView(destination, "[{$sort: {b: 1, a: 1}}]")) {
            assertThat(verifyAll(s, d, RECENT).differences()).containsExactly("app.recent: view definition pipeline differs:"
                    + " source [{\"$sort\": {\"a\": 1, \"b\": 1}}], destination [{\"$sort\": {\"b\": 1, \"a\": 1}}]");
        }
        destination.client().getDatabase("app").getCollection("recent", BsonDocument.class).insertOne(BsonDocument.parse("{_id: 1}"));
        try (WireProxy s = withView(source, "[]"); WireProxy d = WireProxy.recording(destination)) {
            assertThat(verifyAll(s, d, RECENT).differences())
                    .containsExactly("app.recent is a view on the source and a collection on the destination");
        }
    }

    /** A namespace whose reads fail (here: MongoDB's Unauthorized reply, code 13) does not stop the others. */
    @Test
    void aNamespaceThatFailsIsReportedAndTheOthersAreStillCompared() {
        seedBoth("things", "{_id: 1}");
        seedBoth("broken", "{_id: 1}");
        BsonDocument unauthorized = BsonDocument.parse("{ok: 0.0, errmsg: 'not authorized on app to execute command',"
                + " code: 13, codeName: 'Unauthorized'}");
        try (WireProxy s = WireProxy.inFrontOf(source, (command, upstream) -> "broken".equals(target(command))
                && READS.contains(command.name()) ? WireProxy.bytes(unauthorized) : upstream.forward());
             WireProxy d = WireProxy.recording(destination)) {
            VerificationReport report = verifyAll(s, d, BROKEN, THINGS);

            assertThat(report.equal()).isFalse();
            NamespaceVerification broken = report.namespaces().get(0);
            assertThat(broken.source()).isEqualTo(BROKEN);
            assertThat(broken.equal()).isFalse();
            assertThat(broken.otherDifferences()).hasSize(3).allSatisfy(m -> assertThat(m)
                    .startsWith("app.broken -> app.broken: the ").contains("verifier could not compare them", "not authorized"));
            NamespaceVerification things = report.namespaces().get(1);
            assertThat(things.source()).isEqualTo(THINGS);
            assertThat(things.equal()).isTrue();
            assertThat(things.documentsHashed()).isEqualTo(1);
        }
    }

    /** The connection string asks for secondaries and local reads; the verifiers read from the primary, majority. */
    @Test
    void readsArePinnedToThePrimaryWithMajorityReadConcern() {
        seedBoth("things", "{_id: 1}");
        MongoClientSettings loose = MongoClientSettings.builder().applyConnectionString(new ConnectionString(
                source.connectionString() + "/?readPreference=secondaryPreferred&readConcernLevel=local")).build();
        assertThat(Clients.pinned(loose).getReadPreference()).isEqualTo(ReadPreference.primary());
        assertThat(Clients.pinned(loose).getReadConcern()).isEqualTo(ReadConcern.MAJORITY);

        try (WireProxy s = WireProxy.recording(source); WireProxy d = WireProxy.recording(destination)) {
            String query = "&readPreference=secondaryPreferred&readConcernLevel=local";
            MongoClientSettings sourceSettings = settings(s.connectionString() + query);
            MongoClientSettings destinationSettings = settings(d.connectionString() + query);
            for (Verifier v : List.of(new CountVerifier(), new HashVerifier())) {
                assertThat(v.verify(sourceSettings, destinationSettings, Map.of(THINGS, THINGS)).get(0).equal()).isTrue();
            }
            List<WireProxy.Command> reads = new ArrayList<>(s.commands());
            reads.addAll(d.commands());
            reads.removeIf(c -> !Set.of("find", "aggregate").contains(c.name()));
            assertThat(reads).hasSizeGreaterThanOrEqualTo(4).allSatisfy(c -> {
                assertThat(c.body().getDocument("readConcern")).isEqualTo(BsonDocument.parse("{level: 'majority'}"));
                assertThat(c.body().getDocument("$readPreference", BsonDocument.parse("{mode: 'primary'}")))
                        .isEqualTo(BsonDocument.parse("{mode: 'primary'}"));
            });
        }
    }

    private static VerificationReport verifyAll(WireProxy s, WireProxy d, Namespace... namespaces) {
        Map<Namespace, Namespace> map = new LinkedHashMap<>();
        for (Namespace n : namespaces) {
            map.put(n, n);
        }
        List<NamespaceVerification> all = new ArrayList<>();
        List<Verifier> verifiers = List.of(new CountVerifier(), new HashVerifier(), new IndexOptionsVerifier());
        verifiers.forEach(v -> all.addAll(v.verify(settings(s.connectionString()), settings(d.connectionString()), map)));
        return VerificationReport.merge(verifiers.stream().map(Verifier::name).toList(), all, Duration.ofMillis(1));
    }

    /**
     * A proxy that adds view {@code app.recent} on {@code things} to every {@code listCollections} reply, in the shape
     * MongoDB lists a view ({@code {name, type: 'view', options: {viewOn, pipeline}, info: {readOnly: true}}},
     * https://www.mongodb.com/docs/manual/reference/command/listCollections/#output), and answers {@code listIndexes}
     * on it as MongoDB does: {@code CommandNotSupportedOnView}, code 166.
     */
    private static WireProxy withView(EmbeddedMongo upstream, String pipeline) {
        BsonDocument view = BsonDocument.parse("{name: 'recent', type: 'view', options: {viewOn: 'things', pipeline: " + pipeline
                + "}, info: {readOnly: true}}");
        BsonDocument notOnView = BsonDocument.parse("{ok: 0.0, errmsg: 'Namespace app.recent is a view, not a collection',"
                + " code: 166, codeName: 'CommandNotSupportedOnView'}");
        return WireProxy.inFrontOf(upstream, (command, up) -> {
            if (command.name().equals("listIndexes") && "recent".equals(target(command))) {
                return WireProxy.bytes(notOnView);
            }
            return command.name().equals("listCollections") ? WireProxy.bytes(withEntry(up.forward(), view)) : up.forward();
        });
    }

    private static BsonDocument withEntry(byte[] reply, BsonDocument entry) {
        BsonDocument body = new RawBsonDocument(reply).decode(new BsonDocumentCodec());
        BsonArray batch = body.getDocument("cursor").getArray("firstBatch");
        batch.removeIf(e -> e.asDocument().getString("name").getValue().equals("recent"));
        batch.add(entry);
        return body;
    }

    private static String target(WireProxy.Command command) {
        var value = command.body().get(command.name());
        return value != null && value.isString() ? value.asString().getValue() : null;
    }

    private static List<WireProxy.Command> readsOf(WireProxy proxy, String collection) {
        return proxy.commands().stream().filter(c -> READS.contains(c.name()) && collection.equals(target(c))).toList();
    }

    private void seedBoth(String collection, String document) {
        source.client().getDatabase("app").getCollection(collection, BsonDocument.class).insertOne(BsonDocument.parse(document));
        destination.client().getDatabase("app").getCollection(collection, BsonDocument.class).insertOne(BsonDocument.parse(document));
    }

    private static MongoClientSettings settings(String connectionString) {
        return MongoClientSettings.builder().applyConnectionString(new ConnectionString(connectionString)).build();
    }
}
