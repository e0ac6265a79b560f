package dev.livemigrate.verify;

import com.google.auto.service.AutoService;
import com.mongodb.client.MongoClient;
import dev.livemigrate.Namespace;
import dev.livemigrate.NamespaceVerification;
import dev.livemigrate.spi.Verifier;
import org.bson.BsonDocument;
import org.bson.BsonValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compares index definitions (keys, unique, sparse, partial filter, TTL, collation, names) and
 * collection options (capped, validator, collation, ...) of every namespace.
 */
@AutoService(Verifier.class)
public final class IndexOptionsVerifier extends NamespaceVerifier {

    @Override
    public String name() {
        return "indexes-and-options";
    }

    @Override
    NamespaceVerification compare(Clients c, NamespaceVerification n) {
        return n.withIndexDifferences(compare(n.source(), indexes(c.source, n.source()), indexes(c.destination, n.destination())))
                .withOptionDifferences(compareOptions(n.source(), options(c.source, n.source()), options(c.destination, n.destination())));
    }

    /** Each collection option that differs, named (capped, size, validator, collation, ...). */
    static List<String> compareOptions(Namespace ns, BsonDocument source, BsonDocument destination) {
        List<String> differences = new ArrayList<>();
        java.util.Set<String> names = new java.util.TreeSet<>(source.keySet());
        names.addAll(destination.keySet());
        for (String name : names) {
            BsonValue s = source.get(name);
            BsonValue d = destination.get(name);
            if (!java.util.Objects.equals(s, d)) {
                differences.add(ns + ": collection option " + name + " differs: source " + json(s) + ", destination " + json(d));
            }
        }
        return differences;
    }

    private static String json(BsonValue v) {
        if (v == null) {
            return "(not set)";
        }
        String json = new BsonDocument("v", v).toJson();
        return json.substring(json.indexOf(':') + 1, json.length() - 1).strip();
    }

    static List<String> compare(Namespace ns, Map<String, BsonDocument> source, Map<String, BsonDocument> destination) {
        List<String> differences = new ArrayList<>();
        source.forEach((name, spec) -> {
            BsonDocument other = destination.get(name);
            if (other == null) {
                differences.add(ns + ": index " + name + " is missing on the destination");
            } else if (!other.equals(spec)) {
                differences.add(ns + ": index " + name + " differs: source " + spec.toJson() + ", destination " + other.toJson());
            }
        });
        destination.keySet().stream().filter(n -> !source.containsKey(n))
                .forEach(n -> differences.add(ns + ": index " + n + " exists only on the destination"));
        return differences;
    }

    /** Index definitions by name, without what each server chooses itself ({@code v}, {@code ns}). */
    static Map<String, BsonDocument> indexes(MongoClient client, Namespace ns) {
        Map<String, BsonDocument> found = new TreeMap<>();
        client.getDatabase(ns.database()).getCollection(ns.collection()).listIndexes(BsonDocument.class).forEach(i -> {
            BsonDocument spec = i.clone();
            spec.remove("v");
            spec.remove("ns");
            spec.remove("background");
            found.put(spec.getString("name").getValue(), spec);
        });
        return found;
    }

    /** The collection's {@code listCollections} options, without the uuid. */
    static BsonDocument options(MongoClient client, Namespace ns) {
        BsonDocument entry = client.getDatabase(ns.database()).listCollections(BsonDocument.class)
                .filter(new BsonDocument("name", new org.bson.BsonString(ns.collection()))).first();
        return entry == null ? new BsonDocument() : entry.getDocument("options", new BsonDocument());
    }
}
