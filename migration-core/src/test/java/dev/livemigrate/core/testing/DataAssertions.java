package dev.livemigrate.core.testing;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import dev.livemigrate.Namespace;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Byte-for-byte comparisons of collections, shared by every test that checks migrated data. */
public final class DataAssertions {

    private DataAssertions() {
    }

    /** Every document of {@code expected} is in {@code actual} with identical bytes, and nothing else is. */
    public static void assertSameDocuments(MongoCollection<RawBsonDocument> expected, MongoCollection<RawBsonDocument> actual) {
        Map<BsonValue, byte[]> want = bytesById(expected);
        Map<BsonValue, byte[]> got = bytesById(actual);
        assertThat(got.keySet()).as("ids of %s", actual.getNamespace()).containsExactlyInAnyOrderElementsOf(want.keySet());
        List<BsonValue> different = new ArrayList<>();
        want.forEach((id, bytes) -> {
            if (!Arrays.equals(bytes, got.get(id))) {
                different.add(id);
            }
        });
        assertThat(different).as("documents of %s whose bytes differ, first: %s", actual.getNamespace(),
                different.isEmpty() ? "" : describe(different.get(0), want, got)).isEmpty();
    }

    private static String describe(BsonValue id, Map<BsonValue, byte[]> want, Map<BsonValue, byte[]> got) {
        return "expected " + new RawBsonDocument(want.get(id)).toJson() + " but was " + new RawBsonDocument(got.get(id)).toJson();
    }

    /** The same, for a namespace on two clients. */
    public static void assertSameDocuments(MongoClient source, Namespace from, MongoClient destination, Namespace to) {
        assertSameDocuments(raw(source, from), raw(destination, to));
    }

    public static MongoCollection<RawBsonDocument> raw(MongoClient client, Namespace ns) {
        return client.getDatabase(ns.database()).getCollection(ns.collection(), RawBsonDocument.class);
    }

    /** The documents of a collection as raw bytes by {@code _id}; fails on a duplicate {@code _id}. */
    public static Map<BsonValue, byte[]> bytesById(MongoCollection<RawBsonDocument> collection) {
        Map<BsonValue, byte[]> found = new HashMap<>();
        for (RawBsonDocument d : collection.find()) {
            byte[] bytes = new byte[d.getByteBuffer().remaining()];
            d.getByteBuffer().get(bytes);
            assertThat(found.put(d.get("_id"), bytes)).as("duplicate _id %s in %s", d.get("_id"), collection.getNamespace()).isNull();
        }
        return found;
    }

    /** Index definitions without the fields a server chooses itself ({@code v}, {@code ns}), by name. */
    public static Map<String, BsonDocument> indexes(MongoClient client, Namespace ns) {
        Map<String, BsonDocument> found = new HashMap<>();
        client.getDatabase(ns.database()).getCollection(ns.collection()).listIndexes(BsonDocument.class).forEach(i -> {
            BsonDocument copy = i.clone();
            copy.remove("v");
            copy.remove("ns");
            found.put(i.getString("name").getValue(), copy);
        });
        return found;
    }

    /**
     * {@link #indexes} with {@code expireAfterSeconds} compared by value: a server may list it as an int, a
     * long or a double depending on how it was set ({@code createIndexes} or {@code collMod}).
     */
    public static Map<String, BsonDocument> indexesByValue(MongoClient client, Namespace ns) {
        Map<String, BsonDocument> found = indexes(client, ns);
        found.values().forEach(i -> {
            if (i.isNumber("expireAfterSeconds")) {
                i.put("expireAfterSeconds", new BsonInt64(i.getNumber("expireAfterSeconds").longValue()));
            }
        });
        return found;
    }

    /** Each collection's {@code listCollections} options (views included), as {@code {name, options}}, by name. */
    public static List<BsonDocument> collectionOptions(MongoClient client, String database) {
        List<BsonDocument> found = new ArrayList<>();
        client.getDatabase(database).listCollections(BsonDocument.class)
                .forEach(c -> found.add(new BsonDocument("name", c.get("name")).append("options", c.get("options"))));
        found.sort((a, b) -> a.getString("name").getValue().compareTo(b.getString("name").getValue()));
        return found;
    }
}
