package dev.livemigrate.core.state;

import dev.livemigrate.Namespace;
import dev.livemigrate.core.copy.Partition;
import org.bson.BsonArray;
import org.bson.BsonDocument;

import java.util.ArrayList;
import java.util.List;

/** A persisted collection entry of a migration ({@link MetadataStore#collections}). */
public record CollectionRecord(Namespace source, Namespace target, String type, MetadataStore.CollectionStatus status,
                               List<Partition> plan, long count, long sizeBytes) {

    static CollectionRecord from(BsonDocument d) {
        List<Partition> plan = new ArrayList<>();
        if (d.containsKey("partitions")) {
            BsonArray filters = d.getArray("partitions");
            for (int i = 0; i < filters.size(); i++) {
                plan.add(new Partition(i, filters.get(i).asDocument()));
            }
        }
        return new CollectionRecord(
                Namespace.parse(d.getDocument("_id").getString("ns").getValue()),
                Namespace.parse(d.getString("target").getValue()),
                d.getString("type").getValue(),
                MetadataStore.CollectionStatus.valueOf(d.getString("status").getValue()),
                plan,
                d.containsKey("count") ? d.getInt64("count").getValue() : 0,
                d.containsKey("size") ? d.getInt64("size").getValue() : 0);
    }

    public boolean reached(MetadataStore.CollectionStatus s) {
        return status.compareTo(s) >= 0;
    }
}
