package dev.livemigrate.core;

import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonBinarySubType;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonJavaScript;
import org.bson.BsonMaxKey;
import org.bson.BsonMinKey;
import org.bson.BsonNull;
import org.bson.BsonObjectId;
import org.bson.BsonRegularExpression;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Documents that exercise every BSON type and shape the embedded server stores faithfully. */
final class SampleDocuments {

    private SampleDocuments() {
    }

    /** One document per interesting value, plus nesting, arrays and odd field names. */
    static List<BsonDocument> everyStorableType() {
        List<BsonDocument> docs = new ArrayList<>();
        int id = 0;
        for (BsonValue v : List.<BsonValue>of(
                new BsonDecimal128(Decimal128.parse("1234567890.123456789012345678901234")),
                new BsonDecimal128(Decimal128.NaN),
                new BsonDecimal128(new Decimal128(new BigDecimal("-0.00"))),
                new BsonDecimal128(Decimal128.POSITIVE_INFINITY),
                new BsonDateTime(-86_400_000L * 365 * 80),
                new BsonDateTime(0),
                new BsonDateTime(4_102_444_800_000L),
                new BsonRegularExpression("^a.*b$", "imsx"),
                new BsonMinKey(),
                new BsonMaxKey(),
                new BsonTimestamp(1_700_000_000, 42),
                new BsonJavaScript("function () { return 1; }"),
                new BsonBinary(BsonBinarySubType.BINARY, new byte[] {0, 1, 2, (byte) 255}),
                new BsonBinary(BsonBinarySubType.UUID_LEGACY, new byte[16]),
                new BsonBinary(UUID.fromString("0d2b6a1e-7f3c-4b59-9f0a-2c4e5d6f7a8b")),
                new BsonDouble(-0.0),
                new BsonDouble(Double.POSITIVE_INFINITY),
                new BsonDouble(Double.NEGATIVE_INFINITY),
                new BsonDouble(Double.NaN),
                new BsonDouble(Double.MIN_VALUE),
                new BsonInt64(Long.MIN_VALUE),
                new BsonInt64(Long.MAX_VALUE),
                new BsonInt32(Integer.MIN_VALUE),
                new BsonString("ünïcødé ✓ 🚀 \u0000 inside"),
                new BsonString(""),
                BsonNull.VALUE,
                BsonBoolean.TRUE,
                new BsonObjectId(new ObjectId("65f000000000000000000001")))) {
            docs.add(new BsonDocument("_id", new BsonInt32(id++)).append("v", v).append("t", new BsonString(v.getBsonType().name())));
        }
        BsonDocument deep = new BsonDocument("leaf", new BsonInt32(1));
        for (int i = 0; i < 90; i++) {
            deep = new BsonDocument("d" + i, deep).append("n", new BsonInt32(i));
        }
        docs.add(new BsonDocument("_id", new BsonInt32(id++)).append("deep", deep));
        docs.add(new BsonDocument("_id", new BsonInt32(id++))
                .append("arr", new BsonArray(List.of(new BsonInt32(1), new BsonString("two"),
                        new BsonArray(List.of(new BsonDouble(3.0), new BsonArray())),
                        new BsonDocument("x", new BsonArray(List.of(BsonNull.VALUE))))))
                .append("empty", new BsonArray()));
        docs.add(new BsonDocument("_id", new BsonInt32(id++))
                .append("", new BsonString("empty name"))
                .append("a.b", new BsonString("dotted"))
                .append("$dollar", new BsonString("dollar"))
                .append("z", new BsonInt32(1))
                .append("a", new BsonInt32(2))); // field order kept as written, not sorted
        docs.add(new BsonDocument("_id", new BsonInt32(id++)).append("int", new BsonInt32(1))
                .append("long", new BsonInt64(1)).append("double", new BsonDouble(1)).append("dec", new BsonDecimal128(Decimal128.parse("1"))));
        return docs;
    }

    /** {@code perType} documents for each of nine {@code _id} types, in one collection. */
    static List<BsonDocument> mixedIds(int perType) {
        List<BsonDocument> docs = new ArrayList<>();
        for (int i = 0; i < perType; i++) {
            for (BsonValue id : List.<BsonValue>of(
                    new BsonObjectId(new ObjectId(String.format("%024x", i + 1))),
                    new BsonInt32(i),
                    new BsonInt64(1_000_000_000_000L + i),
                    new BsonDouble(i + 0.5),
                    new BsonString(String.format("key-%05d", i)),
                    new BsonBinary(new UUID(0, i)),
                    new BsonDocument("tenant", new BsonInt32(i % 7)).append("seq", new BsonInt32(i)),
                    new BsonDateTime(1_600_000_000_000L + i))) {
                docs.add(new BsonDocument("_id", id).append("n", new BsonInt32(i)).append("pad", new BsonString("x".repeat(50))));
            }
        }
        docs.add(new BsonDocument("_id", BsonBoolean.TRUE));
        docs.add(new BsonDocument("_id", BsonBoolean.FALSE));
        return docs;
    }
}
