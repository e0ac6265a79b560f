package dev.livemigrate.verify;

import com.google.auto.service.AutoService;
import com.mongodb.client.MongoClient;
import dev.livemigrate.Namespace;
import dev.livemigrate.NamespaceVerification;
import dev.livemigrate.spi.Verifier;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compares index definitions (as {@link IndexComparison} says: keys in order, the options that change what an
 * index does) and collection options (capped, validator, collation, ...) of every namespace, option values in
 * order with numbers by value. A view has no indexes: where either side is a view, its kind and definition
 * ({@code viewOn}, {@code pipeline}, {@code collation}) are compared instead. Through mongos ({@link ShardLayout}):
 * the indexes on every shard of a sharded destination, and, where both sides are sharded clusters, shard keys.
 */
@AutoService(Verifier.class)
public final class IndexOptionsVerifier extends NamespaceVerifier {

    @Override
    public String name() {
        return "indexes-and-options";
    }

    @Override
    NamespaceVerification compare(Clients c, NamespaceVerification n) {
        Map<String, BsonDocument> source = indexes(c.source, n.source());
        List<String> indexDifferences = new ArrayList<>(compare(n.source(), source, indexes(c.destination, n.destination())));
        List<String> optionDifferences = new ArrayList<>(compareOptions(n.source(), options(c.sourceEntry(n.source())),
                options(c.destinationEntry(n.destination()))));
        if (c.destinationSharded()) {
            indexDifferences.addAll(ShardLayout.compareShards(n.source(), source, c.destination, n.destination()));
        }
        if (c.sourceSharded() && c.destinationSharded()) {
            optionDifferences.addAll(ShardLayout.compareKeys(n.source(), ShardLayout.shardKey(c.source, n.source()),
                    ShardLayout.shardKey(c.destination, n.destination())));
        }
        return n.withIndexDifferences(indexDifferences).withOptionDifferences(optionDifferences);
    }

    @Override
    NamespaceVerification compareView(Clients c, NamespaceVerification n) {
        return n.withOptionDifferences(compareViews(n.source(), c.sourceEntry(n.source()), c.destinationEntry(n.destination())));
    }

    /**
     * Where either side is a view: that both are views, and each part of the definition that differs
     * ({@code viewOn}, {@code pipeline} stage by stage in order, {@code collation}).
     */
    static List<String> compareViews(Namespace ns, BsonDocument source, BsonDocument destination) {
        if (!Clients.isView(source) || !Clients.isView(destination)) {
            return List.of(ns + " is " + kind(source) + " on the source and " + kind(destination) + " on the destination");
        }
        return compareOptions(ns, options(source), options(destination)).stream()
                .map(d -> d.replace(": collection option ", ": view definition ")).toList();
    }

    private static String kind(BsonDocument entry) {
        if (entry == null) {
            return "missing";
        }
        return Clients.isView(entry) ? "a view" : "a " + entry.getString("type", new BsonString("collection")).getValue();
    }

    /** Each collection option that differs, named (capped, size, validator, collation, ...). */
    static List<String> compareOptions(Namespace ns, BsonDocument source, BsonDocument destination) {
        List<String> differences = new ArrayList<>();
        Set<String> names = new TreeSet<>(source.keySet());
        names.addAll(destination.keySet());
        for (String name : names) {
            BsonValue s = source.get(name);
            BsonValue d = destination.get(name);
            if (!Values.same(s, d)) {
                differences.add(ns + ": collection option " + name + " differs: source " + Values.json(s) + ", destination "
                        + Values.json(d));
            }
        }
        return differences;
    }

    static List<String> compare(Namespace ns, Map<String, BsonDocument> source, Map<String, BsonDocument> destination) {
        return IndexComparison.compare(ns, source, destination);
    }

    /** Index definitions by name, as {@code listIndexes} reports them. */
    static Map<String, BsonDocument> indexes(MongoClient client, Namespace ns) {
        Map<String, BsonDocument> found = new TreeMap<>();
        client.getDatabase(ns.database()).getCollection(ns.collection()).listIndexes(BsonDocument.class)
                .forEach(i -> found.put(i.getString("name").getValue(), i));
        return found;
    }

    /** The options of a {@code listCollections} entry (empty when it has none or does not exist). */
    static BsonDocument options(BsonDocument entry) {
        return entry == null ? new BsonDocument() : entry.getDocument("options", new BsonDocument());
    }
}
