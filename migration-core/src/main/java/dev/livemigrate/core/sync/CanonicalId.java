package dev.livemigrate.core.sync;

import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.types.Decimal128;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.Checksum;

/**
 * An {@code _id} as MongoDB compares it (simple collation): two values MongoDB holds equal have equal
 * canonical ids, so two writes to one document meet in one lane and one group of a batch whatever numeric
 * type each write spelled the {@code _id} in.
 *
 * <p>The contract, by type bracket (MongoDB's "comparison/sort order"):
 * <ul>
 *   <li>Numbers (int32, int64, double, decimal128) by value: int 1 = long 1 = double 1.0 = decimal
 *       {@code 1.00}; {@code -0.0} = {@code 0}; every NaN is one value; ±Infinity of double and decimal
 *       are equal. A double is taken as the decimal MongoDB compares it as (its exact value rounded to 34
 *       significant digits, half-even), so longs and doubles compare exactly: {@code 2^53 + 1} as a long
 *       differs from every double.</li>
 *   <li>Strings and symbols by their UTF-8 bytes, in one bracket.</li>
 *   <li>Embedded documents and arrays element by element, field names by bytes and values canonical in
 *       turn (MongoDB compares nested numbers by value too).</li>
 *   <li>Every other type by its bracket and its value's bytes; {@code null} and {@code undefined} share
 *       one id (merging more than MongoDB does only costs spread, never order).</li>
 * </ul>
 * Values MongoDB holds different get different ids, so documents spread over the lanes. The shard key and
 * every other part of a {@code documentKey} play no part: a shard-key change arrives as a delete and an
 * insert of one {@code _id} under two keys, and must stay in one lane. A collection with a non-simple
 * default collation (where {@code "a"} may equal {@code "A"}) cannot be routed by this id at all; see
 * {@link CollatedCollections}.
 */
final class CanonicalId {

    private static final MathContext DOUBLE_AS_DECIMAL = new MathContext(34, RoundingMode.HALF_EVEN);

    // brackets, in MongoDB's order; the values only need to differ
    private static final int MIN_KEY = 1;
    private static final int NULL = 2;
    private static final int NUMBER = 3;
    private static final int STRING = 4;
    private static final int OBJECT = 5;
    private static final int ARRAY = 6;
    private static final int BINARY = 7;
    private static final int OBJECT_ID = 8;
    private static final int BOOLEAN = 9;
    private static final int DATE = 10;
    private static final int TIMESTAMP = 11;
    private static final int REGEX = 12;
    private static final int DB_POINTER = 13;
    private static final int CODE = 14;
    private static final int CODE_WITH_SCOPE = 15;
    private static final int MAX_KEY = 16;

    // kinds of number
    private static final int NAN = 0;
    private static final int NEGATIVE_INFINITY = 1;
    private static final int FINITE = 2;
    private static final int POSITIVE_INFINITY = 3;

    private final byte[] bytes;

    private CanonicalId(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The canonical form of an {@code _id} value. */
    static CanonicalId of(BsonValue id) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(32);
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            write(out, id);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // never: the stream is in memory
        }
        return new CanonicalId(buffer.toByteArray());
    }

    /** The canonical {@code _id} of a change event's document key, or {@code null} when it has none. */
    static CanonicalId ofKey(BsonDocument documentKey) {
        BsonValue id = documentKey == null ? null : documentKey.get("_id");
        return id == null ? null : of(id);
    }

    byte[] bytes() {
        return bytes.clone();
    }

    void hashInto(Checksum checksum) {
        checksum.update(bytes, 0, bytes.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CanonicalId other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "CanonicalId" + Arrays.toString(bytes);
    }

    private static void write(DataOutputStream out, BsonValue v) throws IOException {
        switch (v.getBsonType()) {
            case INT32 -> number(out, BigDecimal.valueOf(v.asInt32().getValue()));
            case INT64 -> number(out, BigDecimal.valueOf(v.asInt64().getValue()));
            case DOUBLE -> doubleValue(out, v.asDouble().getValue());
            case DECIMAL128 -> decimal(out, v.asDecimal128().getValue());
            case STRING -> string(out, STRING, v.asString().getValue());
            case SYMBOL -> string(out, STRING, v.asSymbol().getSymbol());
            case DOCUMENT -> document(out, OBJECT, v.asDocument());
            case ARRAY -> {
                out.writeByte(ARRAY);
                out.writeInt(v.asArray().size());
                for (BsonValue element : v.asArray()) {
                    write(out, element);
                }
            }
            case BINARY -> {
                out.writeByte(BINARY);
                out.writeByte(v.asBinary().getType());
                out.writeInt(v.asBinary().getData().length);
                out.write(v.asBinary().getData());
            }
            case OBJECT_ID -> {
                out.writeByte(OBJECT_ID);
                out.write(v.asObjectId().getValue().toByteArray());
            }
            case BOOLEAN -> {
                out.writeByte(BOOLEAN);
                out.writeBoolean(v.asBoolean().getValue());
            }
            case DATE_TIME -> {
                out.writeByte(DATE);
                out.writeLong(v.asDateTime().getValue());
            }
            case TIMESTAMP -> {
                out.writeByte(TIMESTAMP);
                out.writeLong(v.asTimestamp().getValue());
            }
            case REGULAR_EXPRESSION -> {
                out.writeByte(REGEX);
                utf8(out, v.asRegularExpression().getPattern());
                utf8(out, v.asRegularExpression().getOptions());
            }
            case DB_POINTER -> {
                out.writeByte(DB_POINTER);
                utf8(out, v.asDBPointer().getNamespace());
                out.write(v.asDBPointer().getId().toByteArray());
            }
            case JAVASCRIPT -> string(out, CODE, v.asJavaScript().getCode());
            case JAVASCRIPT_WITH_SCOPE -> {
                string(out, CODE_WITH_SCOPE, v.asJavaScriptWithScope().getCode());
                document(out, OBJECT, v.asJavaScriptWithScope().getScope());
            }
            case NULL, UNDEFINED -> out.writeByte(NULL);
            case MIN_KEY -> out.writeByte(MIN_KEY);
            case MAX_KEY -> out.writeByte(MAX_KEY);
            default -> throw new IllegalArgumentException("not a BSON value type: " + v.getBsonType());
        }
    }

    private static void document(DataOutputStream out, int bracket, BsonDocument document) throws IOException {
        out.writeByte(bracket);
        out.writeInt(document.size());
        for (Map.Entry<String, BsonValue> field : document.entrySet()) {
            utf8(out, field.getKey());
            write(out, field.getValue());
        }
    }

    private static void string(DataOutputStream out, int bracket, String value) throws IOException {
        out.writeByte(bracket);
        utf8(out, value);
    }

    private static void utf8(DataOutputStream out, String value) throws IOException {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static void doubleValue(DataOutputStream out, double d) throws IOException {
        if (Double.isNaN(d)) {
            special(out, NAN);
        } else if (Double.isInfinite(d)) {
            special(out, d > 0 ? POSITIVE_INFINITY : NEGATIVE_INFINITY);
        } else {
            number(out, new BigDecimal(d).round(DOUBLE_AS_DECIMAL));
        }
    }

    private static void decimal(DataOutputStream out, Decimal128 d) throws IOException {
        if (d.isNaN()) {
            special(out, NAN);
        } else if (d.isInfinite()) {
            special(out, d.isNegative() ? NEGATIVE_INFINITY : POSITIVE_INFINITY);
        } else {
            BigDecimal value;
            try {
                value = d.bigDecimalValue();
            } catch (ArithmeticException negativeZero) { // the only finite value it refuses
                value = BigDecimal.ZERO;
            }
            number(out, value);
        }
    }

    private static void special(DataOutputStream out, int kind) throws IOException {
        out.writeByte(NUMBER);
        out.writeByte(kind);
    }

    /** A finite number as its unique (unscaled value, scale) pair: trailing zeros stripped, zero as 0. */
    private static void number(DataOutputStream out, BigDecimal value) throws IOException {
        BigDecimal normal = value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
        out.writeByte(NUMBER);
        out.writeByte(FINITE);
        out.writeInt(normal.scale());
        byte[] unscaled = normal.unscaledValue().toByteArray();
        out.writeInt(unscaled.length);
        out.write(unscaled);
    }
}
