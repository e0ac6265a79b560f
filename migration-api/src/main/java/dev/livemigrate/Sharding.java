package dev.livemigrate;

import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonNumber;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.json.JsonParseException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which collections to shard on a sharded destination, and on which keys, when the source does not say it (a
 * replica set migrated to a sharded cluster). Shaped like mongosync's {@code sharding} start option:
 * {@code {createSupportingIndexes, shardingEntries: [{database, collection, shardCollection: {key: [...]}}]}}
 * (https://www.mongodb.com/docs/cluster-to-cluster-sync/current/reference/api/start/, "Sharding Parameters").
 *
 * <p>An entry names a <em>source</em> collection; the destination collection it is copied to (after the spec's
 * renames) is sharded on the key before any document is copied into it. A collection no entry names arrives
 * unsharded. A source that is itself a sharded cluster needs no entries: its collections are sharded on the
 * destination as they are on the source; an entry for such a collection wins over the source's key.
 *
 * <p>{@code createSupportingIndexes}: when true, an index on the key is created on the destination if the source
 * has none that supports the key; when false (the default, as in mongosync) the source must have one, or the
 * start is refused. Every entry is checked when it is built and again against the source and the destination
 * when the migration starts, before anything is written; a bad one fails with
 * {@link ErrorCode#INVALID_SHARDING_ENTRY}, naming it.
 *
 * @since 0.1
 */
public final class Sharding {

    /** No entries: nothing is sharded but what the source shards. */
    public static final Sharding NONE = new Sharding(false, List.of());

    private final boolean createSupportingIndexes;
    private final List<Entry> entries;

    private Sharding(boolean createSupportingIndexes, List<Entry> entries) {
        this.createSupportingIndexes = createSupportingIndexes;
        this.entries = List.copyOf(entries);
    }

    /**
     * One collection to shard.
     *
     * @param namespace the source collection
     * @param key       the shard key, fields in order, each {@code 1} (ranged) or {@code "hashed"}
     */
    public record Entry(Namespace namespace, BsonDocument key) {

        public Entry {
            Objects.requireNonNull(namespace, "namespace");
            key = key.clone();
        }

        @Override
        public BsonDocument key() {
            return key.clone();
        }

        @Override
        public String toString() {
            return namespace + "=" + key.toJson();
        }
    }

    /**
     * Entries as given; refused when two name one collection.
     *
     * @throws ConfigurationException {@link ErrorCode#INVALID_SHARDING_ENTRY}
     */
    public static Sharding of(boolean createSupportingIndexes, List<Entry> entries) {
        Set<Namespace> seen = new HashSet<>();
        for (Entry e : entries) {
            if (!seen.add(e.namespace())) {
                throw invalid(e.toString(), "a second entry for " + e.namespace(), "give one entry per collection");
            }
        }
        return new Sharding(createSupportingIndexes, entries);
    }

    /**
     * An entry from a namespace and a shard key, checked: a database and collection a migration may copy, and a
     * key of one or more fields, each {@code 1} or {@code "hashed"}, at most one hashed.
     *
     * @throws ConfigurationException {@link ErrorCode#INVALID_SHARDING_ENTRY} naming the entry
     */
    public static Entry entry(String database, String collection, BsonDocument key) {
        String named = database + "." + collection + "=" + (key == null ? "null" : key.toJson());
        Namespace ns;
        try {
            ns = new Namespace(database, collection);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw invalid(named, "'" + database + "." + collection + "' is not a namespace", "name the collection as database.collection");
        }
        if (ns.isSystem()) {
            throw invalid(named, ns + " is a system namespace, never migrated", "name a collection of your own");
        }
        if (key == null || key.isEmpty()) {
            throw invalid(named, "the shard key is empty", "give at least one field, for example {\"customerId\": 1}");
        }
        int hashed = 0;
        for (var field : key.entrySet()) {
            BsonValue v = field.getValue();
            if (field.getKey().isEmpty() || field.getKey().startsWith("$")) {
                throw invalid(named, "'" + field.getKey() + "' is not a field name a shard key may use", "use a document field");
            }
            if (v.isString() && v.asString().getValue().equals("hashed")) {
                hashed++;
            } else if (!(v instanceof BsonNumber n && n.doubleValue() == 1)) {
                throw invalid(named, "field '" + field.getKey() + "' is " + v.toString(), "use 1 (ranged) or \"hashed\" for each field");
            }
        }
        if (hashed > 1) {
            throw invalid(named, "the key has " + hashed + " hashed fields", "hash at most one field");
        }
        return new Entry(ns, key);
    }

    /**
     * An entry written {@code db.coll={"field": 1}} (the CLI's {@code --shard}): the namespace up to the first
     * {@code =}, the key as extended JSON after it.
     *
     * @throws ConfigurationException {@link ErrorCode#INVALID_SHARDING_ENTRY} naming the text
     */
    public static Entry parseEntry(String text) {
        int eq = text == null ? -1 : text.indexOf('=');
        int dot = text == null ? -1 : text.indexOf('.');
        if (eq < 0 || dot < 0 || dot > eq) {
            throw invalid(String.valueOf(text), "it is not of the form db.collection={key}", "write it as db.coll={\"field\": 1}");
        }
        BsonDocument key;
        try {
            key = BsonDocument.parse(text.substring(eq + 1));
        } catch (JsonParseException | IllegalArgumentException e) {
            throw invalid(text, "the key is not a JSON document (" + e.getMessage() + ")", "write the key as {\"field\": 1}");
        }
        return entry(text.substring(0, dot), text.substring(dot + 1, eq), key);
    }

    /**
     * Reads mongosync's shape: {@code {createSupportingIndexes: <bool>, shardingEntries: [{database, collection,
     * shardCollection: {key: [{field: 1}, ...]}}]}}; the key's documents are joined in order.
     *
     * @throws ConfigurationException {@link ErrorCode#INVALID_SHARDING_ENTRY} naming the entry and what is wrong
     */
    public static Sharding fromDocument(BsonDocument sharding) {
        BsonValue create = sharding.get("createSupportingIndexes", BsonBoolean.FALSE);
        if (!create.isBoolean()) {
            throw invalid("createSupportingIndexes", "it is " + create, "use true or false");
        }
        BsonValue list = sharding.get("shardingEntries", new BsonArray());
        if (!list.isArray()) {
            throw invalid("shardingEntries", "it is not an array", "give an array of {database, collection, shardCollection: {key: [...]}}");
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < list.asArray().size(); i++) {
            entries.add(fromEntryDocument(i, list.asArray().get(i)));
        }
        return of(create.asBoolean().getValue(), entries);
    }

    private static Entry fromEntryDocument(int index, BsonValue value) {
        String named = "shardingEntries[" + index + "]";
        if (!value.isDocument()) {
            throw invalid(named, "it is not a document", "give {database, collection, shardCollection: {key: [...]}}");
        }
        BsonDocument d = value.asDocument();
        if (!d.isString("database") || !d.isString("collection")) {
            throw invalid(named + " " + d.toJson(), "database or collection is missing or not a string", "give both as strings");
        }
        BsonValue keyParts = d.isDocument("shardCollection") ? d.getDocument("shardCollection").get("key") : null;
        if (keyParts == null || !keyParts.isArray()) {
            throw invalid(named + " " + d.toJson(), "shardCollection.key is missing or not an array",
                    "give the key as an array of fields, for example [{\"location\": 1}, {\"region\": 1}]");
        }
        BsonDocument key = new BsonDocument();
        for (BsonValue part : keyParts.asArray()) {
            if (!part.isDocument() || part.asDocument().isEmpty()) {
                throw invalid(named + " " + d.toJson(), "a key part is " + part, "give each part as {\"field\": 1}");
            }
            for (var f : part.asDocument().entrySet()) {
                if (key.containsKey(f.getKey())) {
                    throw invalid(named + " " + d.toJson(), "field '" + f.getKey() + "' appears twice in the key", "name each field once");
                }
                key.put(f.getKey(), f.getValue());
            }
        }
        return entry(d.getString("database").getValue(), d.getString("collection").getValue(), key);
    }

    /** Whether an index on the key is created on the destination when the source has none supporting it. */
    public boolean createSupportingIndexes() {
        return createSupportingIndexes;
    }

    public List<Entry> entries() {
        return entries;
    }

    /** The entry for a source collection, or {@code null}. */
    public Entry entry(Namespace source) {
        return entries.stream().filter(e -> e.namespace().equals(source)).findFirst().orElse(null);
    }

    /** In mongosync's shape (see {@link #fromDocument}). */
    public BsonDocument toDocument() {
        BsonArray list = new BsonArray();
        for (Entry e : entries) {
            BsonArray key = new BsonArray();
            e.key.forEach((f, v) -> key.add(new BsonDocument(f, v)));
            list.add(new BsonDocument("database", new BsonString(e.namespace().database()))
                    .append("collection", new BsonString(e.namespace().collection()))
                    .append("shardCollection", new BsonDocument("key", key)));
        }
        return new BsonDocument("createSupportingIndexes", BsonBoolean.valueOf(createSupportingIndexes)).append("shardingEntries", list);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sharding s && s.createSupportingIndexes == createSupportingIndexes && s.entries.equals(entries);
    }

    @Override
    public int hashCode() {
        return Objects.hash(createSupportingIndexes, entries);
    }

    @Override
    public String toString() {
        return "Sharding{createSupportingIndexes=" + createSupportingIndexes + ", entries=" + entries + "}";
    }

    /** The refusal of an entry: which one, what is wrong with it, what to do. */
    public static ConfigurationException invalid(String entry, String what, String remedy) {
        return new ConfigurationException(ErrorCode.INVALID_SHARDING_ENTRY, "sharding entry " + entry + ": " + what + "; " + remedy + ".");
    }
}
