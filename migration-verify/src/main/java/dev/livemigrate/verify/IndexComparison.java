package dev.livemigrate.verify;

import dev.livemigrate.Namespace;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares index definitions as {@code listIndexes} reports them, by name, the way they behave:
 * <ul>
 *   <li>{@code key} in order ({@code {a: 1, b: 1}} and {@code {b: 1, a: 1}} are different indexes), directions
 *       by value ({@code 1} = {@code 1.0});</li>
 *   <li>{@code unique}, {@code sparse}, {@code hidden} as flags (absent = {@code false});</li>
 *   <li>{@code expireAfterSeconds}, {@code textIndexVersion}, {@code 2dsphereIndexVersion} and every other
 *       number by value ({@code collMod} stores a TTL as NumberLong; a source may hold Int32);</li>
 *   <li>text {@code weights} by field, whatever their order; {@code default_language} and
 *       {@code language_override} as strings, with MongoDB's defaults ({@code english}, {@code language})
 *       for a text index that does not list them;</li>
 *   <li>{@code partialFilterExpression}, {@code collation} and any other option in order, numbers by value;</li>
 *   <li>ignored: {@code v} and {@code ns} (each server's own), {@code background} (how it was built, not what it
 *       is), {@code prepareUnique} (the step the engine's unique restore goes through; {@code unique} is compared).</li>
 * </ul>
 */
final class IndexComparison {

    private static final Set<String> IGNORED = Set.of("name", "v", "ns", "background", "prepareUnique");
    private static final Set<String> FLAGS = Set.of("unique", "sparse", "hidden");

    private IndexComparison() {
    }

    /** One sentence per index missing, extra, or differing (one per differing field). */
    static List<String> compare(Namespace ns, Map<String, BsonDocument> source, Map<String, BsonDocument> destination) {
        List<String> differences = new ArrayList<>();
        source.forEach((name, spec) -> {
            BsonDocument other = destination.get(name);
            if (other == null) {
                differences.add(ns + ": index " + name + " is missing on the destination");
            } else {
                differences(spec, other).forEach(field -> differences.add(ns + ": index " + name + " differs in " + field
                        + ": source " + Values.json(spec.get(field)) + ", destination " + Values.json(other.get(field))));
            }
        });
        destination.keySet().stream().filter(n -> !source.containsKey(n))
                .forEach(n -> differences.add(ns + ": index " + n + " exists only on the destination"));
        return differences;
    }

    /** The fields in which two definitions of one index differ, {@code key} first. */
    static List<String> differences(BsonDocument source, BsonDocument destination) {
        Set<String> fields = new LinkedHashSet<>();
        fields.add("key");
        fields.addAll(source.keySet());
        fields.addAll(destination.keySet());
        fields.removeAll(IGNORED);
        boolean text = isText(source) || isText(destination);
        List<String> differing = new ArrayList<>();
        for (String field : fields) {
            if (!same(field, source.get(field), destination.get(field), text)) {
                differing.add(field);
            }
        }
        return differing;
    }

    private static boolean same(String field, BsonValue s, BsonValue d, boolean text) {
        if (FLAGS.contains(field)) {
            return Values.flag(s) == Values.flag(d);
        }
        if (text && field.equals("default_language")) {
            return Values.same(orDefault(s, "english"), orDefault(d, "english"));
        }
        if (text && field.equals("language_override")) {
            return Values.same(orDefault(s, "language"), orDefault(d, "language"));
        }
        if (field.equals("weights") && s != null && d != null && s.isDocument() && d.isDocument()) {
            return sameWeights(s.asDocument(), d.asDocument());
        }
        return Values.same(s, d);
    }

    private static boolean sameWeights(BsonDocument s, BsonDocument d) {
        return s.keySet().equals(d.keySet()) && s.keySet().stream().allMatch(k -> Values.same(s.get(k), d.get(k)));
    }

    private static BsonValue orDefault(BsonValue v, String fallback) {
        return v == null ? new BsonString(fallback) : v;
    }

    private static boolean isText(BsonDocument spec) {
        BsonValue key = spec.get("key");
        return key != null && key.isDocument() && key.asDocument().values().stream()
                .anyMatch(v -> v.isString() && v.asString().getValue().equals("text"));
    }
}
