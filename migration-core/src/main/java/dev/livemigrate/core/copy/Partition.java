package dev.livemigrate.core.copy;

import org.bson.BsonDocument;

/**
 * One slice of a collection, copied as a unit: its filter selects documents by {@code _id}. The
 * partitions of a collection are disjoint and together select every document.
 *
 * @param index  position in the collection's plan
 * @param filter the {@code find} filter; empty for a whole-collection partition
 */
public record Partition(int index, BsonDocument filter) {

    /** The single partition of a collection that is not split. */
    public static Partition whole() {
        return new Partition(0, new BsonDocument());
    }
}
