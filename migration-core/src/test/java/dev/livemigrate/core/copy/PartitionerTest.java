package dev.livemigrate.core.copy;

import com.mongodb.client.MongoCollection;
import dev.livemigrate.core.testing.EmbeddedMongo;
import org.bson.BsonBoolean;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonMaxKey;
import org.bson.BsonMinKey;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.types.Decimal128;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PartitionerTest {

    @RegisterExtension
    final EmbeddedMongo mongo = new EmbeddedMongo();

    @Test
    void partitionsOfMixedIdTypesAreDisjointAndComplete() {
        MongoCollection<BsonDocument> c = mongo.client().getDatabase("db").getCollection("mixed", BsonDocument.class);
        List<BsonValue> ids = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            ids.add(new BsonInt32(i));
            ids.add(new BsonInt64(10_000_000_000L + i));
            ids.add(new BsonDouble(i + 0.25));
            ids.add(new BsonDecimal128(Decimal128.parse(i + ".75")));
            ids.add(new BsonString("s" + i));
            ids.add(new BsonDocument("k", new BsonInt32(i)));
        }
        ids.addAll(List.of(new BsonDouble(Double.NEGATIVE_INFINITY), new BsonMinKey(),
                new BsonMaxKey(), BsonNull.VALUE, BsonBoolean.TRUE, BsonBoolean.FALSE, new BsonString("")));
        ids.forEach(id -> c.insertOne(new BsonDocument("_id", id)));

        List<Partition> plan = Partitioner.plan(c, ids.size(), 100_000, 2_000);

        assertThat(plan).hasSizeGreaterThan(20);
        assertThat(plan).extracting(Partition::index).containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, plan.size()).boxed().toList());
        Map<BsonValue, Integer> owner = new HashMap<>();
        for (Partition p : plan) {
            for (BsonDocument d : c.find(p.filter())) {
                Integer previous = owner.put(d.get("_id"), p.index());
                assertThat(previous).as("%s selected by partitions %s and %s", d.get("_id"), previous, p.index()).isNull();
            }
        }
        assertThat(owner.keySet()).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void aNanIdFallsIntoExactlyOnePartition() {
        MongoCollection<BsonDocument> c = mongo.client().getDatabase("db").getCollection("nan", BsonDocument.class);
        List<BsonValue> ids = List.of(new BsonInt32(1), new BsonDouble(Double.NaN), new BsonInt32(5), new BsonDouble(9.5),
                new BsonDecimal128(Decimal128.parse("2.5")), new BsonDouble(Double.NEGATIVE_INFINITY));
        ids.forEach(id -> c.insertOne(new BsonDocument("_id", id)));
        // this server cannot sort NaN, so the split points are given rather than sampled
        List<Partition> plan = Partitioner.plan(List.of(new BsonInt32(1), new BsonInt32(4), new BsonInt32(8)),
                IdBracket.NUMBER, IdBracket.NUMBER, 3, b -> false);

        assertThat(plan).hasSize(3);
        List<BsonValue> seen = new ArrayList<>();
        plan.forEach(p -> c.find(p.filter()).forEach(d -> seen.add(d.get("_id"))));
        assertThat(seen).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void aSmallCollectionIsOnePartitionWithoutFilter() {
        MongoCollection<BsonDocument> c = mongo.client().getDatabase("db").getCollection("small", BsonDocument.class);
        c.insertOne(new BsonDocument("_id", new BsonInt32(1)));

        assertThat(Partitioner.plan(c, 1, 20, 1_000)).containsExactly(Partition.whole());
    }

    @Test
    void bracketsTheSampleMissedBetweenTheSmallestAndLargestIdGetAPartitionEach() {
        List<BsonValue> sample = List.of(new BsonInt32(1), new BsonInt32(2), new BsonInt32(3), new BsonInt32(4));

        List<Partition> plan = Partitioner.plan(sample, IdBracket.NUMBER, IdBracket.OBJECT_ID, 2,
                bracket -> bracket != IdBracket.ARRAY);

        assertThat(plan).extracting(Partition::filter).containsExactly(
                BsonDocument.parse("{_id: {$type: [1, 16, 18, 19], $not: {$gte: 3}}}"),
                BsonDocument.parse("{_id: {$type: [1, 16, 18, 19], $gte: 3}}"),
                BsonDocument.parse("{_id: {$gte: ''}}"),
                BsonDocument.parse("{_id: {$type: 3}}"),
                BsonDocument.parse("{_id: {$type: 5}}"),
                BsonDocument.parse("{_id: {$type: 7}}"));
    }

    @Test
    void everyBsonTypeBelongsToExactlyOneBracket() {
        for (org.bson.BsonType type : org.bson.BsonType.values()) {
            if (type == org.bson.BsonType.END_OF_DOCUMENT) {
                continue;
            }
            assertThat(java.util.Arrays.stream(IdBracket.values()).filter(b -> b.types().contains(type))).as(type.name()).hasSize(1);
        }
    }
}
