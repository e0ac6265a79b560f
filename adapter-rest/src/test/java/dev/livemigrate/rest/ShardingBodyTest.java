package dev.livemigrate.rest;

import dev.livemigrate.Namespace;
import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.core.testing.MongosProxy;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;

import static dev.livemigrate.core.testing.DataAssertions.assertSameDocuments;
import static dev.livemigrate.rest.Served.assertError;
import static dev.livemigrate.rest.Served.body;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The migration body's {@code sharding} field, mongosync's option of that name
 * (https://www.mongodb.com/docs/cluster-to-cluster-sync/current/reference/api/start/, "Sharding Parameters"): a
 * replica set migrated to "a sharded cluster" (a {@link MongosProxy}) with the entry's collection sharded before
 * the copy writes into it, and a malformed entry refused as a problem of the field, with nothing started.
 */
class ShardingBodyTest {

    private static final String ENTRY = "\"sharding\": {\"createSupportingIndexes\": true, \"shardingEntries\": [{\"database\": \"shop\","
            + " \"collection\": \"orders\", \"shardCollection\": {\"key\": [{\"region\": 1}, {\"_id\": 1}]}}]}";

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();
    @TempDir
    Path dir;

    private Served served;
    private MongosProxy mongos;

    @BeforeEach
    void serve() {
        served = new Served(dir);
        mongos = MongosProxy.empty(destination, 7, 0, 2);
        for (int i = 0; i < 20; i++) {
            source.client().getDatabase("shop").getCollection("orders").insertOne(new Document("_id", i).append("region", "r" + (i % 4)));
        }
    }

    @AfterEach
    void stop() {
        served.close();
        mongos.close();
    }

    @Test
    void aShardingEntryShardsTheCollectionOnTheDestinationBeforeItsCopy() {
        Api.Reply started = served.api.post("/api/v1/migrations", body(source.connectionString(), mongos.connectionString(),
                "\"migrationId\": \"rest-shard\"", "\"verify\": false", ENTRY));
        assertThat(started.status()).as(started.text()).isEqualTo(201);

        served.awaitState("rest-shard", "READY_TO_CUTOVER");

        assertThat(mongos.commands("shardCollection")).singleElement().satisfies(c -> {
            assertThat(c.body().getString("shardCollection").getValue()).isEqualTo("shop.orders");
            assertThat(c.body().getDocument("key")).isEqualTo(BsonDocument.parse("{region: 1, _id: 1}"));
        });
        int shard = mongos.commands().indexOf(mongos.commands("shardCollection").get(0));
        assertThat(mongos.commands().subList(0, shard)).noneMatch(c -> c.name().equals("insert") && "shop".equals(c.database()));
        assertSameDocuments(source.client(), Namespace.parse("shop.orders"), destination.client(), Namespace.parse("shop.orders"));
    }

    @Test
    void aMalformedShardingEntryIsAProblemOfTheFieldAndNothingStarts() {
        Api.Reply reply = served.api.post("/api/v1/migrations", body(source.connectionString(), mongos.connectionString(),
                "\"sharding\": {\"shardingEntries\": [{\"database\": \"shop\", \"collection\": \"orders\", \"shardCollection\":"
                        + " {\"key\": [{\"region\": \"2d\"}]}}]}"));

        assertError(reply, 400, "INVALID_REQUEST", "fields");
        assertThat(reply.body().path("fields").get(0).path("field").asText()).isEqualTo("sharding");
        assertThat(reply.body().path("fields").get(0).path("problem").asText()).isEqualTo("[INVALID_SHARDING_ENTRY] sharding entry"
                + " shop.orders={\"region\": \"2d\"}: field 'region' is BsonString{value='2d'}; use 1 (ranged) or \"hashed\" for each field.");
        assertError(served.api.post("/api/v1/migrations", body(source.connectionString(), mongos.connectionString(), "\"sharding\": 5")),
                400, "INVALID_REQUEST", "fields");
        assertThat(served.api.get("/api/v1/migrations").body().path("migrations")).isEmpty();
        assertThat(destination.client().listDatabaseNames().into(new ArrayList<>())).doesNotContain("__livemigrate");
    }
}
