package dev.livemigrate.verify;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import dev.livemigrate.Namespace;
import dev.livemigrate.VerificationResult;
import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.spi.Verifier;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class VerifiersTest {

    private static final Namespace NS = Namespace.parse("app.things");

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    void theVerifiersAreRegistered() {
        assertThat(ServiceLoader.load(Verifier.class).stream().map(ServiceLoader.Provider::type))
                .contains(CountVerifier.class, HashVerifier.class, IndexOptionsVerifier.class);
    }

    @Test
    void equalDataPassesEveryVerifier() {
        seedBoth("{_id: 1, a: 1}", "{_id: 'x', b: [1, 2]}", "{_id: {k: 1}, c: {d: 1.5}}");
        for (Verifier v : new Verifier[] {new CountVerifier(), new HashVerifier(), new IndexOptionsVerifier()}) {
            assertThat(run(v).equal()).as(v.name()).isTrue();
        }
    }

    @Test
    void namesEachPlantedDocumentDifference() {
        seedBoth("{_id: 1, a: 1, b: 2}", "{_id: 2, a: 1}", "{_id: 3, n: 1}", "{_id: 4, x: 'y'}");
        MongoCollection<BsonDocument> d = collection(destination);
        d.deleteOne(BsonDocument.parse("{_id: 4}"));                                    // missing
        d.insertOne(BsonDocument.parse("{_id: 5}"));                                    // extra
        d.replaceOne(BsonDocument.parse("{_id: 2}"), BsonDocument.parse("{_id: 2, a: 2}")); // changed field
        d.deleteOne(BsonDocument.parse("{_id: 3}"));
        d.insertOne(BsonDocument.parse("{_id: 3, n: 1.0}"));                            // int became double
        d.deleteOne(BsonDocument.parse("{_id: 1}"));
        d.insertOne(BsonDocument.parse("{_id: 1, b: 2, a: 1}"));                        // reordered fields

        VerificationResult hash = run(new HashVerifier());

        assertThat(hash.equal()).isFalse();
        assertThat(hash.summary()).contains("5 document(s) differ", "missing BsonInt32{value=4}", "extra BsonInt32{value=5}",
                "different BsonInt32{value=2}", "different BsonInt32{value=3}", "different BsonInt32{value=1}");
        assertThat(run(new CountVerifier()).equal()).isTrue(); // same count: only the hash sees it
    }

    @Test
    void aCountDifferenceIsNamed() {
        seedBoth("{_id: 1}");
        collection(destination).insertOne(BsonDocument.parse("{_id: 2}"));
        assertThat(run(new CountVerifier()).summary()).contains("app.things has 1 documents, app.things has 2");
    }

    @Test
    void namesMissingIndexesAndDifferentTtl() {
        seedBoth("{_id: 1, at: {$date: 0}, email: 'a'}");
        collection(source).createIndex(Indexes.ascending("email"), new IndexOptions().unique(true));
        collection(source).createIndex(Indexes.ascending("at"), new IndexOptions().expireAfter(60L, TimeUnit.SECONDS));
        collection(destination).createIndex(Indexes.ascending("at"), new IndexOptions().expireAfter(3600L, TimeUnit.SECONDS));

        VerificationResult r = run(new IndexOptionsVerifier());

        assertThat(r.equal()).isFalse();
        assertThat(r.summary()).contains("index email_1 is missing on the destination", "index at_1 differs");
    }

    @Test
    void comparesCollectionOptionsSuchAsValidators() {
        // the embedded server lists no options, so the comparison itself is checked on recorded definitions
        assertThat(IndexOptionsVerifier.compare(NS, Map.of("a_1", BsonDocument.parse("{key: {a: 1}, name: 'a_1'}")),
                Map.of("a_1", BsonDocument.parse("{key: {a: 1}, name: 'a_1', unique: true}"))))
                .containsExactly("app.things: index a_1 differs: source {\"key\": {\"a\": 1}, \"name\": \"a_1\"}, destination"
                        + " {\"key\": {\"a\": 1}, \"name\": \"a_1\", \"unique\": true}");
    }

    @Test
    void writesGoingOnDuringVerificationAreNotReportedAsMismatches() throws Exception {
        for (int i = 0; i < 2000; i++) {
            collection(source).insertOne(BsonDocument.parse("{_id: " + i + ", v: 0}"));
            collection(destination).insertOne(BsonDocument.parse("{_id: " + i + ", v: 0}"));
        }
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread writer = new Thread(() -> { // each change reaches the destination a little later, as in a live migration
            for (int v = 1; writing.get(); v++) {
                BsonDocument update = BsonDocument.parse("{$set: {v: " + v + "}}");
                BsonDocument id = BsonDocument.parse("{_id: " + (v % 2000) + "}");
                collection(source).updateOne(id, update);
                collection(destination).updateOne(id, update);
            }
        });
        writer.start();
        try {
            for (int round = 0; round < 3; round++) {
                assertThat(run(new HashVerifier()).equal()).isTrue();
            }
        } finally {
            writing.set(false);
            writer.join();
        }
    }

    private VerificationResult run(Verifier v) {
        return v.verify(settings(source), settings(destination), Map.of(NS, NS));
    }

    private static MongoClientSettings settings(EmbeddedMongo m) {
        return MongoClientSettings.builder().applyConnectionString(new ConnectionString(m.connectionString())).build();
    }

    private void seedBoth(String... docs) {
        for (String d : docs) {
            collection(source).insertOne(BsonDocument.parse(d));
            collection(destination).insertOne(BsonDocument.parse(d));
        }
    }

    private static MongoCollection<BsonDocument> collection(EmbeddedMongo m) {
        return m.client().getDatabase(NS.database()).getCollection(NS.collection(), BsonDocument.class);
    }
}
