package dev.livemigrate.core.copy;

import org.bson.BsonBinary;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.types.Decimal128;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;

/**
 * MongoDB's sort order of BSON values under the simple collation, for the types an {@code _id} can
 * have: by {@link IdBracket} first, then within the bracket (numbers by value with NaN lowest, strings by
 * UTF-8 bytes, binaries by length, subtype and bytes, documents field by field). Used to order sampled
 * split points when the server cannot sort them itself; the server's own order is preferred.
 */
final class BsonOrder implements Comparator<BsonValue> {

    static final BsonOrder INSTANCE = new BsonOrder();

    @Override
    public int compare(BsonValue a, BsonValue b) {
        int byBracket = Integer.compare(IdBracket.of(a).ordinal(), IdBracket.of(b).ordinal());
        if (byBracket != 0) {
            return byBracket;
        }
        return switch (IdBracket.of(a)) {
            case MIN_KEY, MAX_KEY, NULL, UNDEFINED -> 0;
            case NUMBER -> compareNumbers(a, b);
            case STRING -> compareUtf8(string(a), string(b));
            case OBJECT_ID -> compareBytes(a.asObjectId().getValue().toByteArray(), b.asObjectId().getValue().toByteArray());
            case BOOLEAN -> Boolean.compare(a.asBoolean().getValue(), b.asBoolean().getValue());
            case DATE -> Long.compare(a.asDateTime().getValue(), b.asDateTime().getValue());
            case TIMESTAMP -> Long.compareUnsigned(a.asTimestamp().getValue(), b.asTimestamp().getValue());
            case BINARY -> compareBinary(a.asBinary(), b.asBinary());
            case DOCUMENT -> compareDocuments(a.asDocument(), b.asDocument());
            case ARRAY -> compareArrays(a, b);
            case REGEX -> {
                int p = compareUtf8(a.asRegularExpression().getPattern(), b.asRegularExpression().getPattern());
                yield p != 0 ? p : compareUtf8(a.asRegularExpression().getOptions(), b.asRegularExpression().getOptions());
            }
            case JAVASCRIPT -> compareUtf8(a.asJavaScript().getCode(), b.asJavaScript().getCode());
            case JAVASCRIPT_WITH_SCOPE -> {
                int c = compareUtf8(a.asJavaScriptWithScope().getCode(), b.asJavaScriptWithScope().getCode());
                yield c != 0 ? c : compareDocuments(a.asJavaScriptWithScope().getScope(), b.asJavaScriptWithScope().getScope());
            }
            case DB_POINTER -> {
                int c = compareUtf8(a.asDBPointer().getNamespace(), b.asDBPointer().getNamespace());
                yield c != 0 ? c : compareBytes(a.asDBPointer().getId().toByteArray(), b.asDBPointer().getId().toByteArray());
            }
        };
    }

    private static String string(BsonValue v) {
        return v.isSymbol() ? v.asSymbol().getSymbol() : v.asString().getValue();
    }

    private int compareDocuments(BsonDocument a, BsonDocument b) {
        Iterator<Map.Entry<String, BsonValue>> i = a.entrySet().iterator();
        Iterator<Map.Entry<String, BsonValue>> j = b.entrySet().iterator();
        while (i.hasNext() && j.hasNext()) {
            Map.Entry<String, BsonValue> x = i.next();
            Map.Entry<String, BsonValue> y = j.next();
            int c = Integer.compare(IdBracket.of(x.getValue()).ordinal(), IdBracket.of(y.getValue()).ordinal());
            if (c == 0) {
                c = compareUtf8(x.getKey(), y.getKey());
            }
            if (c == 0) {
                c = compare(x.getValue(), y.getValue());
            }
            if (c != 0) {
                return c;
            }
        }
        return Boolean.compare(i.hasNext(), j.hasNext());
    }

    private int compareArrays(BsonValue a, BsonValue b) {
        Iterator<BsonValue> i = a.asArray().iterator();
        Iterator<BsonValue> j = b.asArray().iterator();
        while (i.hasNext() && j.hasNext()) {
            int c = compare(i.next(), j.next());
            if (c != 0) {
                return c;
            }
        }
        return Boolean.compare(i.hasNext(), j.hasNext());
    }

    private static int compareNumbers(BsonValue a, BsonValue b) {
        boolean nanA = isNaN(a);
        boolean nanB = isNaN(b);
        if (nanA || nanB) {
            return Boolean.compare(!nanA, !nanB); // NaN sorts below every number
        }
        int infA = infinity(a);
        int infB = infinity(b);
        if (infA != 0 || infB != 0) {
            return Integer.compare(infA, infB);
        }
        return decimal(a).compareTo(decimal(b));
    }

    private static boolean isNaN(BsonValue v) {
        return (v.isDouble() && Double.isNaN(v.asDouble().getValue()))
                || (v.isDecimal128() && v.asDecimal128().getValue().isNaN());
    }

    /** -1 for negative infinity, 1 for positive, 0 for a finite number. */
    private static int infinity(BsonValue v) {
        if (v.isDouble() && Double.isInfinite(v.asDouble().getValue())) {
            return v.asDouble().getValue() > 0 ? 1 : -1;
        }
        if (v.isDecimal128() && v.asDecimal128().getValue().isInfinite()) {
            return v.asDecimal128().getValue().isNegative() ? -1 : 1;
        }
        return 0;
    }

    private static BigDecimal decimal(BsonValue v) {
        return switch (v.getBsonType()) {
            case INT32 -> BigDecimal.valueOf(v.asInt32().getValue());
            case INT64 -> BigDecimal.valueOf(v.asInt64().getValue());
            case DOUBLE -> new BigDecimal(v.asDouble().getValue());
            case DECIMAL128 -> decimal(v.asDecimal128().getValue());
            default -> throw new IllegalArgumentException("not a number: " + v);
        };
    }

    private static BigDecimal decimal(Decimal128 d) {
        try {
            return d.bigDecimalValue();
        } catch (ArithmeticException negativeZero) { // -0 equals 0
            return BigDecimal.ZERO;
        }
    }

    private static int compareBinary(BsonBinary a, BsonBinary b) {
        int c = Integer.compare(a.getData().length, b.getData().length);
        if (c == 0) {
            c = Integer.compare(a.getType() & 0xff, b.getType() & 0xff);
        }
        return c != 0 ? c : compareBytes(a.getData(), b.getData());
    }

    private static int compareUtf8(String a, String b) {
        return compareBytes(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static int compareBytes(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }
}
