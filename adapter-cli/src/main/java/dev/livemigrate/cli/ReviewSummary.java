package dev.livemigrate.cli;

import com.mongodb.ConnectionString;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.SourceSettings;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The review-and-confirm summary {@code livemigrate run} prints before it starts, as the status page's review
 * screen shows it: source hosts, destination, selection and options. Hosts and user names only: no password,
 * no connection string.
 */
final class ReviewSummary {

    private ReviewSummary() {
    }

    static String render(MigrationSpec spec) {
        StringBuilder b = new StringBuilder("about to start migration ").append(spec.migrationId()).append('\n');
        SourceSettings source = spec.source();
        row(b, "source", source.connectionString().map(ReviewSummary::hosts).orElse(source.kind() + " source"));
        source.caFile().ifPresent(ca -> row(b, "source CA file", ca.toString()));
        row(b, "destination", hosts(spec.destination()));
        row(b, "include", list(spec.includes(), "everything"));
        row(b, "exclude", list(spec.excludes(), "nothing"));
        row(b, "renames", spec.renames().isEmpty() ? "none" : String.join(", ", spec.renames().entrySet().stream()
                .map((Map.Entry<String, String> e) -> e.getKey() + " -> " + e.getValue()).toList()));
        if (!spec.sharding().entries().isEmpty()) {
            row(b, "sharding", String.join(", ", spec.sharding().entries().stream().map(Object::toString).toList())
                    + (spec.sharding().createSupportingIndexes() ? " (supporting indexes created where missing)" : ""));
        }
        row(b, "clear destination", spec.clearDestination() ? "yes: the selected namespaces on the destination are dropped" : "no");
        row(b, "verify", spec.verify() ? "yes" : "no");
        row(b, "lag threshold", DurationText.format(spec.lagThreshold()));
        row(b, "cutover window", DurationText.format(spec.cutoverWindow()));
        return b.toString().stripTrailing();
    }

    /** {@code host1:27017, host2:27017 (user app, password hidden)}; for a string the driver cannot read, what it is. */
    static String hosts(String connectionString) {
        try {
            ConnectionString parsed = new ConnectionString(connectionString);
            String hosts = (connectionString.startsWith("mongodb+srv://") ? "SRV " : "") + String.join(", ", parsed.getHosts());
            return parsed.getUsername() == null ? hosts : hosts + " (user " + parsed.getUsername()
                    + (parsed.getPassword() == null ? "" : ", password hidden") + ")";
        } catch (IllegalArgumentException e) {
            return "(not a connection string the driver reads)";
        }
    }

    private static String list(List<String> values, String none) {
        return values.isEmpty() ? none : String.join(", ", values);
    }

    private static void row(StringBuilder b, String name, String value) {
        b.append(String.format(Locale.ROOT, "  %-18s %s%n", name, value));
    }
}
