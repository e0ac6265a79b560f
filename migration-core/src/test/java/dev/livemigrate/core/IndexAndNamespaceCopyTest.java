package dev.livemigrate.core;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import dev.livemigrate.MigrationReport;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.Migrations;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.testing.EmbeddedMongo;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.livemigrate.core.testing.DataAssertions.assertSameDocuments;
import static dev.livemigrate.core.testing.DataAssertions.indexes;
import static org.assertj.core.api.Assertions.assertThat;

class IndexAndNamespaceCopyTest {

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    void buildsEverySecondaryIndexAsTheSourceDefinesIt() {
        MongoCollection<Document> users = source.client().getDatabase("app").getCollection("users");
        for (int i = 0; i < 50; i++) {
            users.insertOne(new Document("_id", i).append("email", "u" + i + "@example.com").append("age", i)
                    .append("bio", "text number " + i).append("tenant", i % 3).append("createdAt", new java.util.Date())
                    .append("nick", i % 2 == 0 ? "n" + i : null).append("score", i * 1.5));
        }
        users.createIndex(Indexes.ascending("age"));
        users.createIndex(Indexes.ascending("email"), new IndexOptions().unique(true));
        users.createIndex(Indexes.ascending("nick"), new IndexOptions().sparse(true).name("nick_sparse"));
        users.createIndex(Indexes.ascending("score"), new IndexOptions().partialFilterExpression(new Document("score", new Document("$gt", 10))));
        users.createIndex(Indexes.ascending("createdAt"), new IndexOptions().expireAfter(3600L, TimeUnit.SECONDS));
        users.createIndex(Indexes.text("bio"));
        users.createIndex(Indexes.hashed("tenant"));
        users.createIndex(Indexes.compoundIndex(Indexes.ascending("tenant"), Indexes.descending("age")));

        MigrationReport report = run(spec().build());

        Namespace ns = Namespace.parse("app.users");
        assertSameDocuments(source.client(), ns, destination.client(), ns);
        assertThat(indexes(destination.client(), ns)).isEqualTo(indexes(source.client(), ns)).hasSize(9);
        assertThat(report.indexesCreated()).isEqualTo(8);
    }

    @Test
    void includesExcludesAndRenames() {
        seed("sales", "orders", "customers", "tmp_1", "tmp_2");
        seed("hr", "people");
        seed("logs", "app");

        MigrationReport report = run(spec()
                .include("sales.*").include("hr.*")
                .exclude("sales.tmp_*")
                .rename("sales.orders", "archive.orders_2024")
                .rename("hr.*", "people.*")
                .build());

        assertThat(names("sales")).containsExactlyInAnyOrder("customers");
        assertThat(names("archive")).containsExactly("orders_2024");
        assertThat(names("people")).containsExactly("people");
        assertThat(destination.client().listDatabaseNames().into(new ArrayList<>()))
                .doesNotContain("hr", "logs").contains("__livemigrate");
        assertSameDocuments(source.client(), Namespace.parse("sales.orders"), destination.client(), Namespace.parse("archive.orders_2024"));
        assertSameDocuments(source.client(), Namespace.parse("hr.people"), destination.client(), Namespace.parse("people.people"));
        assertThat(report.collectionsCopied()).isEqualTo(3);
    }

    @Test
    void leavesSystemAndInternalNamespacesAlone() {
        seed("app", "things");
        source.client().getDatabase("config").getCollection("settings").insertOne(new Document("_id", 1));

        run(spec().build());

        assertThat(destination.client().listDatabaseNames().into(new ArrayList<>()))
                .containsExactlyInAnyOrder("app", "__livemigrate", "local"); // local: the embedded server's own oplog
        assertThat(names("app")).containsExactly("things");
    }

    private MigrationSpec.Builder spec() {
        return MigrationSpec.builder().source(source.connectionString()).destination(destination.connectionString()).continuousSync(false);
    }

    private static MigrationReport run(MigrationSpec spec) {
        return Migrations.run(spec, Duration.ofMinutes(1));
    }

    private void seed(String database, String... collections) {
        MongoDatabase db = source.client().getDatabase(database);
        for (String c : collections) {
            List<BsonDocument> docs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                docs.add(new BsonDocument("_id", new BsonInt32(i)).append("n", new BsonInt32(i)).append("c", new BsonString(c)));
            }
            db.getCollection(c, BsonDocument.class).insertMany(docs);
        }
    }

    private List<String> names(String database) {
        return destination.client().getDatabase(database).listCollectionNames().into(new ArrayList<>());
    }
}
