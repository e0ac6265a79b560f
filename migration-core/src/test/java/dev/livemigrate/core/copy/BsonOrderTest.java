package dev.livemigrate.core.copy;

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
import org.bson.BsonValue;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BsonOrderTest {

    @Test
    void sortsLikeMongoDb() {
        List<BsonValue> expected = List.of(
                new BsonMinKey(),
                BsonNull.VALUE,
                new BsonDouble(Double.NaN),
                new BsonDouble(Double.NEGATIVE_INFINITY),
                new BsonInt64(-5),
                new BsonDecimal128(Decimal128.parse("-0.5")),
                new BsonInt32(0),
                new BsonDouble(1.5),
                new BsonInt32(2),
                new BsonInt64(3_000_000_000L),
                new BsonDouble(Double.POSITIVE_INFINITY),
                new BsonString(""),
                new BsonString("B"),
                new BsonString("a"),
                new BsonString("é"),
                new BsonString("😀"),
                new BsonDocument("a", new BsonInt32(1)),
                new BsonDocument("a", new BsonInt32(1)).append("b", new BsonInt32(0)),
                new BsonDocument("b", new BsonInt32(0)),     // values' types compare before field names
                new BsonDocument("a", new BsonString("x")),
                new BsonBinary(new byte[] {9}),
                new BsonBinary((byte) 4, new byte[] {0}),
                new BsonBinary(new byte[] {0, 0}),
                new BsonObjectId(new ObjectId("000000000000000000000001")),
                new BsonObjectId(new ObjectId("ff0000000000000000000000")),
                BsonBoolean.FALSE,
                BsonBoolean.TRUE,
                new BsonDateTime(-1),
                new BsonDateTime(1),
                new BsonMaxKey());
        List<BsonValue> shuffled = new ArrayList<>(expected);
        Collections.shuffle(shuffled, new java.util.Random(7));

        shuffled.sort(BsonOrder.INSTANCE);

        assertThat(shuffled).containsExactlyElementsOf(expected);
    }

    @Test
    void equalNumbersOfDifferentTypesCompareEqual() {
        assertThat(BsonOrder.INSTANCE.compare(new BsonInt32(1), new BsonDouble(1.0))).isZero();
        assertThat(BsonOrder.INSTANCE.compare(new BsonInt64(1), new BsonDecimal128(Decimal128.parse("1.000")))).isZero();
        assertThat(BsonOrder.INSTANCE.compare(new BsonDecimal128(Decimal128.NEGATIVE_ZERO), new BsonInt32(0))).isZero();
    }
}
