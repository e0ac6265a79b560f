package dev.livemigrate.core.sync;

import com.mongodb.MongoCommandException;
import com.mongodb.ServerAddress;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.WriteModel;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.testing.EmbeddedMongo;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.conversions.Bson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The diff apply mode, on change events recorded in the shape MongoDB documents (the embedded server's
 * update events carry no {@code updateDescription}): dotted and array-index paths, removed fields,
 * truncated arrays, ambiguous paths before and after MongoDB 6.1, shard-keyed document keys, one
 * document's writes under {@code _id}s of several numeric types.
 */
class ChangeApplierTest {

    private static final Namespace ORDERS = Namespace.parse("shop.orders");

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    private final List<ChangeEvent> recorded = recorded();

    @Test
    void appliesUpdatedRemovedAndTruncatedFieldsAsAbsoluteValues() {
        insert(destination, "{_id: 1, status: 'new', coupon: 'X', address: {city: 'Paris', zip: '75001'},"
                + " items: [{sku: 'a', qty: 1}, {sku: 'b', qty: 1}], tags: ['t'], history: [1, 2, 3, 4]}");

        applier(ChangeApplier.Mode.DIFF).apply(List.of(recorded.get(0)));
        applier(ChangeApplier.Mode.DIFF).apply(List.of(recorded.get(0))); // replaying is harmless

        assertThat(destinationDoc(1)).isEqualTo(BsonDocument.parse("{_id: 1, status: 'shipped', address: {city: 'Lyon'},"
                + " items: [{sku: 'a', qty: 1}, {sku: 'b', qty: 5}], tags: ['gift'], history: [1, 2], added: {nested: [1, 2]}}"));
    }

    @Test
    void anAmbiguousPathIsAppliedByReadingTheDocumentFromTheSource() { // 6.1+: disambiguatedPaths names it
        insert(source, "{_id: 2, a: {'0': 1}, z: 1}");
        insert(destination, "{_id: 2, a: {'0': 0}}");

        applier(ChangeApplier.Mode.DIFF).apply(List.of(recorded.get(1)));

        assertThat(destinationDoc(2)).isEqualTo(BsonDocument.parse("{_id: 2, a: {'0': 1}, z: 1}"));
    }

    // Events 5-7 have the shape of MongoDB before 6.1 (or a stream without showExpandedEvents): no
    // disambiguatedPaths at all, as mongodb/specifications source/change-streams/tests/unified/
    // change-streams-disambiguatedPaths.yml expects ("disambiguatedPaths is not present when
    // showExpandedEvents is false/unset"); events 0-2 the 6.1+ shape with it, empty or naming the path.

    @Test
    void beforeDisambiguatedPathsATopLevelDottedFieldIsReadFromTheSourceNotSetAsANestedPath() {
        insert(source, "{_id: 5, 'a.b': 2}");
        insert(destination, "{_id: 5, 'a.b': 1}");

        // this server fails a replace whose document has a dotted field name (a write error without a code):
        // replace by delete and insert, as the engine does here anyway (its replace keeps the old field order)
        new ChangeApplier(source.client(), destination.client(), ns -> ns, new ChangeApplier.Settings(ChangeApplier.Mode.DIFF, true, ns -> false, ns -> false))
                .apply(List.of(recorded.get(5)));

        assertThat(destinationDoc(5)).isEqualTo(new BsonDocument("_id", new org.bson.BsonInt32(5)).append("a.b", new org.bson.BsonInt32(2)));
    }

    @Test
    void beforeDisambiguatedPathsARemovedDottedFieldIsReadFromTheSource() {
        insert(source, "{_id: 6, k: 2}");
        insert(destination, "{_id: 6, 'x.y': 1, k: 1}");

        applier(ChangeApplier.Mode.DIFF).apply(List.of(recorded.get(6)));

        assertThat(destinationDoc(6)).isEqualTo(BsonDocument.parse("{_id: 6, k: 2}"));
    }

    @Test
    void beforeDisambiguatedPathsANumericPathComponentIsReadFromTheSource() {
        // the spec's own example: {a: {'1': 1}} and $set {'a.1': 2}; '1' may be an object key or an array index
        insert(source, "{_id: 7, a: {'1': 2}, readFrom: 'source'}");
        insert(destination, "{_id: 7, a: {'1': 1}}");

        applier(ChangeApplier.Mode.DIFF).apply(List.of(recorded.get(7)));

        assertThat(destinationDoc(7)).isEqualTo(BsonDocument.parse("{_id: 7, a: {'1': 2}, readFrom: 'source'}"));
    }

    @Test
    void pathsAreAmbiguousWithoutDisambiguatedPathsOrWhenItNamesThem() {
        assertThat(UpdateDescriptions.hasAmbiguousPaths(BsonDocument.parse("{updatedFields: {a: 1, '0': 2}, removedFields: ['b']}"))).isFalse();
        assertThat(UpdateDescriptions.hasAmbiguousPaths(BsonDocument.parse("{updatedFields: {'a.b': 1}, removedFields: []}"))).isTrue();
        assertThat(UpdateDescriptions.hasAmbiguousPaths(BsonDocument.parse("{updatedFields: {}, removedFields: [],"
                + " truncatedArrays: [{field: 'a.b', newSize: 1}]}"))).isTrue();
        assertThat(UpdateDescriptions.hasAmbiguousPaths(BsonDocument.parse("{updatedFields: {'a.b': 1}, disambiguatedPaths: {}}"))).isFalse();
        assertThat(UpdateDescriptions.hasAmbiguousPaths(BsonDocument.parse("{updatedFields: {'a.0.1': 1},"
                + " disambiguatedPaths: {'a.0.1': ['a', 0, '1']}}"))).isTrue();
        assertThat(UpdateDescriptions.hasAmbiguousPaths(BsonDocument.parse("{updatedFields: {'a.$b': 1}, disambiguatedPaths: {}}"))).isTrue();
    }

    @Test
    void anUpdateThatDoesNotFitANewerDestinationStateFallsBackToTheSourceDocument() {
        // the copy read a later state (profile is a string now, so $set profile.name cannot apply); the source
        // has moved on since: only reading the document from the source brings the destination to it
        insert(source, "{_id: 3, profile: 'gone', closedAt: 2024}");
        insert(destination, "{_id: 3, profile: 'gone', stale: true}");

        applier(ChangeApplier.Mode.DIFF).apply(List.of(recorded.get(2)));

        assertThat(destinationDoc(3)).isEqualTo(BsonDocument.parse("{_id: 3, profile: 'gone', closedAt: 2024}"));
    }

    @Test
    void deletesTolerateAMissingDocumentAndReplacesUpsertByTheWholeKey() {
        applier(ChangeApplier.Mode.DIFF).apply(List.of(recorded.get(3), recorded.get(4)));

        assertThat(destinationDoc(4)).isEqualTo(BsonDocument.parse("{_id: 4, region: 'eu', total: {$numberDecimal: '10.50'}}"));
        assertThat(destination.client().getDatabase("shop").getCollection("orders").countDocuments()).isEqualTo(1);
    }

    @Test
    void diffWritesTruncateBeforeSetting() {
        var writes = UpdateDescriptions.diffWrites(BsonDocument.parse("{_id: 1}"), recorded.get(0).updateDescription());
        assertThat(writes).hasSize(2);
        assertThat(((com.mongodb.client.model.UpdateOneModel<?>) writes.get(0)).getUpdate().toBsonDocument())
                .isEqualTo(BsonDocument.parse("{$push: {history: {$each: [], $slice: 2}}}"));
    }

    @Test
    void oneDocumentsWritesUnderIdsOfDifferentNumericTypesKeepTheirOrderInABatch() {
        insert(destination, "{_id: 1, v: 'old'}");
        // insert as int, delete as long, insert as double, delete as decimal, insert as long: grouped by the raw
        // key, the deletes would all run before the inserts (wave 0 runs deletes first) and leave v: 'int'
        List<ChangeEvent> batch = List.of(
                event(0, "delete", "{_id: 1}", null),
                event(1, "insert", "{_id: 1}", "{_id: 1, v: 'int'}"),
                event(2, "delete", "{_id: {$numberLong: '1'}}", null),
                event(3, "insert", "{_id: 1.0}", "{_id: 1.0, v: 'double'}"),
                event(4, "delete", "{_id: {$numberDecimal: '1.0'}}", null),
                event(5, "insert", "{_id: {$numberLong: '1'}}", "{_id: {$numberLong: '1'}, v: 'long'}"));

        applier(ChangeApplier.Mode.DIFF).apply(batch);

        List<RawBsonDocument> all = destination.client().getDatabase("shop").getCollection("orders", RawBsonDocument.class)
                .find().into(new ArrayList<>());
        assertThat(all).containsExactly(RawBsonDocument.parse("{_id: {$numberLong: '1'}, v: 'long'}"));
    }

    @Test
    void aShardKeyChangeIsADeleteAndAnInsertOfOneIdAndBothAreWritten() {
        insert(destination, "{_id: 8, region: 'eu', v: 1}");
        // a shard-key update arrives as a delete under the old key and an insert under the new one, one _id
        List<ChangeEvent> batch = List.of(
                event(0, "delete", "{region: 'eu', _id: 8}", null),
                event(1, "insert", "{region: 'us', _id: 8}", "{_id: 8, region: 'us', v: 2}"));

        applier(ChangeApplier.Mode.DIFF).apply(batch);

        assertThat(destination.client().getDatabase("shop").getCollection("orders", BsonDocument.class).find().into(new ArrayList<>()))
                .containsExactly(BsonDocument.parse("{_id: 8, region: 'us', v: 2}"));
        assertThat(ApplyLanes.laneOf(batch.get(0), false, 16)).isEqualTo(ApplyLanes.laneOf(batch.get(1), false, 16));
    }

    /**
     * Through mongos, a sharded collection's events carry the whole shard key in {@code documentKey} ("For sharded
     * collections, this field also displays the full shard key for the document": the update, replace and delete
     * event pages of https://www.mongodb.com/docs/manual/reference/change-events/); two shards may each hold a
     * document of one {@code _id} under other keys, so every write targets the whole key, never {@code _id} alone.
     */
    @Test
    void anEventOfAShardedCollectionTargetsItsWholeDocumentKey() {
        String header = "_id: {_data: '8265F0A1B2000000092B022C0100296E5A1004'}, clusterTime: {$timestamp: {t: 1710268860, i: 1}},"
                + " ns: {db: 'shop', coll: 'orders'}, documentKey: {region: 'eu', _id: 8}";
        List<ChangeEvent> events = new ArrayList<>();
        for (String json : List.of(
                "{" + header + ", operationType: 'update', updateDescription: {updatedFields: {v: 2}, removedFields: [], truncatedArrays: []}}",
                "{" + header + ", operationType: 'replace', fullDocument: {_id: 8, region: 'eu', v: 3}}",
                "{" + header + ", operationType: 'delete'}")) {
            events.add(ChangeEvent.parse("cluster", events.size(), RawBsonDocument.parse(json), null, false));
        }
        BsonDocument wholeKey = BsonDocument.parse("{region: 'eu', _id: 8}");
        ChangeApplier applier = applier(ChangeApplier.Mode.DIFF);

        assertThat(events).allSatisfy(e -> assertThat(applier.writes(e, false)).isNotEmpty()
                .allSatisfy(m -> assertThat(filterOf(m)).isEqualTo(wholeKey)));

        insert(destination, "{_id: 8, region: 'eu', v: 1}");
        applier.apply(events.subList(0, 1));
        assertThat(destinationDoc(8)).isEqualTo(BsonDocument.parse("{_id: 8, region: 'eu', v: 2}"));
        applier.apply(events.subList(1, 3));
        assertThat(destinationDoc(8)).isNull();
    }

    @Test
    void aCollatedNamespaceIsWrittenEventByEventInOrder() {
        List<ChangeEvent> batch = new ArrayList<>();
        for (int i = 0; i < 6; i++) { // under a case-insensitive collation 'k' and 'K' may be one document
            String id = i % 2 == 0 ? "'k'" : "'K'";
            batch.add(i % 3 == 2 ? event(i, "delete", "{_id: " + id + "}", null)
                    : event(i, "insert", "{_id: " + id + "}", "{_id: " + id + ", n: " + i + "}"));
        }
        List<com.mongodb.client.model.WriteModel<RawBsonDocument>> models = new ArrayList<>();
        List<Integer> order = new ArrayList<>();
        new ChangeApplier(source.client(), destination.client(), ns -> ns, new ChangeApplier.Settings(ChangeApplier.Mode.DIFF, false, ns -> true, ns -> false))
                .inWaves(batch, models, order);
        assertThat(order).containsExactly(0, 1, 2, 3, 4, 5);

        List<Integer> grouped = new ArrayList<>();
        applier(ChangeApplier.Mode.DIFF).inWaves(batch, new ArrayList<>(), grouped);
        assertThat(grouped).isNotEqualTo(order); // what a simple collation may do, and a collated one must not
    }

    /**
     * A capped source evicts without change events. Its log at the source holds 3 and 4 (1 and 2 were inserted
     * after the start point and evicted before anything read them); replaying their inserts would append 1 and 2
     * after 3 on the destination, which would then evict other documents than the source did.
     */
    @Test
    void insertsOfDocumentsACappedSourceEvictedAreNotReplayed() {
        insert(source, "{_id: 3, line: 'c'}");
        insert(source, "{_id: 4, line: 'd', n: 2}");
        insert(destination, "{_id: 3, line: 'c'}"); // read by the copy
        List<ChangeEvent> batch = List.of(
                event(1, "insert", "{_id: 1}", "{_id: 1, line: 'a'}"),
                event(2, "insert", "{_id: 2}", "{_id: 2, line: 'b'}"),
                event(3, "replace", "{_id: 2}", "{_id: 2, line: 'B'}"),
                event(4, "insert", "{_id: 3}", "{_id: 3, line: 'c'}"),
                event(5, "insert", "{_id: 4}", "{_id: 4, line: 'd'}"),
                event(6, "update", "{_id: 4}", null, "{updatedFields: {n: 2}, removedFields: []}"));

        new ChangeApplier(source.client(), destination.client(), ns -> ns,
                new ChangeApplier.Settings(ChangeApplier.Mode.DIFF, false, ns -> true, ns -> true)).apply(batch);

        List<BsonDocument> inNaturalOrder = destination.client().getDatabase("shop").getCollection("orders", BsonDocument.class)
                .find().sort(new BsonDocument("$natural", new BsonInt32(1))).into(new ArrayList<>());
        assertThat(inNaturalOrder).containsExactly(BsonDocument.parse("{_id: 3, line: 'c'}"), BsonDocument.parse("{_id: 4, line: 'd', n: 2}"));
    }

    @Test
    void aResumePointTheOplogNoLongerHoldsIsAClearError() {
        MongoCommandException lost = new MongoCommandException(BsonDocument.parse(
                "{ok: 0, code: 286, codeName: 'ChangeStreamHistoryLost', errmsg: 'Resume of change stream was not possible,"
                        + " as the resume point may no longer be in the oplog.'}"), new ServerAddress());

        var error = SyncFailures.classify(lost);

        assertThat(error.errorCode()).isEqualTo(ErrorCode.CHANGE_HISTORY_LOST);
        assertThat(error).hasMessageContaining("oplog").hasMessageContaining("--recopy '*'").hasCause(lost);
    }

    @Test
    void aLostHistoryIsToldWithHowFarTheMigrationHadGotAndTheOplogsWindow() {
        for (int i = 0; i < 3; i++) {
            source.client().getDatabase("app").getCollection("log").insertOne(new Document("_id", i));
        }
        BsonTimestamp newest = source.client().getDatabase("local").getCollection("oplog.rs", BsonDocument.class).find()
                .sort(BsonDocument.parse("{$natural: -1}")).first().getTimestamp("ts");
        BsonTimestamp applied = new BsonTimestamp(newest.getTime() - 7200, 1);

        String told = SyncFailures.historyWindow(source.client(), applied);

        assertThat(told).contains("had applied the source's changes up to " + Instant.ofEpochSecond(applied.getTime()),
                "the source's oplog now starts at ", "(the migration was PT2H behind)");
        assertThat(SyncFailures.classify(new MongoCommandException(BsonDocument.parse("{ok: 0, code: 286, codeName:"
                + " 'ChangeStreamHistoryLost', errmsg: 'lost'}"), new ServerAddress()), () -> told)).hasMessageContaining(told);
    }

    @Test
    void aBatchIsWrittenInWavesOfFewCommandsAndEndsAsOneByOneWould() {
        java.util.Random random = new java.util.Random(5);
        List<ChangeEvent> stream = new ArrayList<>();
        for (int i = 0; i < 2000; i++) { // mixed kinds over 150 documents, several events per document
            int id = random.nextInt(150);
            String type = List.of("insert", "replace", "delete", "update", "update", "update").get(random.nextInt(6));
            BsonDocument key = new BsonDocument("_id", new org.bson.BsonInt32(id));
            RawBsonDocument full = type.equals("insert") || type.equals("replace") ? RawBsonDocument.parse(
                    "{_id: " + id + ", n: " + i + ", list: [1, 2, 3], " + (i % 2 == 0 ? "a: 1, b: 2" : "b: 2, a: 1") + "}") : null;
            BsonDocument description = type.equals("update") ? BsonDocument.parse("{updatedFields: {n: " + i + ", 'm.k': " + i
                    + "}, removedFields: " + (i % 3 == 0 ? "['a']" : "[]") + (i % 5 == 0 ? ", truncatedArrays: [{field: 'list', newSize: 1}]" : "")
                    + ", disambiguatedPaths: {}}") : null;
            stream.add(new ChangeEvent("s", i, new BsonDocument(), new BsonTimestamp(1, i), type, ORDERS, null, key, full,
                    description, null));
        }
        java.util.concurrent.atomic.AtomicInteger commands = new java.util.concurrent.atomic.AtomicInteger();
        try (var counted = com.mongodb.client.MongoClients.create(com.mongodb.MongoClientSettings.builder()
                .applyConnectionString(new com.mongodb.ConnectionString(destination.connectionString()))
                .addCommandListener(new com.mongodb.event.CommandListener() {
                    @Override
                    public void commandStarted(com.mongodb.event.CommandStartedEvent event) {
                        commands.incrementAndGet();
                    }
                }).build())) {
            // this server's replace keeps the old field order: replaces are delete + insert here, as the engine probes
            ChangeApplier batched = new ChangeApplier(source.client(), counted, ns -> ns, new ChangeApplier.Settings(ChangeApplier.Mode.DIFF, true, ns -> false, ns -> false));
            for (int from = 0; from < stream.size(); from += 1000) {
                batched.apply(stream.subList(from, from + 1000));
            }
        }
        ChangeApplier oneByOne = new ChangeApplier(source.client(), source.client(), ns -> ns, new ChangeApplier.Settings(ChangeApplier.Mode.DIFF, true, ns -> false, ns -> false));
        stream.forEach(e -> oneByOne.apply(List.of(e)));

        // the same documents, byte for byte (the one-by-one result was written to the source server)
        var expected = dev.livemigrate.core.testing.DataAssertions.bytesById(
                dev.livemigrate.core.testing.DataAssertions.raw(source.client(), ORDERS));
        var actual = dev.livemigrate.core.testing.DataAssertions.bytesById(
                dev.livemigrate.core.testing.DataAssertions.raw(destination.client(), ORDERS));
        assertThat(actual.keySet()).isEqualTo(expected.keySet()).isNotEmpty();
        expected.forEach((id, bytes) -> assertThat(actual.get(id)).as("document %s", id).isEqualTo(bytes));
        assertThat(commands.get()).as("commands for 2 batches of 1,000 events").isLessThan(150);
    }

    private static Bson filterOf(WriteModel<RawBsonDocument> model) {
        if (model instanceof UpdateOneModel<RawBsonDocument> u) {
            return u.getFilter();
        }
        if (model instanceof ReplaceOneModel<RawBsonDocument> r) {
            return r.getFilter();
        }
        if (model instanceof DeleteOneModel<RawBsonDocument> d) {
            return d.getFilter();
        }
        throw new AssertionError("unexpected write " + model);
    }

    private ChangeApplier applier(ChangeApplier.Mode mode) {
        return new ChangeApplier(source.client(), destination.client(), ns -> ns, new ChangeApplier.Settings(mode, false, ns -> false, ns -> false));
    }

    private static ChangeEvent event(long seq, String type, String key, String full) {
        return event(seq, type, key, full, null);
    }

    private static ChangeEvent event(long seq, String type, String key, String full, String updateDescription) {
        return new ChangeEvent("s", seq, new BsonDocument(), new BsonTimestamp(1, (int) seq), type, ORDERS, null,
                BsonDocument.parse(key), full == null ? null : RawBsonDocument.parse(full),
                updateDescription == null ? null : BsonDocument.parse(updateDescription), null);
    }

    private static void insert(EmbeddedMongo server, String json) {
        server.client().getDatabase("shop").getCollection("orders", BsonDocument.class).insertOne(BsonDocument.parse(json));
    }

    private BsonDocument destinationDoc(int id) {
        return destination.client().getDatabase("shop").getCollection("orders", BsonDocument.class)
                .find(BsonDocument.parse("{_id: " + id + "}")).first();
    }

    private static List<ChangeEvent> recorded() {
        try (InputStream in = ChangeApplierTest.class.getResourceAsStream("/recorded/change-events.json")) {
            BsonArray events = BsonArray.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            List<ChangeEvent> parsed = new ArrayList<>();
            long seq = 0;
            for (BsonValue v : events) {
                RawBsonDocument raw = RawBsonDocument.parse(v.asDocument().toJson());
                parsed.add(ChangeEvent.parse("cluster", seq++, raw, null, false));
            }
            assertThat(parsed.get(4).documentKey()).isEqualTo(BsonDocument.parse("{region: 'eu', _id: 4}"));
            assertThat(parsed.get(0).ns()).isEqualTo(ORDERS);
            return parsed;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
