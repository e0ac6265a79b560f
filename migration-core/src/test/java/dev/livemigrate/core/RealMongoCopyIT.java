package dev.livemigrate.core;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.CreateCollectionOptions;
import com.mongodb.client.model.ValidationOptions;
import dev.livemigrate.MigrationReport;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.MigrationState;
import dev.livemigrate.Migrations;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.testing.RealClusters;
import org.bson.BsonBinary;
import org.bson.BsonDbPointer;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonJavaScriptWithScope;
import org.bson.BsonString;
import org.bson.BsonSymbol;
import org.bson.BsonUndefined;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.livemigrate.core.testing.DataAssertions.assertSameDocuments;
import static dev.livemigrate.core.testing.DataAssertions.collectionOptions;
import static dev.livemigrate.core.testing.DataAssertions.indexes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A one-time copy ({@code continuousSync(false)}) against real MongoDB: what the embedded server cannot hold
 * (deprecated BSON types, capped collections, validators, views). Skipped without Docker or clusters, see
 * {@link RealClusters}.
 */
class RealMongoCopyIT {

    @RegisterExtension
    static final RealClusters clusters = new RealClusters("copy");

    @Test
    void copiesDeprecatedTypesCappedCollectionsValidatorsAndViews() {
        String database = clusters.database("data");
        MongoDatabase db = clusters.sourceClient().getDatabase(database);
        List<BsonDocument> odd = new ArrayList<>();
        odd.add(new BsonDocument("_id", new BsonInt32(1)).append("v", new BsonSymbol("sym")));
        odd.add(new BsonDocument("_id", new BsonInt32(2)).append("v", new BsonDbPointer("a.b", new ObjectId())));
        odd.add(new BsonDocument("_id", new BsonInt32(3)).append("v", new BsonJavaScriptWithScope("x", new BsonDocument("x", new BsonInt32(1)))));
        odd.add(new BsonDocument("_id", new BsonInt32(4)).append("v", new BsonUndefined()));
        for (byte subtype : new byte[] {1, 2, 5, 6, 7, (byte) 0x80}) {
            odd.add(new BsonDocument("_id", new BsonString("bin" + subtype)).append("v", new BsonBinary(subtype, new byte[] {1, 2, 3})));
        }
        db.getCollection("odd", BsonDocument.class).insertMany(odd);
        db.createCollection("capped", new CreateCollectionOptions().capped(true).sizeInBytes(1 << 20).maxDocuments(100));
        for (int i = 0; i < 10; i++) {
            db.getCollection("capped").insertOne(new Document("_id", i).append("v", "c" + i));
        }
        db.createCollection("validated", new CreateCollectionOptions().validationOptions(
                new ValidationOptions().validator(new Document("email", new Document("$type", "string")))));
        db.getCollection("validated").insertOne(new Document("_id", 1).append("email", "a@b"));
        db.createView("odd_view", "odd", List.of(new Document("$match", new Document("_id", new Document("$gt", 1)))));

        // a one-time copy completes by itself; a live one would wait at READY_TO_CUTOVER for a cutover
        MigrationReport report = Migrations.run(MigrationSpec.builder().migrationId(clusters.migrationId("types"))
                .source(clusters.source()).destination(clusters.destination()).include(database + ".*")
                .continuousSync(false).build(), Duration.ofMinutes(5));

        assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
        assertThat(report.collectionsCopied()).isEqualTo(3);
        assertThat(report.viewsCreated()).isEqualTo(1);
        for (String c : List.of("odd", "capped", "validated")) {
            Namespace ns = new Namespace(database, c);
            assertSameDocuments(clusters.sourceClient(), ns, clusters.destinationClient(), ns);
            assertThat(indexes(clusters.destinationClient(), ns)).isEqualTo(indexes(clusters.sourceClient(), ns));
        }
        // a one-time copy creates collections with their real options: the capped size and max are the
        // source's (only a live migration enlarges them while it syncs), and the view has its pipeline
        assertThat(collectionOptions(clusters.destinationClient(), database)).isEqualTo(collectionOptions(clusters.sourceClient(), database));
    }

    /**
     * A capped collection evicts in insertion (natural) order, so the destination must hold its documents
     * in the source's natural order, not in {@code _id} order. Larger than a partition (16 KiB here), it
     * would be split into {@code _id} ranges copied in parallel if it were not capped; a capped collection is
     * read in one {@code $natural} stream and inserted in order.
     */
    @Test
    void copiesACappedCollectionInItsNaturalOrder() {
        String database = clusters.database("capped");
        MongoDatabase db = clusters.sourceClient().getDatabase(database);
        db.createCollection("log", new CreateCollectionOptions().capped(true).sizeInBytes(1 << 20).maxDocuments(1000));
        for (int i = 200; i > 0; i--) {
            db.getCollection("log").insertOne(new Document("_id", i).append("v", "entry " + i).append("pad", "x".repeat(200)));
        }

        Migrations.run(MigrationSpec.builder().migrationId(clusters.migrationId("capped"))
                .source(clusters.source()).destination(clusters.destination()).include(database + ".*")
                .partitionSizeBytes(16 * 1024).continuousSync(false).build(), Duration.ofMinutes(5));

        assertThat(naturalOrder(clusters.destinationClient().getDatabase(database)))
                .containsExactlyElementsOf(naturalOrder(db));
        assertThat(collectionOptions(clusters.destinationClient(), database)).isEqualTo(collectionOptions(clusters.sourceClient(), database));
    }

    private static List<Object> naturalOrder(MongoDatabase db) {
        List<Object> ids = new ArrayList<>();
        db.getCollection("log").find().sort(new Document("$natural", 1)).forEach(d -> ids.add(d.get("_id")));
        return ids;
    }
}
