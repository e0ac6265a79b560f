package dev.livemigrate.verify;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import dev.livemigrate.Namespace;
import dev.livemigrate.NamespaceVerification;
import dev.livemigrate.core.testing.EmbeddedMongo;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Index definitions compared as they behave: keys in order, the options that change what an index does, numbers
 * by value. On the embedded server where it lists the definition faithfully; on {@code listIndexes} entries in
 * MongoDB's shape where it cannot create them (text and 2dsphere versions, hidden, collation).
 */
class IndexComparisonTest {

    private static final Namespace NS = Namespace.parse("app.things");

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    void keysInAnotherOrderAreAnotherIndex() {
        createIndex(source, "{createIndexes: 'things', indexes: [{key: {a: 1, b: 1}, name: 'compound'}]}");
        createIndex(destination, "{createIndexes: 'things', indexes: [{key: {b: 1, a: 1}, name: 'compound'}]}");

        NamespaceVerification r = run();

        assertThat(r.equal()).isFalse();
        assertThat(r.indexDifferences()).containsExactly(
                "app.things: index compound differs in key: source {\"a\": 1, \"b\": 1}, destination {\"b\": 1, \"a\": 1}");
    }

    /** {@code collMod} stores a restored TTL as NumberLong; the source's may be Int32. */
    @Test
    void aTtlComparesByValueNotByType() {
        createIndex(source, "{createIndexes: 'things', indexes: [{key: {at: 1}, name: 'at_1', expireAfterSeconds: 3600}]}");
        createIndex(destination, "{createIndexes: 'things', indexes: [{key: {at: 1}, name: 'at_1',"
                + " expireAfterSeconds: {$numberLong: '3600'}}]}");
        assertThat(IndexOptionsVerifier.indexes(destination.client(), NS).get("at_1").get("expireAfterSeconds").isInt64())
                .as("the embedded server keeps the type").isTrue();

        NamespaceVerification r = run();

        assertThat(r.indexDifferences()).isEmpty();
        assertThat(r.equal()).isTrue();
    }

    @Test
    void uniqueSparseAndPartialFiltersAreCompared() {
        createIndex(source, "{createIndexes: 'things', indexes: [{key: {e: 1}, name: 'e_1', unique: true},"
                + " {key: {s: 1}, name: 's_1', sparse: true}, {key: {p: 1}, name: 'p_1', partialFilterExpression: {p: {$gt: 5}}}]}");
        createIndex(destination, "{createIndexes: 'things', indexes: [{key: {e: 1}, name: 'e_1'},"
                + " {key: {s: 1}, name: 's_1'}, {key: {p: 1}, name: 'p_1', partialFilterExpression: {p: {$gt: 6}}}]}");

        assertThat(run().indexDifferences()).containsExactly(
                "app.things: index e_1 differs in unique: source true, destination (not set)",
                "app.things: index p_1 differs in partialFilterExpression: source {\"p\": {\"$gt\": 5}}, destination {\"p\": {\"$gt\": 6}}",
                "app.things: index s_1 differs in sparse: source true, destination (not set)");
    }

    /**
     * A text index as {@code listIndexes} reports it: the server fills in {@code weights}, {@code default_language},
     * {@code language_override} and {@code textIndexVersion} (MongoDB's src/mongo/db/fts/fts_spec.cpp,
     * {@code FTSSpec::fixSpec}; the output shown in https://www.mongodb.com/docs/manual/core/indexes/index-types/index-text/).
     */
    @Test
    void textIndexWeightsAndLanguageAreCompared() {
        BsonDocument text = BsonDocument.parse("{v: 2, key: {_fts: 'text', _ftsx: 1}, name: 'title_text_body_text',"
                + " weights: {body: 1, title: 10}, default_language: 'english', language_override: 'language', textIndexVersion: 3}");
        BsonDocument reordered = BsonDocument.parse("{v: 2, key: {_fts: 'text', _ftsx: 1}, name: 'title_text_body_text',"
                + " weights: {title: 10, body: {$numberLong: '1'}}, default_language: 'english', language_override: 'language',"
                + " textIndexVersion: {$numberLong: '3'}}");
        BsonDocument german = BsonDocument.parse("{v: 2, key: {_fts: 'text', _ftsx: 1}, name: 'title_text_body_text',"
                + " weights: {body: 1, title: 5}, default_language: 'german', language_override: 'lang', textIndexVersion: 2}");

        assertThat(IndexComparison.differences(text, reordered)).isEmpty();
        assertThat(IndexComparison.differences(text, german))
                .containsExactly("weights", "default_language", "language_override", "textIndexVersion");
    }

    /**
     * {@code 2dsphereIndexVersion} as the server fills it in (src/mongo/db/index/s2_access_method.cpp,
     * {@code S2AccessMethod::fixSpec}); {@code hidden} as {@code listIndexes} reports a hidden index
     * (https://www.mongodb.com/docs/manual/core/index-hidden/); {@code collation} as the server expands it
     * (https://www.mongodb.com/docs/manual/reference/collation/); {@code ns}, {@code v} and {@code background}
     * differ between servers and builds without changing the index.
     */
    @Test
    void geoVersionHiddenAndCollationCountAndServerDetailsDoNot() {
        BsonDocument geo = BsonDocument.parse("{v: 2, key: {loc: '2dsphere'}, name: 'loc_2dsphere', '2dsphereIndexVersion': 3}");
        BsonDocument oldGeo = BsonDocument.parse("{v: 1, key: {loc: '2dsphere'}, name: 'loc_2dsphere', '2dsphereIndexVersion': 2,"
                + " ns: 'app.things', background: true}");
        assertThat(IndexComparison.differences(geo, oldGeo)).containsExactly("2dsphereIndexVersion");
        assertThat(IndexComparison.differences(geo, BsonDocument.parse("{v: 1, key: {loc: '2dsphere'}, name: 'loc_2dsphere',"
                + " '2dsphereIndexVersion': {$numberLong: '3'}, ns: 'app.things', background: false}"))).isEmpty();

        BsonDocument plain = BsonDocument.parse("{v: 2, key: {a: 1}, name: 'a_1'}");
        assertThat(IndexComparison.differences(plain, BsonDocument.parse("{v: 2, key: {a: 1}, name: 'a_1', hidden: true}")))
                .containsExactly("hidden");
        assertThat(IndexComparison.differences(plain, BsonDocument.parse("{v: 2, key: {a: 1.0}, name: 'a_1', hidden: false,"
                + " unique: false, sparse: false}"))).isEmpty();

        String collation = "{locale: 'fr', caseLevel: false, caseFirst: 'off', strength: %d, numericOrdering: false,"
                + " alternate: 'non-ignorable', maxVariable: 'punct', normalization: false, backwards: false, version: '57.1'}";
        assertThat(IndexComparison.differences(
                BsonDocument.parse("{v: 2, key: {n: 1}, name: 'n_1', collation: " + collation.formatted(2) + "}"),
                BsonDocument.parse("{v: 2, key: {n: 1}, name: 'n_1', collation: " + collation.formatted(3) + "}")))
                .containsExactly("collation");
        assertThat(IndexComparison.differences(
                BsonDocument.parse("{v: 2, key: {n: 1}, name: 'n_1', collation: " + collation.formatted(2) + "}"),
                BsonDocument.parse("{v: 2, key: {n: 1}, name: 'n_1'}"))).containsExactly("collation");
    }

    @Test
    void indexesMissingOrOnlyOnTheDestinationAreNamed() {
        assertThat(IndexComparison.compare(NS, Map.of("a_1", BsonDocument.parse("{key: {a: 1}, name: 'a_1'}")),
                Map.of("b_1", BsonDocument.parse("{key: {b: 1}, name: 'b_1'}")))).containsExactly(
                "app.things: index a_1 is missing on the destination", "app.things: index b_1 exists only on the destination");
    }

    private NamespaceVerification run() {
        return new IndexOptionsVerifier().verify(settings(source), settings(destination), Map.of(NS, NS)).get(0);
    }

    private static void createIndex(EmbeddedMongo m, String command) {
        m.client().getDatabase(NS.database()).runCommand(BsonDocument.parse(command));
    }

    private static MongoClientSettings settings(EmbeddedMongo m) {
        return MongoClientSettings.builder().applyConnectionString(new ConnectionString(m.connectionString())).build();
    }
}
