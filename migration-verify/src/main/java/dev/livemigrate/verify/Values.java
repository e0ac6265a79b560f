package dev.livemigrate.verify;

import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.types.Decimal128;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;

/**
 * Comparisons of BSON values as MongoDB means them in definitions (index keys, options, view pipelines):
 * field order counts (unlike {@link BsonDocument#equals}, which ignores it), numbers compare by value
 * whatever their type ({@code NumberLong(3600)} is {@code 3600}), everything else compares as itself.
 */
final class Values {

    private Values() {
    }

    /** Whether {@code a} and {@code b} are the same: both absent, or equal in order, numbers by value. */
    static boolean same(BsonValue a, BsonValue b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (numeric(a) != null && numeric(b) != null) {
            return numeric(a).equals(numeric(b));
        }
        if (a.getBsonType() != b.getBsonType()) {
            return false;
        }
        if (a.isDocument()) {
            return sameInOrder(a.asDocument(), b.asDocument());
        }
        if (a.isArray()) {
            BsonArray x = a.asArray();
            BsonArray y = b.asArray();
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!same(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    private static boolean sameInOrder(BsonDocument a, BsonDocument b) {
        if (a.size() != b.size()) {
            return false;
        }
        Iterator<Map.Entry<String, BsonValue>> x = a.entrySet().iterator();
        Iterator<Map.Entry<String, BsonValue>> y = b.entrySet().iterator();
        while (x.hasNext()) {
            Map.Entry<String, BsonValue> e = x.next();
            Map.Entry<String, BsonValue> f = y.next();
            if (!e.getKey().equals(f.getKey()) || !same(e.getValue(), f.getValue())) {
                return false;
            }
        }
        return true;
    }

    /**
     * A number's value in a form equal for equal values of any numeric type: a normalized decimal, or
     * {@code NaN}, {@code Infinity}, {@code -Infinity} (MongoDB treats every NaN as equal to every other);
     * {@code null} for a value that is not a number.
     */
    static Object numeric(BsonValue v) {
        if (!v.isNumber() && !v.isDecimal128()) {
            return null;
        }
        if (v.isDecimal128()) {
            Decimal128 d = v.asDecimal128().getValue();
            if (d.isNaN()) {
                return "NaN";
            }
            if (d.isInfinite()) {
                return d.isNegative() ? "-Infinity" : "Infinity";
            }
            try {
                return normalized(d.bigDecimalValue());
            } catch (ArithmeticException negativeZero) { // the only finite value BigDecimal cannot hold
                return BigDecimal.ZERO;
            }
        }
        if (v.isDouble()) {
            double d = v.asDouble().getValue();
            if (Double.isNaN(d)) {
                return "NaN";
            }
            if (Double.isInfinite(d)) {
                return d > 0 ? "Infinity" : "-Infinity";
            }
            return normalized(new BigDecimal(d));
        }
        return BigDecimal.valueOf(v.asNumber().longValue());
    }

    private static BigDecimal normalized(BigDecimal d) {
        return d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
    }

    /** Whether a flag is set: absent, {@code false} and {@code 0} are unset (how MongoDB reads {@code unique: 1}). */
    static boolean flag(BsonValue v) {
        if (v == null || v.isNull()) {
            return false;
        }
        if (v.isBoolean()) {
            return v.asBoolean().getValue();
        }
        return !v.isNumber() || v.asNumber().doubleValue() != 0;
    }

    /** A value as relaxed JSON, {@code (not set)} when absent. */
    static String json(BsonValue v) {
        if (v == null) {
            return "(not set)";
        }
        String json = new BsonDocument("v", v).toJson();
        return json.substring(json.indexOf(':') + 1, json.length() - 1).strip();
    }
}
