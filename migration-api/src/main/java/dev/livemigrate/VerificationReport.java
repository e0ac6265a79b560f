package dev.livemigrate;

import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt64;
import org.bson.BsonString;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What verification found: per namespace the counts, digests, mismatched documents (a bounded list and the
 * total), index and option differences; with the time it took and how fast documents were hashed.
 *
 * @param verifiers  the verifiers that ran, by name
 * @param namespaces one entry per namespace, merged from every verifier
 * @param duration   wall-clock time of the whole verification
 * @since 0.1
 */
public record VerificationReport(List<String> verifiers, List<NamespaceVerification> namespaces, Duration duration) {

    public VerificationReport {
        verifiers = List.copyOf(verifiers);
        namespaces = List.copyOf(namespaces);
        Objects.requireNonNull(duration, "duration");
    }

    /** Merges what each verifier found for the same namespace into one entry per namespace, in first-seen order. */
    public static VerificationReport merge(List<String> verifiers, List<NamespaceVerification> results, Duration duration) {
        Map<Namespace, NamespaceVerification> merged = new LinkedHashMap<>();
        results.forEach(r -> merged.merge(r.source(), r, NamespaceVerification::merge));
        return new VerificationReport(verifiers, new ArrayList<>(merged.values()), duration);
    }

    /** Whether at least one verifier ran and nothing differs. */
    public boolean equal() {
        return !verifiers.isEmpty() && namespaces.stream().allMatch(NamespaceVerification::equal);
    }

    /** Documents missing, extra or different, over all namespaces. */
    public long mismatchTotal() {
        return namespaces.stream().mapToLong(NamespaceVerification::mismatchTotal).sum();
    }

    public long documentsHashed() {
        return namespaces.stream().mapToLong(NamespaceVerification::documentsHashed).sum();
    }

    public long bytesHashed() {
        return namespaces.stream().mapToLong(NamespaceVerification::bytesHashed).sum();
    }

    /** Source documents hashed per second of the whole verification. */
    public double documentsPerSecond() {
        return documentsHashed() / seconds();
    }

    /** Source bytes hashed per second of the whole verification. */
    public double bytesPerSecond() {
        return bytesHashed() / seconds();
    }

    /** Every difference, one sentence each, naming the namespace. */
    public List<String> differences() {
        return namespaces.stream().flatMap(n -> n.differences().stream()).toList();
    }

    /** One line for people. */
    public String summary() {
        if (verifiers.isEmpty()) {
            return "no verifier on the class path: nothing was compared";
        }
        String speed = documentsHashed() == 0 ? "" : String.format(Locale.ROOT, ", %d documents hashed (%.0f/s, %.1f MiB/s)",
                documentsHashed(), documentsPerSecond(), bytesPerSecond() / (1024 * 1024));
        String head = namespaces.size() + " namespace(s) in " + duration.toMillis() + " ms" + speed;
        List<String> differences = differences();
        return differences.isEmpty() ? head + ": equal" : head + ": " + differences.size() + " difference(s): "
                + String.join("; ", differences);
    }

    /** The report as one line of relaxed JSON. */
    public String toJson() {
        return toBson().toJson(Json.RELAXED);
    }

    BsonDocument toBson() {
        BsonArray names = new BsonArray();
        verifiers.forEach(v -> names.add(new BsonString(v)));
        BsonArray entries = new BsonArray();
        namespaces.forEach(n -> entries.add(n.toBson()));
        return new BsonDocument("type", new BsonString("verification"))
                .append("equal", BsonBoolean.valueOf(equal()))
                .append("verifiers", names)
                .append("durationMillis", new BsonInt64(duration.toMillis()))
                .append("mismatchTotal", new BsonInt64(mismatchTotal()))
                .append("documentsHashed", new BsonInt64(documentsHashed()))
                .append("bytesHashed", new BsonInt64(bytesHashed()))
                .append("documentsPerSecond", new BsonDouble(Math.round(documentsPerSecond())))
                .append("bytesPerSecond", new BsonDouble(Math.round(bytesPerSecond())))
                .append("namespaces", entries);
    }

    private double seconds() {
        return Math.max(1e-3, duration.toNanos() / 1e9);
    }
}
