package dev.livemigrate.core.copy;

import com.mongodb.client.MongoCollection;
import dev.livemigrate.core.testing.EmbeddedMongo;
import org.bson.BsonBinary;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonMaxKey;
import org.bson.BsonMinKey;
import org.bson.BsonNull;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.BsonType;
import org.bson.BsonValue;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties of a partition plan, checked against the documents the partitions' filters select on the
 * embedded server: every document selected by exactly one partition, each partition inside one {@code _id}
 * type bracket, the partitions in MongoDB's order of {@code _id}s, their sizes near the asked-for size, and
 * the same plan for the same sample.
 */
class PartitionerTest {

    @RegisterExtension
    final EmbeddedMongo mongo = new EmbeddedMongo();

    @Test
    void partitionsOfEveryIdTypeAreDisjointCompleteOneBracketEachAndNearTheTargetSize() {
        MongoCollection<BsonDocument> c = mongo.client().getDatabase("db").getCollection("mixed", BsonDocument.class);
        List<BsonValue> ids = everyIdType(300);
        insert(c, ids);
        long documentBytes = 100; // a notional size per document: the plan only sees the totals it is given
        long perPartition = 100;  // documents a partition should hold

        List<Partition> plan = Partitioner.plan(c, ids.size(), ids.size() * documentBytes, perPartition * documentBytes);

        List<List<BsonValue>> selected = assertDisjointCompleteAndOrdered(c, plan, ids);
        long target = ids.size() / perPartition;
        assertThat((long) plan.size()).as("partitions for about %s of %s documents", perPartition, ids.size())
                .isBetween(target / 2, target * 2);
        assertThat(selected).as("no partition far above the asked-for size")
                .allSatisfy(docs -> assertThat((long) docs.size()).isLessThanOrEqualTo(perPartition * 3));
    }

    @Test
    void aCollectionNoLargerThanOnePartitionIsCopiedWhole() {
        MongoCollection<BsonDocument> c = mongo.client().getDatabase("db").getCollection("small", BsonDocument.class);
        List<BsonValue> ids = everyIdType(2);
        insert(c, ids);

        List<Partition> plan = Partitioner.plan(c, ids.size(), 1_000, 1_000);

        assertThat(plan).hasSize(1);
        assertDisjointCompleteAndOrdered(c, plan, ids);
    }

    @Test
    void aNanIdFallsIntoExactlyOnePartition() {
        MongoCollection<BsonDocument> c = mongo.client().getDatabase("db").getCollection("nan", BsonDocument.class);
        List<BsonValue> ids = List.of(new BsonInt32(1), new BsonDouble(Double.NaN), new BsonInt32(5), new BsonDouble(9.5),
                new BsonDecimal128(Decimal128.parse("2.5")), new BsonDouble(Double.NEGATIVE_INFINITY));
        insert(c, ids);
        // this server cannot sort NaN, so the sample is given rather than drawn
        List<BsonValue> sample = List.of(new BsonInt32(1), new BsonInt32(4), new BsonInt32(8));

        List<Partition> plan = Partitioner.plan(sample, IdBracket.NUMBER, IdBracket.NUMBER, sample.size(), b -> false);

        assertThat(plan).hasSizeGreaterThan(1);
        // exactly once, but not in MongoDB's order here: this server ranks NaN above every number (Java's
        // Double.compare), MongoDB below (https://www.mongodb.com/docs/manual/reference/bson-type-comparison-order/)
        assertDisjointAndComplete(c, plan, ids);
    }

    @Test
    void idsOfBracketsTheSampleMissedAreStillCoveredAndEmptyBracketsGetNoPartition() {
        MongoCollection<BsonDocument> c = mongo.client().getDatabase("db").getCollection("missed", BsonDocument.class);
        List<BsonValue> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ids.add(new BsonInt32(i));
        }
        // between the smallest (a number) and the largest (an ObjectId): strings, documents; no binary
        ids.addAll(List.of(new BsonString("a"), new BsonString("z"), new BsonDocument("k", new BsonInt32(1)),
                new BsonObjectId(new ObjectId())));
        insert(c, ids);
        Set<IdBracket> holding = new HashSet<>();
        ids.forEach(id -> holding.add(IdBracket.of(id)));
        List<BsonValue> sample = List.of(new BsonInt32(3), new BsonInt32(17), new BsonInt32(30)); // numbers only

        List<Partition> plan = Partitioner.plan(sample, IdBracket.NUMBER, IdBracket.OBJECT_ID, 4, holding::contains);

        List<List<BsonValue>> selected = assertDisjointCompleteAndOrdered(c, plan, ids);
        assertThat(selected).as("documents of each partition").allSatisfy(docs -> assertThat(docs).isNotEmpty());
    }

    @Test
    void theSameSampleGivesTheSamePlan() {
        List<BsonValue> sample = everyIdType(20);
        sample.sort(BsonOrder.INSTANCE);
        List<BsonValue> again = new ArrayList<>(sample);
        Collections.shuffle(again, new Random(7));
        again.sort(BsonOrder.INSTANCE);

        List<Partition> first = Partitioner.plan(sample, IdBracket.MIN_KEY, IdBracket.MAX_KEY, 12, b -> true);

        assertThat(Partitioner.plan(again, IdBracket.MIN_KEY, IdBracket.MAX_KEY, 12, b -> true)).isEqualTo(first);
    }

    @Test
    void everyBsonTypeBelongsToExactlyOneBracket() {
        for (BsonType type : BsonType.values()) {
            if (type == BsonType.END_OF_DOCUMENT) {
                continue;
            }
            assertThat(Arrays.stream(IdBracket.values()).filter(b -> b.types().contains(type))).as(type.name()).hasSize(1);
        }
    }

    /**
     * {@code perType} ids of each multi-valued {@code _id} type the embedded server stores (four numeric
     * types, strings, documents, binary, ObjectIds, dates, timestamps) and the single-valued ones.
     */
    private static List<BsonValue> everyIdType(int perType) {
        List<BsonValue> ids = new ArrayList<>();
        for (int i = 0; i < perType; i++) {
            ids.add(new BsonInt32(i));
            ids.add(new BsonInt64(10_000_000_000L + i));
            ids.add(new BsonDouble(i + 0.25));
            ids.add(new BsonDecimal128(Decimal128.parse(i + ".75")));
            ids.add(new BsonString("s" + i));
            ids.add(new BsonDocument("k", new BsonInt32(i)));
            ids.add(new BsonBinary(new byte[] {(byte) i, (byte) (i >> 8)}));
            ids.add(new BsonObjectId(new ObjectId(i, i)));
            ids.add(new BsonDateTime(1_000_000L * i - 500_000_000L));
            ids.add(new BsonTimestamp(i + 1, i));
        }
        ids.addAll(List.of(new BsonDouble(Double.NEGATIVE_INFINITY), new BsonMinKey(), new BsonMaxKey(), BsonNull.VALUE,
                BsonBoolean.TRUE, BsonBoolean.FALSE, new BsonString("")));
        return ids;
    }

    private static void insert(MongoCollection<BsonDocument> c, List<BsonValue> ids) {
        ids.forEach(id -> c.insertOne(new BsonDocument("_id", id)));
    }

    /**
     * Runs every partition's filter and checks the plan's contract: indexes 0..n-1; each document selected by
     * exactly one partition and every document selected; a partition's documents all of one bracket (unless
     * it is the only one); and
     * every {@code _id} of a partition sorting (MongoDB's order) before every {@code _id} of the next.
     *
     * @return the {@code _id}s each partition selected, by partition index
     */
    private static List<List<BsonValue>> assertDisjointCompleteAndOrdered(MongoCollection<BsonDocument> c, List<Partition> plan,
                                                                         List<BsonValue> ids) {
        List<List<BsonValue>> selected = assertDisjointAndComplete(c, plan, ids);
        BsonValue previousMax = null;
        for (List<BsonValue> docs : selected) {
            if (docs.isEmpty()) {
                continue;
            }
            if (previousMax != null) {
                assertThat(BsonOrder.INSTANCE.compare(previousMax, docs.get(0)))
                        .as("%s sorts after %s of an earlier partition", docs.get(0), previousMax).isNegative();
            }
            previousMax = docs.get(docs.size() - 1);
        }
        return selected;
    }

    private static List<List<BsonValue>> assertDisjointAndComplete(MongoCollection<BsonDocument> c, List<Partition> plan,
                                                                   List<BsonValue> ids) {
        assertThat(plan).extracting(Partition::index).containsExactlyElementsOf(IntStream.range(0, plan.size()).boxed().toList());
        Map<BsonValue, Integer> owner = new HashMap<>();
        List<List<BsonValue>> selected = new ArrayList<>();
        for (Partition p : plan) {
            List<BsonValue> docs = new ArrayList<>();
            for (BsonDocument d : c.find(p.filter())) {
                Integer previous = owner.put(d.get("_id"), p.index());
                assertThat(previous).as("%s selected by partitions %s and %s", d.get("_id"), previous, p.index()).isNull();
                docs.add(d.get("_id"));
            }
            if (plan.size() > 1) { // a collection copied whole is one partition over all its brackets
                assertThat(docs.stream().map(IdBracket::of).distinct()).as("brackets of partition %s", p.filter()).hasSizeLessThan(2);
            }
            docs.sort(BsonOrder.INSTANCE);
            selected.add(docs);
        }
        assertThat(owner.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        return selected;
    }
}
