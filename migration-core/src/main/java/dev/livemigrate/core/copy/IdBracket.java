package dev.livemigrate.core.copy;

import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonMaxKey;
import org.bson.BsonMinKey;
import org.bson.BsonString;
import org.bson.BsonType;
import org.bson.BsonValue;

import java.util.Arrays;
import java.util.List;

/**
 * The groups of BSON types that MongoDB compares with each other, in MongoDB's sort order. A range
 * predicate on {@code _id} only ever matches values of its bound's bracket, so partitions are planned per
 * bracket. Every {@link BsonType} a value can have belongs to exactly one bracket.
 */
public enum IdBracket {
    MIN_KEY(BsonType.MIN_KEY),
    UNDEFINED(BsonType.UNDEFINED),
    NULL(BsonType.NULL),
    NUMBER(BsonType.DOUBLE, BsonType.INT32, BsonType.INT64, BsonType.DECIMAL128),
    STRING(BsonType.STRING, BsonType.SYMBOL),
    DOCUMENT(BsonType.DOCUMENT),
    ARRAY(BsonType.ARRAY),
    BINARY(BsonType.BINARY),
    OBJECT_ID(BsonType.OBJECT_ID),
    BOOLEAN(BsonType.BOOLEAN),
    DATE(BsonType.DATE_TIME),
    TIMESTAMP(BsonType.TIMESTAMP),
    REGEX(BsonType.REGULAR_EXPRESSION),
    DB_POINTER(BsonType.DB_POINTER),
    JAVASCRIPT(BsonType.JAVASCRIPT),
    JAVASCRIPT_WITH_SCOPE(BsonType.JAVASCRIPT_WITH_SCOPE),
    MAX_KEY(BsonType.MAX_KEY);

    private final List<BsonType> types;

    IdBracket(BsonType... types) {
        this.types = List.of(types);
    }

    public List<BsonType> types() {
        return types;
    }

    /**
     * A condition on {@code _id} that matches exactly the values of this bracket. Strings and symbols are
     * matched by {@code $gte: ""} (the smallest string; a range only matches its own bracket), since
     * some servers reject {@code $type} for the deprecated symbol type; every other bracket by
     * {@code $type}, but for the single-value brackets of MinKey and MaxKey, matched by equality.
     */
    public BsonDocument membership() {
        if (this == STRING) {
            return new BsonDocument("$gte", new BsonString(""));
        }
        if (this == MIN_KEY || this == MAX_KEY) { // single-value brackets; some servers reject $type -1
            return new BsonDocument("$eq", this == MIN_KEY ? new BsonMinKey() : new BsonMaxKey());
        }
        if (types.size() == 1) {
            return new BsonDocument("$type", new BsonInt32(types.get(0).getValue()));
        }
        BsonArray codes = new BsonArray();
        types.forEach(t -> codes.add(new BsonInt32(t.getValue())));
        return new BsonDocument("$type", codes);
    }

    public static IdBracket of(BsonValue value) {
        return of(value.getBsonType());
    }

    public static IdBracket of(BsonType type) {
        return Arrays.stream(values()).filter(b -> b.types.contains(type)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no bracket for BSON type " + type));
    }
}
