package dev.livemigrate;

import java.util.Objects;

/**
 * A database and collection name, {@code database.collection}.
 *
 * @since 0.1
 */
public record Namespace(String database, String collection) implements Comparable<Namespace> {

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
