package dev.livemigrate.core.catalog;

import com.mongodb.client.MongoClient;
import dev.livemigrate.Namespace;
import org.bson.BsonDocument;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Lists a collection's indexes, and turns {@code listIndexes} entries into {@code createIndexes} specs. */
public final class IndexSpecs {

    /** Fields the source reports that the destination must choose itself or that are obsolete. */
    private static final Set<String> DROPPED_FIELDS = Set.of("v", "ns", "background");

    private IndexSpecs() {
    }

    /** A collection's {@code listIndexes} entries; empty for a collection that does not exist. */
    public static List<BsonDocument> list(MongoClient client, Namespace ns) {
        return client.getDatabase(ns.database()).getCollection(ns.collection()).listIndexes(BsonDocument.class).into(new ArrayList<>());
    }

    /** Whether the entry is the {@code _id} index, which {@code create} builds by itself. */
    public static boolean isIdIndex(BsonDocument index) {
        return "_id_".equals(index.getString("name").getValue());
    }

    /** The spec to pass to {@code createIndexes}: the source's definition less version and namespace. */
    public static BsonDocument toCreateSpec(BsonDocument listIndexesEntry) {
        BsonDocument spec = new BsonDocument();
        listIndexesEntry.forEach((k, v) -> {
            if (!DROPPED_FIELDS.contains(k)) {
                spec.put(k, v);
            }
        });
        return spec;
    }

    /** The secondary indexes of a {@code listIndexes} reply, as create specs. */
    public static List<BsonDocument> secondaryCreateSpecs(List<BsonDocument> listIndexes) {
        return listIndexes.stream().filter(i -> !isIdIndex(i)).map(IndexSpecs::toCreateSpec).toList();
    }
}
