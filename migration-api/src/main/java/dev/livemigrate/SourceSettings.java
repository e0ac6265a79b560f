package dev.livemigrate;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Describes a source: which {@link dev.livemigrate.spi.SourceProvider} reads it ({@link #kind()}), and
 * what that provider needs. The built-in {@code self-managed} kind takes a connection string and an
 * optional CA file; other kinds read their own {@link #properties()}.
 *
 * <p>Immutable. {@link #toString()} never shows a password or any property whose name says it is
 * secret.
 *
 * @since 0.1
 */
public final class SourceSettings {

    /** The kind of the built-in provider that reads a self-managed deployment by connection string. */
    public static final String SELF_MANAGED = "self-managed";

    private final String kind;
    private final String connectionString;
    private final Path caFile;
    private final Map<String, String> properties;

    private SourceSettings(Builder b) {
        this.kind = Objects.requireNonNull(b.kind, "kind");
        this.connectionString = b.connectionString;
        this.caFile = b.caFile;
        this.properties = Map.copyOf(b.properties);
    }

    /** A self-managed source reached by a standard or SRV connection string. */
    public static SourceSettings selfManaged(String connectionString) {
        return builder().kind(SELF_MANAGED).connectionString(connectionString).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static Builder builder(SourceSettings existing) {
        Builder b = new Builder().kind(existing.kind).connectionString(existing.connectionString).caFile(existing.caFile);
        b.properties.putAll(existing.properties);
        return b;
    }

    /** The name of the source provider, for example {@value #SELF_MANAGED}. */
    public String kind() {
        return kind;
    }

    /** The connection string, when the kind takes one. */
    public Optional<String> connectionString() {
        return Optional.ofNullable(connectionString);
    }

    /** A PEM file with the certificate authority to trust for TLS, when one is given. */
    public Optional<Path> caFile() {
        return Optional.ofNullable(caFile);
    }

    /** Provider-specific settings. */
    public Map<String, String> properties() {
        return properties;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SourceSettings s && kind.equals(s.kind) && Objects.equals(connectionString, s.connectionString)
                && Objects.equals(caFile, s.caFile) && properties.equals(s.properties);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, connectionString, caFile, properties);
    }

    @Override
    public String toString() {
        Map<String, String> shown = new LinkedHashMap<>();
        properties.forEach((k, v) -> shown.put(k, isSecretName(k) ? Secrets.HIDDEN : v));
        return "SourceSettings{kind=" + kind
                + (connectionString == null ? "" : ", connectionString=" + Secrets.redactConnectionString(connectionString))
                + (caFile == null ? "" : ", caFile=" + caFile)
                + (shown.isEmpty() ? "" : ", properties=" + shown) + "}";
    }

    private static boolean isSecretName(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        return n.contains("password") || n.contains("secret") || n.contains("token") || n.contains("key");
    }

    /** Builds {@link SourceSettings}. */
    public static final class Builder {
        private String kind = SELF_MANAGED;
        private String connectionString;
        private Path caFile;
        private final Map<String, String> properties = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder kind(String kind) {
            this.kind = kind;
            return this;
        }

        public Builder connectionString(String connectionString) {
            this.connectionString = connectionString;
            return this;
        }

        public Builder caFile(Path caFile) {
            this.caFile = caFile;
            return this;
        }

        public Builder property(String name, String value) {
            properties.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public SourceSettings build() {
            return new SourceSettings(this);
        }
    }
}
