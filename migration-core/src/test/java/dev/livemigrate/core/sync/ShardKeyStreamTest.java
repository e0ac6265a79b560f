package dev.livemigrate.core.sync;

import com.mongodb.client.ChangeStreamIterable;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.changestream.FullDocument;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.RetryBudget;
import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.core.testing.MongosProxy;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A collection-level stream of a collection the source shards keeps each event's whole {@code documentKey} (through
 * mongos it holds the shard key: "For sharded collections, this field also displays the full shard key for the
 * document", https://www.mongodb.com/docs/manual/reference/change-events/update/), which the destination's writes
 * need; for any other collection the key is cut to {@code _id}. The stream is read through a {@link MongosProxy}
 * that keys the events as a mongos keys those of a collection sharded on {@code region} (the embedded server's own
 * update events carry a malformed key, the update document itself, which is why keys are cut to {@code _id} at all).
 */
class ShardKeyStreamTest {

    private static final Namespace ORDERS = Namespace.parse("shop.orders");

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();

    @Test
    void aStreamOfACollectionTheSourceShardsKeepsTheShardKeyAndAnyOtherKeepsTheIdAlone() {
        source.client().getDatabase("shop").getCollection("orders").insertOne(new Document("_id", 1).append("region", "eu"));
        BsonTimestamp from = SourceClock.now(source.client());
        List<ChangeEvent> sharded = new CopyOnWriteArrayList<>();
        List<ChangeEvent> unsharded = new CopyOnWriteArrayList<>();
        ChangeReader keeping;
        ChangeReader cutting;
        try (MongosProxy mongos = MongosProxy.empty(source).withShardKeyInEvents("region");
             MongoClient client = MongoClients.create(mongos.connectionString())) {
            keeping = reader(client, from, true, sharded);
            cutting = reader(client, from, false, unsharded);

            source.client().getDatabase("shop").getCollection("orders").updateOne(Filters.eq("_id", 1), Updates.set("v", 2));
            await().atMost(Duration.ofSeconds(30)).until(() -> update(sharded) != null && update(unsharded) != null);
        }

        keeping.stop();
        cutting.stop();
        assertThat(update(sharded).documentKey()).isEqualTo(BsonDocument.parse("{_id: 1, region: 'eu'}"));
        assertThat(update(unsharded).documentKey()).isEqualTo(BsonDocument.parse("{_id: 1}"));
    }

    private static ChangeEvent update(List<ChangeEvent> events) {
        return events.stream().filter(e -> e.operationType().equals("update")).findFirst().orElse(null);
    }

    private static ChangeReader reader(MongoClient client, BsonTimestamp from, boolean keepsShardKey, List<ChangeEvent> seen) {
        ChangeReader reader = new ChangeReader(keepsShardKey ? "keeping" : "cutting", ORDERS,
                new ChangeReader.Start(StartPoint.at(from), from, keepsShardKey), point -> {
                    ChangeStreamIterable<BsonDocument> stream = client.getDatabase("shop").getCollection("orders")
                            .watch(BsonDocument.class).fullDocument(FullDocument.UPDATE_LOOKUP);
                    point.applyTo(stream);
                    return stream;
                }, new ChangeReader.Owner() {
                    @Override
                    public boolean running() {
                        return true;
                    }

                    @Override
                    public boolean vanished(Namespace ns) {
                        return false;
                    }

                    @Override
                    public void handle(ChangeReader r, ChangeEvent e) {
                        seen.add(e);
                    }

                    @Override
                    public void quiet(ChangeReader r, BsonDocument token, BsonTimestamp clusterTime) {
                    }

                    @Override
                    public void fail(Throwable t) {
                        throw new AssertionError("the stream failed", t);
                    }

                    @Override
                    public RetryBudget retries() {
                        return new RetryBudget(Duration.ofSeconds(5), Clock.systemUTC());
                    }
                });
        reader.start();
        return reader;
    }
}
