package dev.livemigrate.core.sync;

import com.mongodb.MongoCommandException;
import com.mongodb.ServerAddress;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.testing.EmbeddedMongo;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The diff apply mode, on change events recorded in the shape MongoDB documents (the embedded server's
 * update events carry no {@code updateDescription}): dotted and array-index paths, removed fields,
 * truncated arrays, ambiguous paths, shard-keyed document keys.
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
    void anAmbiguousPathIsAppliedByReadingTheDocumentFromTheSource() {
        insert(source, "{_id: 2, a: {'0': 1}, z: 1}");
        insert(destination, "{_id: 2, a: {'0': 0}}");

        applier(ChangeApplier.Mode.DIFF).apply(List.of(recorded.get(1)));

        assertThat(destinationDoc(2)).isEqualTo(BsonDocument.parse("{_id: 2, a: {'0': 1}, z: 1}"));
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
        var writes = ChangeApplier.diffWrites(BsonDocument.parse("{_id: 1}"), recorded.get(0).updateDescription());
        assertThat(writes).hasSize(2);
        assertThat(((com.mongodb.client.model.UpdateOneModel<?>) writes.get(0)).getUpdate().toBsonDocument())
                .isEqualTo(BsonDocument.parse("{$push: {history: {$each: [], $slice: 2}}}"));
    }

    @Test
    void theLaneOfADocumentDependsOnItsKeyBytesOnly() {
        ChangeEvent a = recorded.get(0);
        int lane = ApplyLanes.laneOf(a, 16);
        for (ChangeEvent e : recorded) {
            if (e.documentKey().equals(a.documentKey())) {
                assertThat(ApplyLanes.laneOf(e, 16)).isEqualTo(lane);
            }
        }
        // an int 1 and a long 1 are different keys: their bytes differ
        assertThat(ApplyLanes.rawBytes(BsonDocument.parse("{_id: 1}"))).isNotEqualTo(ApplyLanes.rawBytes(BsonDocument.parse("{_id: {$numberLong: '1'}}")));
    }

    @Test
    void aResumePointTheOplogNoLongerHoldsIsAClearError() {
        MongoCommandException lost = new MongoCommandException(BsonDocument.parse(
                "{ok: 0, code: 286, codeName: 'ChangeStreamHistoryLost', errmsg: 'Resume of change stream was not possible,"
                        + " as the resume point may no longer be in the oplog.'}"), new ServerAddress());

        var error = ChangeSync.classify(lost);

        assertThat(error.errorCode()).isEqualTo(ErrorCode.CHANGE_HISTORY_LOST);
        assertThat(error).hasMessageContaining("oplog").hasMessageContaining("new id").hasCause(lost);
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
                    + "}") : null;
            stream.add(new ChangeEvent("s", i, new BsonDocument(), new org.bson.BsonTimestamp(1, i), type, ORDERS, null, key, full,
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
            ChangeApplier batched = new ChangeApplier(source.client(), counted, ns -> ns, ChangeApplier.Mode.DIFF, true);
            for (int from = 0; from < stream.size(); from += 1000) {
                batched.apply(stream.subList(from, from + 1000));
            }
        }
        ChangeApplier oneByOne = new ChangeApplier(source.client(), source.client(), ns -> ns, ChangeApplier.Mode.DIFF, true);
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

    private ChangeApplier applier(ChangeApplier.Mode mode) {
        return new ChangeApplier(source.client(), destination.client(), ns -> ns, mode, false);
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
