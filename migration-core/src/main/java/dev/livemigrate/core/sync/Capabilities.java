package dev.livemigrate.core.sync;

import com.mongodb.MongoCommandException;
import com.mongodb.client.ChangeStreamIterable;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.changestream.FullDocument;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.state.MetadataStore;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the two servers allow, found by asking them once when syncing starts, and how change streams are
 * opened accordingly.
 *
 * @param clusterStreams            whether the source serves cluster-wide change streams (else: one per collection)
 * @param expandedEvents            whether those carry expanded DDL events (MongoDB 6.0+)
 * @param mode                      how updates are applied
 * @param replaceKeepsOldFieldOrder whether the destination's replace keeps the replaced document's field
 *                                  order (then a replace is applied as delete and insert)
 */
record Capabilities(boolean clusterStreams, boolean expandedEvents, ChangeApplier.Mode mode, boolean replaceKeepsOldFieldOrder) {

    private static final Logger LOG = LoggerFactory.getLogger(Capabilities.class);

    static Capabilities detect(MigrationSpec spec, MongoClient source, MongoClient destination) {
        boolean clusterStreams = supportsClusterStreams(source);
        ChangeApplier.Mode mode = switch (spec.updateMode()) {
            case DIFF -> ChangeApplier.Mode.DIFF;
            case FULL_DOCUMENT -> ChangeApplier.Mode.FULL_DOCUMENT;
            case AUTO -> clusterStreams ? ChangeApplier.Mode.DIFF : ChangeApplier.Mode.FULL_DOCUMENT;
        };
        return new Capabilities(clusterStreams, clusterStreams && majorVersion(source) >= 6, mode,
                replaceKeepsOldFieldOrder(destination, spec.migrationId()));
    }

    /**
     * A change stream over the whole cluster ({@code namespace} null, filtered on the server by
     * {@code clusterFilter} when given, see {@link StreamFilter}) or one collection, from a start point, set up
     * for these capabilities.
     */
    ChangeStreamIterable<BsonDocument> open(MongoClient source, Namespace namespace, StartPoint from, BsonDocument clusterFilter) {
        ChangeStreamIterable<BsonDocument> stream = namespace == null
                ? source.watch(clusterFilter == null ? List.of() : List.of(clusterFilter), BsonDocument.class)
                : source.getDatabase(namespace.database()).getCollection(namespace.collection()).watch(BsonDocument.class);
        from.applyTo(stream);
        if (mode == ChangeApplier.Mode.FULL_DOCUMENT) {
            stream.fullDocument(FullDocument.UPDATE_LOOKUP);
        }
        if (expandedEvents) {
            stream.showExpandedEvents(true);
        }
        return stream.maxAwaitTime(500, TimeUnit.MILLISECONDS);
    }

    private static boolean supportsClusterStreams(MongoClient source) {
        try (var probe = source.watch(BsonDocument.class).cursor()) {
            probe.tryNext();
            return true;
        } catch (MongoCommandException e) {
            LOG.info("the source refuses cluster-wide change streams ({}); following each collection instead", e.getErrorMessage());
            return false;
        }
    }

    /** Found by trying a replace on a document in the metadata database. */
    private static boolean replaceKeepsOldFieldOrder(MongoClient destination, String migrationId) {
        MongoCollection<BsonDocument> probe = destination.getDatabase(MetadataStore.DATABASE).getCollection("probe", BsonDocument.class);
        BsonDocument id = new BsonDocument("_id", new BsonString("replace-order-" + migrationId));
        probe.deleteOne(id);
        probe.insertOne(id.clone().append("a", new BsonInt32(1)).append("b", new BsonInt32(2)));
        probe.replaceOne(id, id.clone().append("b", new BsonInt32(3)).append("a", new BsonInt32(4)));
        BsonDocument back = probe.find(id).first();
        probe.deleteOne(id);
        boolean keepsOld = back != null && new ArrayList<>(back.keySet()).indexOf("a") == 1;
        if (keepsOld) {
            LOG.info("the destination keeps the old field order on replace; replacing by delete and insert");
        }
        return keepsOld;
    }

    private static int majorVersion(MongoClient source) {
        BsonDocument info = source.getDatabase("admin").runCommand(new BsonDocument("buildInfo", new BsonInt32(1)), BsonDocument.class);
        return info.isArray("versionArray") ? info.getArray("versionArray").get(0).asNumber().intValue() : 0;
    }
}
