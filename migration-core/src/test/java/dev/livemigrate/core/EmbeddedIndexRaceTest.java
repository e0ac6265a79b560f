package dev.livemigrate.core;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import dev.livemigrate.core.testing.EmbeddedMongo;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * The test ground itself: on the embedded server, as on a real one, an index built and dropped on a collection while
 * another connection deletes from it disturbs neither (the engine builds indexes off the apply lanes' threads).
 */
class EmbeddedIndexRaceTest {

    @RegisterExtension
    final EmbeddedMongo server = new EmbeddedMongo();

    @Test
    void indexBuildsBesideDeletesFailNeither() {
        MongoCollection<Document> orders = server.client().getDatabase("app").getCollection("orders");
        for (int i = 0; i < 3000; i++) {
            orders.insertOne(new Document("_id", i).append("n", i));
        }
        try (MongoClient other = MongoClients.create(server.connectionString())) {
            MongoCollection<Document> viaOther = other.getDatabase("app").getCollection("orders");
            CompletableFuture<Void> deletes = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 3000; i++) {
                    viaOther.deleteOne(Filters.eq("_id", i));
                }
            });
            assertThatCode(() -> {
                while (!deletes.isDone()) {
                    orders.createIndex(Indexes.ascending("n"));
                    orders.dropIndex("n_1");
                }
                deletes.join();
            }).doesNotThrowAnyException();
        }
    }
}
