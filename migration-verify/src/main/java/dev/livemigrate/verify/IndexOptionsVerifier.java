package dev.livemigrate.verify;

import com.google.auto.service.AutoService;
import com.mongodb.client.MongoClient;
import dev.livemigrate.Namespace;
import dev.livemigrate.spi.Verifier;
import org.bson.BsonDocument;

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
    List<String> compare(Clients c, Namespace source, Namespace destination) {
        List<String> differences = new ArrayList<>(compare(source, indexes(c.source, source), indexes(c.destination, destination)));
        BsonDocument so = options(c.source, source);
        BsonDocument d = options(c.destination, destination);
        if (!so.equals(d)) {
            differences.add(source + ": collection options differ: source " + so.toJson() + ", destination " + d.toJson());
        }
        return differences;
    }

    @Override
    String whatWasEqual() {
        return "indexes and collection options equal";
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
