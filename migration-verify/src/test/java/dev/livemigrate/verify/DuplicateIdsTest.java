package dev.livemigrate.verify;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoCollection;
import dev.livemigrate.MigrationReport;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.MigrationState;
import dev.livemigrate.Migrations;
import dev.livemigrate.Namespace;
import dev.livemigrate.NamespaceVerification;
import dev.livemigrate.NamespaceVerification.Mismatch;
import dev.livemigrate.NamespaceVerification.Mismatch.Kind;
import dev.livemigrate.VerificationReport;
import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.core.testing.WireProxy;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two documents with one {@code _id} (possible on a sharded collection whose shard key is not {@code _id}) are never
 * folded into one: a destination holding one copy is DIFFERENT, with the surplus named as missing.
 */
class DuplicateIdsTest {

    private static final Namespace NS = Namespace.parse("app.things");

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    /**
     * The embedded server holds one document per {@code _id}, so a proxy in front of the source answers every
     * {@code find} on the collection as a sharded cluster holding a second document with {@code _id: 1} (a copy left
     * on another shard) would: the reply is MongoDB's find reply, {@code {cursor: {firstBatch: [...], id, ns}, ok: 1}}
     * (https://www.mongodb.com/docs/manual/reference/command/find/#output), with the extra document added to the
     * batch. The re-check by {@code _id} goes through the same proxy and sees both too.
     */
    @Test
    void aSecondSourceDocumentWithTheSameIdIsNamedAsMissing() {
        seedBoth("{_id: 1, a: 1}", "{_id: 2, a: 1}");
        BsonDocument twin = BsonDocument.parse("{_id: 1, a: 2}");
        try (WireProxy proxy = WireProxy.inFrontOf(source, (command, upstream) -> {
            byte[] reply = upstream.forward();
            return command.name().equals("find") ? WireProxy.bytes(withTwin(reply, twin)) : reply;
        })) {
            List<NamespaceVerification> all = new ArrayList<>();
            for (var v : List.of(new CountVerifier(), new HashVerifier())) {
                all.addAll(v.verify(settings(proxy.connectionString()), settings(destination.connectionString()), Map.of(NS, NS)));
            }
            NamespaceVerification hash = all.get(1);

            assertThat(hash.documentsHashed()).isEqualTo(3);
            assertThat(hash.mismatchTotal()).isEqualTo(1);
            assertThat(hash.mismatches()).containsExactly(new Mismatch(Kind.MISSING, new BsonInt32(1)));
            assertThat(hash.equal()).isFalse();
            VerificationReport report = VerificationReport.merge(List.of("count", "hash"), all, Duration.ofMillis(1));
            assertThat(report.equal()).isFalse();
            assertThat(report.differences()).containsExactly("app.things -> app.things: 1 document(s) differ: missing 1");
        }
    }

    /**
     * Through the public API: a one-time copy asked to verify compares as soon as the copy ends. The copy writes one of
     * the twins (the destination refuses the second's {@code _id}); its own verification says DIFFERENT.
     */
    @Test
    void aOneTimeCopyAskedToVerifyReportsTheTwinItCouldNotWrite() {
        collection(source).insertOne(BsonDocument.parse("{_id: 1, a: 1}"));
        collection(source).insertOne(BsonDocument.parse("{_id: 2, a: 1}"));
        BsonDocument twin = BsonDocument.parse("{_id: 1, a: 2}");
        try (WireProxy proxy = WireProxy.inFrontOf(source, (command, upstream) -> {
            byte[] reply = upstream.forward();
            return command.name().equals("find") ? WireProxy.bytes(withTwin(reply, twin)) : reply;
        })) {
            MigrationReport report = Migrations.run(MigrationSpec.builder().migrationId("twins").source(proxy.connectionString())
                    .destination(destination.connectionString()).include("app.*").continuousSync(false).verify(true).build(), Duration.ofMinutes(1));

            assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
            assertThat(report.verification()).isEqualTo(MigrationReport.Verification.DIFFERENT);
            assertThat(report.verificationReport().differences()).contains("app.things -> app.things: 1 document(s) differ: missing 1");
        }
    }

    /** Identical twins: their digests are equal, so only counting documents per {@code _id} can tell. */
    @Test
    void anIdenticalSecondCopyIsNamedToo() {
        seedBoth("{_id: 1, a: 1}");
        try (WireProxy proxy = WireProxy.inFrontOf(source, (command, upstream) -> {
            byte[] reply = upstream.forward();
            return command.name().equals("find") ? WireProxy.bytes(withTwin(reply, BsonDocument.parse("{_id: 1, a: 1}"))) : reply;
        })) {
            NamespaceVerification hash = new HashVerifier().verify(settings(proxy.connectionString()),
                    settings(destination.connectionString()), Map.of(NS, NS)).get(0);

            assertThat(hash.mismatches()).containsExactly(new Mismatch(Kind.MISSING, new BsonInt32(1)));
            assertThat(hash.equal()).isFalse();
        }
    }

    /**
     * {@code {a: 1, b: 2}} and {@code {b: 2, a: 1}} are two {@code _id}s to MongoDB (and to the embedded server), but
     * {@link BsonDocument#equals} calls them equal: keyed that way, the second would hide behind the first.
     */
    @Test
    void idsThatDifferOnlyInFieldOrderAreTwoDocuments() {
        collection(source).insertOne(BsonDocument.parse("{_id: {a: 1, b: 2}, v: 1}"));
        collection(source).insertOne(BsonDocument.parse("{_id: {b: 2, a: 1}, v: 1}"));
        collection(destination).insertOne(BsonDocument.parse("{_id: {a: 1, b: 2}, v: 1}"));

        NamespaceVerification hash = new HashVerifier().verify(settings(source.connectionString()),
                settings(destination.connectionString()), Map.of(NS, NS)).get(0);

        assertThat(hash.mismatchTotal()).isEqualTo(1);
        assertThat(hash.mismatches()).singleElement().satisfies(m -> {
            assertThat(m.kind()).isEqualTo(Kind.MISSING);
            assertThat(m.id().asDocument().toJson()).isEqualTo("{\"b\": 2, \"a\": 1}");
        });
    }

    @Test
    void documentsAreComparedAsMultisetsPerId() {
        assertThat(compare(List.of(doc("{_id: 1, a: 1}"), doc("{_id: 1, a: 2}")), List.of(doc("{_id: 1, a: 2}"))))
                .containsExactly(new Mismatch(Kind.MISSING, new BsonInt32(1)));
        assertThat(compare(List.of(doc("{_id: 1, a: 1}")), List.of(doc("{_id: 1, a: 2}"), doc("{_id: 1, a: 3}"))))
                .containsExactly(new Mismatch(Kind.DIFFERENT, new BsonInt32(1)), new Mismatch(Kind.EXTRA, new BsonInt32(1)));
        assertThat(compare(List.of(doc("{_id: 1, a: 1}"), doc("{_id: 1, a: 1}")), List.of(doc("{_id: 1, a: 1}"), doc("{_id: 1, a: 1}"))))
                .isEmpty();
        // one _id in MongoDB, whatever its numeric type: a type change is one different document, not missing + extra
        assertThat(compare(List.of(doc("{_id: 1, a: 1}")), List.of(doc("{_id: {$numberLong: '1'}, a: 1}"))))
                .containsExactly(new Mismatch(Kind.DIFFERENT, new BsonInt32(1)));
        assertThat(DocumentsById.key(new BsonInt64(1))).isEqualTo(DocumentsById.key(new BsonInt32(1)));
    }

    private static List<Mismatch> compare(List<RawBsonDocument> source, List<RawBsonDocument> destination) {
        return DocumentsById.compare(group(source), group(destination));
    }

    private static DocumentsById group(List<RawBsonDocument> documents) {
        DocumentsById grouped = new DocumentsById();
        documents.forEach(d -> grouped.add(d, HexFormat.of().formatHex(HashVerifier.bytes(d))));
        return grouped;
    }

    private static RawBsonDocument doc(String json) {
        return RawBsonDocument.parse(json);
    }

    private static BsonDocument withTwin(byte[] reply, BsonDocument twin) {
        BsonDocument body = new RawBsonDocument(reply).decode(new BsonDocumentCodec());
        BsonDocument cursor = body.getDocument("cursor", null);
        if (cursor == null) {
            return body;
        }
        BsonArray batch = cursor.getArray("firstBatch", cursor.getArray("nextBatch", new BsonArray()));
        BsonValue id = twin.get("_id");
        if (batch.stream().anyMatch(d -> d.asDocument().get("_id").equals(id))) {
            batch.add(twin);
        }
        return body;
    }

    private void seedBoth(String... docs) {
        for (String d : docs) {
            collection(source).insertOne(BsonDocument.parse(d));
            collection(destination).insertOne(BsonDocument.parse(d));
        }
    }

    private static MongoClientSettings settings(String connectionString) {
        return MongoClientSettings.builder().applyConnectionString(new ConnectionString(connectionString)).build();
    }

    private static MongoCollection<BsonDocument> collection(EmbeddedMongo m) {
        return m.client().getDatabase(NS.database()).getCollection(NS.collection(), BsonDocument.class);
    }
}
