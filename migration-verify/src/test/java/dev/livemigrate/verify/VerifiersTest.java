package dev.livemigrate.verify;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.event.CommandSucceededEvent;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import dev.livemigrate.Namespace;
import dev.livemigrate.NamespaceVerification;
import dev.livemigrate.NamespaceVerification.Mismatch;
import dev.livemigrate.NamespaceVerification.Mismatch.Kind;
import dev.livemigrate.VerificationReport;
import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.spi.Verifier;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
        NamespaceVerification hash = run(new HashVerifier());
        assertThat(hash.sourceDigest()).hasSize(32).isEqualTo(hash.destinationDigest());
        assertThat(hash.documentsHashed()).isEqualTo(3);
        assertThat(hash.bytesHashed()).isPositive();
        assertThat(run(new CountVerifier())).extracting(NamespaceVerification::sourceDocuments, NamespaceVerification::destinationDocuments)
                .containsExactly(3L, 3L);
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

        NamespaceVerification hash = run(new HashVerifier());

        assertThat(hash.equal()).isFalse();
        assertThat(hash.sourceDigest()).isNotEqualTo(hash.destinationDigest());
        assertThat(hash.mismatchTotal()).isEqualTo(5);
        assertThat(hash.mismatches()).containsExactlyInAnyOrder(new Mismatch(Kind.MISSING, new BsonInt32(4)),
                new Mismatch(Kind.EXTRA, new BsonInt32(5)), new Mismatch(Kind.DIFFERENT, new BsonInt32(2)),
                new Mismatch(Kind.DIFFERENT, new BsonInt32(3)), new Mismatch(Kind.DIFFERENT, new BsonInt32(1)));
        assertThat(hash.differences()).singleElement().asString().contains("5 document(s) differ", "missing 4", "extra 5", "different 1");
        assertThat(run(new CountVerifier()).equal()).isTrue(); // same count: only the hash sees it
    }

    @Test
    void aCountDifferenceIsNamed() {
        seedBoth("{_id: 1}");
        collection(destination).insertOne(BsonDocument.parse("{_id: 2}"));
        NamespaceVerification count = run(new CountVerifier());
        assertThat(count.equal()).isFalse();
        assertThat(count.differences()).containsExactly("app.things has 1 documents, app.things has 2");
    }

    @Test
    void namesMissingIndexesAndDifferentTtl() {
        seedBoth("{_id: 1, at: {$date: 0}, email: 'a'}");
        collection(source).createIndex(Indexes.ascending("email"), new IndexOptions().unique(true));
        collection(source).createIndex(Indexes.ascending("at"), new IndexOptions().expireAfter(60L, TimeUnit.SECONDS));
        collection(destination).createIndex(Indexes.ascending("at"), new IndexOptions().expireAfter(3600L, TimeUnit.SECONDS));

        NamespaceVerification r = run(new IndexOptionsVerifier());

        assertThat(r.equal()).isFalse();
        assertThat(r.indexDifferences()).hasSize(2);
        assertThat(r.indexDifferences().get(0)).isEqualTo("app.things: index at_1 differs in expireAfterSeconds: source 60, destination 3600");
        assertThat(r.indexDifferences().get(1)).isEqualTo("app.things: index email_1 is missing on the destination");
        assertThat(r.optionDifferences()).isEmpty();
    }

    @Test
    void namesDifferentValidatorsAndOtherCollectionOptions() {
        // the embedded server lists no options, so the comparison runs on listCollections options as MongoDB reports them
        BsonDocument source = BsonDocument.parse("{validator: {$jsonSchema: {required: ['email']}}, validationLevel: 'strict',"
                + " collation: {locale: 'fr', strength: 2}}");
        BsonDocument destination = BsonDocument.parse("{validator: {$jsonSchema: {required: ['name']}}, validationLevel: 'strict'}");

        assertThat(IndexOptionsVerifier.compareOptions(NS, source, destination)).containsExactly(
                "app.things: collection option collation differs: source {\"locale\": \"fr\", \"strength\": 2}, destination (not set)",
                "app.things: collection option validator differs: source {\"$jsonSchema\": {\"required\": [\"email\"]}},"
                        + " destination {\"$jsonSchema\": {\"required\": [\"name\"]}}");
        assertThat(IndexOptionsVerifier.compareOptions(NS, source, source.clone())).isEmpty();
        assertThat(IndexOptionsVerifier.compareOptions(NS, BsonDocument.parse("{capped: true, size: 4096}"),
                BsonDocument.parse("{capped: true, size: 8192}"))).singleElement().asString().contains("option size differs");
    }

    @Test
    void manyMismatchesAreCountedInFullAndListedInPart() {
        for (int i = 0; i < 300; i++) {
            collection(source).insertOne(BsonDocument.parse("{_id: " + i + "}"));
        }
        NamespaceVerification hash = run(new HashVerifier()); // the destination is empty

        assertThat(hash.mismatchTotal()).isEqualTo(300);
        assertThat(hash.mismatches()).hasSize(NamespaceVerification.MAX_LISTED).allMatch(m -> m.kind() == Kind.MISSING);
        assertThat(hash.differences().get(0)).contains("300 document(s) differ", "and 200 more");
    }

    @Test
    void drillDownPassesHoldABoundedNumberOfDocuments() {
        HashVerifier.Buckets big = new HashVerifier.Buckets();
        HashVerifier.Buckets empty = new HashVerifier.Buckets();
        java.util.List<Integer> differing = new java.util.ArrayList<>();
        for (int b = 0; b < HashVerifier.BUCKETS; b++) {
            big.count[b] = 100; // 409,600 documents, all differing
            differing.add(b);
        }
        var passes = HashVerifier.passes(differing, big, empty, HashVerifier.Limits.DEFAULT.passDocuments());

        assertThat(passes).hasSize(5).allSatisfy(p -> assertThat(p.size() * 100L).isLessThanOrEqualTo(HashVerifier.Limits.DEFAULT.passDocuments()));
        assertThat(passes.stream().mapToInt(java.util.Set::size).sum()).isEqualTo(HashVerifier.BUCKETS);
    }

    @Test
    void theReportMergesTheVerifiersPerNamespace() {
        seedBoth("{_id: 1, a: 1}", "{_id: 2}");
        collection(destination).insertOne(BsonDocument.parse("{_id: 3}"));
        java.util.List<NamespaceVerification> all = new java.util.ArrayList<>();
        for (Verifier v : new Verifier[] {new CountVerifier(), new HashVerifier(), new IndexOptionsVerifier()}) {
            all.add(run(v));
        }
        VerificationReport report = VerificationReport.merge(java.util.List.of("count", "hash", "indexes-and-options"), all,
                java.time.Duration.ofMillis(250));

        assertThat(report.equal()).isFalse();
        assertThat(report.namespaces()).singleElement().satisfies(n -> {
            assertThat(n.sourceDocuments()).isEqualTo(2);
            assertThat(n.destinationDocuments()).isEqualTo(3);
            assertThat(n.mismatches()).containsExactly(new Mismatch(Kind.EXTRA, new BsonInt32(3)));
        });
        assertThat(report.documentsPerSecond()).isEqualTo(8.0); // 2 documents in 0.25 s
        assertThat(report.toJson()).contains("\"equal\": false", "\"mismatchTotal\": 1", "\"kind\": \"EXTRA\", \"_id\": 3",
                "\"sourceDocuments\": 2", "\"destinationDocuments\": 3", "\"durationMillis\": 250");
        assertThat(report.summary()).contains("1 namespace(s) in 250 ms", "2 difference(s)", "extra 3");
    }

    /**
     * Changes keep arriving while the verifier reads, each reaching the destination a little after the source, as in a
     * live migration. Made deterministic: every whole-collection read of the destination (the bucket scan, then the
     * drill-down) starts only after the matching read of the source has its reply, and first 50 documents are
     * changed on both sides. So the source's view is always older than the destination's; only the re-check by
     * {@code _id} can tell that the sides agree.
     */
    @Test
    void writesGoingOnDuringVerificationAreNotReportedAsMismatches() {
        for (int i = 0; i < 2000; i++) {
            collection(source).insertOne(BsonDocument.parse("{_id: " + i + ", v: 0}"));
            collection(destination).insertOne(BsonDocument.parse("{_id: " + i + ", v: 0}"));
        }
        AtomicInteger writes = new AtomicInteger();
        List<Throwable> writerFailures = new CopyOnWriteArrayList<>(); // the driver only logs what a listener throws
        Semaphore sourceRead = new Semaphore(0);
        Set<Integer> wholeReads = ConcurrentHashMap.newKeySet();
        CommandListener sourceReads = new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                if (readsWholeCollection(event)) {
                    wholeReads.add(event.getRequestId());
                }
            }

            @Override
            public void commandSucceeded(CommandSucceededEvent event) {
                if (wholeReads.remove(event.getRequestId())) {
                    sourceRead.release();
                }
            }
        };
        CommandListener writeBeforeDestinationReads = new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                if (!readsWholeCollection(event)) {
                    return; // a re-check by _id reads as it is
                }
                try {
                    assertThat(sourceRead.tryAcquire(1, TimeUnit.MINUTES)).as("the source was read first").isTrue();
                    for (int n = 0; n < 50; n++) {
                        int v = writes.incrementAndGet();
                        BsonDocument id = BsonDocument.parse("{_id: " + (v % 50) + "}");
                        BsonDocument update = BsonDocument.parse("{$set: {v: " + v + "}}");
                        assertThat(collection(source).updateOne(id, update).getModifiedCount()).isEqualTo(1);
                        assertThat(collection(destination).updateOne(id, update).getModifiedCount()).isEqualTo(1);
                    }
                } catch (Throwable t) {
                    writerFailures.add(t);
                }
            }
        };
        MongoClientSettings watchedSource = MongoClientSettings.builder(settings(source)).addCommandListener(sourceReads).build();
        MongoClientSettings heldDestination = MongoClientSettings.builder(settings(destination))
                .addCommandListener(writeBeforeDestinationReads).build();

        for (int round = 0; round < 3; round++) {
            NamespaceVerification hash = new HashVerifier().verify(watchedSource, heldDestination, Map.of(NS, NS)).get(0);

            assertThat(hash.mismatches()).as("round %d", round).isEmpty();
            assertThat(hash.equal()).as("round %d", round).isTrue();
        }

        assertThat(writerFailures).isEmpty();
        // per round 50 writes before the destination's bucket scan and 50 before its drill-down read
        assertThat(writes.get()).isEqualTo(3 * 2 * 50);
    }

    private static boolean readsWholeCollection(CommandStartedEvent event) {
        return event.getCommandName().equals("find") && event.getCommand().getDocument("filter", new BsonDocument()).isEmpty();
    }

    private NamespaceVerification run(Verifier v) {
        return v.verify(settings(source), settings(destination), Map.of(NS, NS)).get(0);
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
