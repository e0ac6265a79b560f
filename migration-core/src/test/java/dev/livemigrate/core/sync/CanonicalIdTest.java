package dev.livemigrate.core.sync;

import dev.livemigrate.Namespace;
import org.bson.BsonArray;
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
import org.bson.BsonSymbol;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link CanonicalId} and the lane it gives: equal as MongoDB compares {@code _id}s means one id and one
 * lane; different values spread. MongoDB's rules are those of "Comparison/Sort Order" in the manual
 * (numbers by value across int, long, double and decimal; nested documents and arrays element by element).
 */
class CanonicalIdTest {

    private static final Namespace NS = Namespace.parse("shop.orders");

    @Test
    void equalNumbersOfEveryNumericTypeAreOneId() {
        assertOneId(new BsonInt32(1), new BsonInt64(1), new BsonDouble(1.0), decimal("1"), decimal("1.00"), decimal("0.1E+1"));
        assertOneId(new BsonInt32(0), new BsonInt64(0), new BsonDouble(0.0), new BsonDouble(-0.0), decimal("0"), decimal("-0"),
                decimal("-0.00"), decimal("0E+3"));
        assertOneId(new BsonInt32(-7), new BsonInt64(-7), new BsonDouble(-7.0), decimal("-7.000"));
        assertOneId(new BsonInt64(1000), new BsonDouble(1000.0), decimal("1E+3"), new BsonInt32(1000));
        assertOneId(new BsonDouble(0.5), decimal("0.50"));
        assertOneId(new BsonDouble(Double.NaN), new BsonDouble(Double.longBitsToDouble(0x7ff8000000000001L)),
                new BsonDecimal128(Decimal128.NaN), new BsonDecimal128(Decimal128.NEGATIVE_NaN));
        assertOneId(new BsonDouble(Double.POSITIVE_INFINITY), new BsonDecimal128(Decimal128.POSITIVE_INFINITY));
        assertOneId(new BsonDouble(Double.NEGATIVE_INFINITY), new BsonDecimal128(Decimal128.NEGATIVE_INFINITY));
        assertOneId(new BsonInt64(Long.MAX_VALUE), decimal(Long.toString(Long.MAX_VALUE)));
        assertOneId(new BsonInt64(1L << 62), new BsonDouble(Math.scalb(1.0, 62)));
    }

    @Test
    void differentNumbersAreDifferentIdsEvenWhereADoubleRoundsThem() {
        long twoTo53 = 1L << 53;
        // 2^53 + 1 has no double: (double) (2^53 + 1) is 2^53, and MongoDB compares the long exactly
        assertThat(CanonicalId.of(new BsonInt64(twoTo53 + 1))).isNotEqualTo(CanonicalId.of(new BsonDouble((double) (twoTo53 + 1))));
        assertThat(CanonicalId.of(new BsonInt64(twoTo53))).isEqualTo(CanonicalId.of(new BsonDouble((double) (twoTo53 + 1))));
        // Long.MAX_VALUE as a double is 2^63, one more than the long
        assertThat(CanonicalId.of(new BsonInt64(Long.MAX_VALUE))).isNotEqualTo(CanonicalId.of(new BsonDouble((double) Long.MAX_VALUE)));
        // double 0.1 is 0.1000000000000000055511151231257827..., not decimal 0.1; MongoDB compares it rounded to 34 digits
        assertThat(CanonicalId.of(new BsonDouble(0.1))).isNotEqualTo(CanonicalId.of(decimal("0.1")));
        assertThat(CanonicalId.of(new BsonDouble(0.1))).isEqualTo(CanonicalId.of(decimal(
                new BigDecimal(0.1).round(new MathContext(34)).toString())));
        assertDistinct(new BsonInt32(1), new BsonInt32(2), new BsonInt32(-1), new BsonDouble(1.5), new BsonDouble(Double.NaN),
                new BsonDouble(Double.POSITIVE_INFINITY), new BsonDouble(Double.NEGATIVE_INFINITY), decimal("1.0000000000000000000000000000001"),
                new BsonInt32(10), new BsonDouble(0.1), new BsonDouble(0.01));
    }

    @Test
    void otherTypesGoByTypeBracketAndValueBytes() {
        assertOneId(new BsonString("1"), new BsonSymbol("1")); // one bracket in MongoDB's order
        ObjectId oid = new ObjectId("65f0a1b2c3d4e5f601234567");
        assertDistinct(new BsonString("1"), new BsonInt32(1), new BsonString("a"), new BsonString("A"), new BsonString("a "),
                new BsonObjectId(oid), new BsonBinary(oid.toByteArray()), new BsonBinary((byte) 4, oid.toByteArray()),
                new BsonDateTime(1), new BsonTimestamp(1), new BsonNull(), new BsonMinKey(), new BsonMaxKey(),
                BsonBoolean.TRUE, BsonBoolean.FALSE);
    }

    @Test
    void nestedDocumentsAndArraysCompareTheirNumbersByValue() {
        assertOneId(BsonDocument.parse("{a: 1, b: {c: [1, 2.0]}}"),
                BsonDocument.parse("{a: {$numberLong: '1'}, b: {c: [{$numberDecimal: '1.0'}, 2]}}"));
        assertDistinct(BsonDocument.parse("{a: 1, b: 2}"), BsonDocument.parse("{b: 2, a: 1}"), // field order matters to MongoDB
                BsonDocument.parse("{a: 1}"), BsonDocument.parse("{a: 1, b: 3}"), BsonDocument.parse("{x: 1, b: 2}"),
                BsonArray.parse("[1, 2]"), BsonArray.parse("[[1, 2]]"), BsonArray.parse("[1, 2, 3]"));
    }

    @Test
    void oneDocumentsEventsShareALaneWhateverItsIdTypeOrShardKey() {
        List<BsonDocument> keys = List.of(BsonDocument.parse("{_id: 7}"), BsonDocument.parse("{_id: {$numberLong: '7'}}"),
                BsonDocument.parse("{_id: 7.0}"), BsonDocument.parse("{_id: {$numberDecimal: '7.00'}}"),
                BsonDocument.parse("{region: 'eu', _id: 7}"), BsonDocument.parse("{region: 'us', _id: {$numberLong: '7'}}"));
        Set<Integer> lanes = new HashSet<>();
        for (BsonDocument key : keys) {
            lanes.add(ApplyLanes.laneOf(event(key), false, 16));
        }
        assertThat(lanes).hasSize(1);
    }

    @Test
    void differentDocumentsSpreadOverEveryLaneUnlessTheNamespaceGoesInOneLane() {
        Set<Integer> lanes = new HashSet<>();
        Set<Integer> byNamespace = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            BsonValue id = switch (i % 3) {
                case 0 -> new BsonInt32(i);
                case 1 -> new BsonInt64(i);
                default -> new BsonString("k" + i);
            };
            lanes.add(ApplyLanes.laneOf(event(new BsonDocument("_id", id)), false, 16));
            byNamespace.add(ApplyLanes.laneOf(event(new BsonDocument("_id", id)), true, 16));
        }
        assertThat(lanes).hasSize(16);
        assertThat(byNamespace).hasSize(1);
    }

    private static ChangeEvent event(BsonDocument key) {
        return new ChangeEvent("s", 0, new BsonDocument(), new BsonTimestamp(1, 1), "delete", NS, null, key, null, null, null);
    }

    private static BsonDecimal128 decimal(String value) {
        return new BsonDecimal128(Decimal128.parse(value));
    }

    private static void assertOneId(BsonValue... values) {
        for (BsonValue v : values) {
            assertThat(CanonicalId.of(v)).as("%s vs %s", v, values[0]).isEqualTo(CanonicalId.of(values[0]));
            assertThat(CanonicalId.ofKey(new BsonDocument("_id", v))).isEqualTo(CanonicalId.of(values[0]));
        }
    }

    private static void assertDistinct(BsonValue... values) {
        List<CanonicalId> ids = new ArrayList<>();
        for (BsonValue v : values) {
            ids.add(CanonicalId.of(v));
        }
        assertThat(ids).as("canonical ids of %s", List.of(values)).doesNotHaveDuplicates();
    }
}
