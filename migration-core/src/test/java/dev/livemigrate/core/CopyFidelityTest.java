package dev.livemigrate.core;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import dev.livemigrate.MigrationReport;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.MigrationState;
import dev.livemigrate.Migrations;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.testing.EmbeddedMongo;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static dev.livemigrate.core.testing.DataAssertions.assertSameDocuments;
import static org.assertj.core.api.Assertions.assertThat;

class CopyFidelityTest {

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    void copiesEveryDocumentByteForByte() {
        MongoDatabase app = source.client().getDatabase("app");
        app.getCollection("types", BsonDocument.class).insertMany(SampleDocuments.everyStorableType());
        app.getCollection("mixed", BsonDocument.class).insertMany(SampleDocuments.mixedIds(150));
        app.createCollection("empty");
        MongoCollection<BsonDocument> big = source.client().getDatabase("blobs").getCollection("big", BsonDocument.class);
        for (int i = 0; i < 2; i++) { // just under MongoDB's 16 MiB document limit
            big.insertOne(new BsonDocument("_id", new BsonInt32(i)).append("blob", new BsonString("b".repeat(16 * 1024 * 1024 - 1024))));
        }

        MigrationReport report = Migrations.run(MigrationSpec.builder()
                .source(source.connectionString())
                .destination(destination.connectionString())
                .continuousSync(false)
                .partitionSizeBytes(4096) // split "mixed" into many partitions across its _id types
                .batchSizeBytes(16 * 1024)
                .build(), Duration.ofMinutes(2));

        for (String ns : List.of("app.types", "app.mixed", "app.empty", "blobs.big")) {
            assertSameDocuments(source.client(), Namespace.parse(ns), destination.client(), Namespace.parse(ns));
        }
        long total = SampleDocuments.everyStorableType().size() + SampleDocuments.mixedIds(150).size() + 2;
        assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
        assertThat(report.copiedDocuments()).isEqualTo(total);
        assertThat(report.collectionsCopied()).isEqualTo(4);
        assertThat(destination.client().getDatabase("app").listCollectionNames()).contains("empty");
    }

    @Test
    void aRunWithManyLanesAndTinyBatchesStillCopiesEachDocumentOnce() {
        source.client().getDatabase("app").getCollection("mixed", BsonDocument.class).insertMany(SampleDocuments.mixedIds(400));

        MigrationReport report = Migrations.run(MigrationSpec.builder()
                .source(source.connectionString())
                .destination(destination.connectionString())
                .continuousSync(false)
                .partitionSizeBytes(1024)
                .copyParallelism(8)
                .batchSizeBytes(16 * 1024)
                .build(), Duration.ofMinutes(2));

        assertSameDocuments(source.client(), Namespace.parse("app.mixed"), destination.client(), Namespace.parse("app.mixed"));
        assertThat(report.copiedDocuments()).isEqualTo(SampleDocuments.mixedIds(400).size());
    }
}
