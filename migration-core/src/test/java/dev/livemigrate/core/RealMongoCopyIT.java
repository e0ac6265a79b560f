package dev.livemigrate.core;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.CreateCollectionOptions;
import com.mongodb.client.model.ValidationOptions;
import dev.livemigrate.MigrationReport;
import dev.livemigrate.MigrationSpec;
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
import static dev.livemigrate.core.testing.DataAssertions.indexes;
import static org.assertj.core.api.Assertions.assertThat;

/** The copy against real MongoDB: what the embedded server cannot hold. Skipped without Docker or clusters. */
class RealMongoCopyIT {

    @RegisterExtension
    static final RealClusters clusters = new RealClusters();

    @Test
    void copiesDeprecatedTypesCappedCollectionsValidatorsAndViews() {
        MongoDatabase db = clusters.sourceClient().getDatabase("it_copy");
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
        db.getCollection("capped").insertOne(new Document("_id", 1));
        db.createCollection("validated", new CreateCollectionOptions().validationOptions(
                new ValidationOptions().validator(new Document("email", new Document("$type", "string")))));
        db.getCollection("validated").insertOne(new Document("_id", 1).append("email", "a@b"));
        db.createView("odd_view", "odd", List.of(new Document("$match", new Document("_id", new Document("$gt", 1)))));

        MigrationReport report = Migrations.run(MigrationSpec.builder()
                .source(clusters.source()).destination(clusters.destination()).include("it_copy.*").build(), Duration.ofMinutes(5));

        for (String c : List.of("odd", "capped", "validated")) {
            Namespace ns = new Namespace("it_copy", c);
            assertSameDocuments(clusters.sourceClient(), ns, clusters.destinationClient(), ns);
            assertThat(indexes(clusters.destinationClient(), ns)).isEqualTo(indexes(clusters.sourceClient(), ns));
        }
        assertThat(options(clusters.destinationClient().getDatabase("it_copy"))).isEqualTo(options(db));
        assertThat(report.viewsCreated()).isEqualTo(1);
    }

    private static List<BsonDocument> options(MongoDatabase db) {
        List<BsonDocument> found = new ArrayList<>();
        db.listCollections(BsonDocument.class).forEach(c -> found.add(new BsonDocument("name", c.get("name")).append("options", c.get("options"))));
        found.sort((a, b) -> a.getString("name").getValue().compareTo(b.getString("name").getValue()));
        return found;
    }
}
