package dev.livemigrate;

import java.util.Objects;
import java.util.Set;

/**
 * A database and collection name, {@code database.collection}.
 *
 * @since 0.1
 */
public record Namespace(String database, String collection) implements Comparable<Namespace> {

    /** Databases a migration never copies: the servers' own and livemigrate's metadata. */
    public static final Set<String> SYSTEM_DATABASES = Set.of("admin", "local", "config", "__livemigrate");

    public Namespace {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(collection, "collection");
        if (database.isEmpty() || database.contains(".")) {
            throw new IllegalArgumentException("invalid database name '" + database + "'");
        }
        if (collection.isEmpty()) {
            throw new IllegalArgumentException("empty collection name in database '" + database + "'");
        }
    }

    /** Parses {@code db.coll}; the collection part may itself contain dots. */
    public static Namespace parse(String fullName) {
        int dot = fullName == null ? -1 : fullName.indexOf('.');
        if (dot <= 0 || dot == fullName.length() - 1) {
            throw new IllegalArgumentException("'" + fullName + "' is not a namespace of the form database.collection");
        }
        return new Namespace(fullName.substring(0, dot), fullName.substring(dot + 1));
    }

    /** Whether this namespace belongs to the server or to livemigrate ({@code system.*} collections included). */
    public boolean isSystem() {
        return SYSTEM_DATABASES.contains(database) || collection.startsWith("system.");
    }

    public String fullName() {
        return database + "." + collection;
    }

    @Override
    public int compareTo(Namespace o) {
        return fullName().compareTo(o.fullName());
    }

    @Override
    public String toString() {
        return fullName();
    }
}
