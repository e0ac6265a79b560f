package dev.livemigrate.core.sync;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.core.testing.WireProxy;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** A cluster-wide stream asks the server for the selected databases' events only. */
class StreamFilterTest {

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();

    @Test
    void theIncludedDatabasesBecomeTheServersFilter() {
        assertThat(StreamFilter.of(List.of())).isNull();
        assertThat(StreamFilter.of(List.of("*.orders"))).as("a database wildcard alone selects every database").isNull();
        assertThat(StreamFilter.of(List.of("sales.*", "crm.people", "sales.items", "app+1.x", "log*.y"))).isEqualTo(BsonDocument.parse(
                "{$match: {$or: [{ns: {$exists: false}}, {'ns.db': {$regex: '^(?:sales|crm|app\\\\+1|log.*)$'}},"
                        + " {'to.db': {$regex: '^(?:sales|crm|app\\\\+1|log.*)$'}}]}}"));
    }

    /** The embedded server refuses cluster-wide streams, but the command it is sent shows the pipeline. */
    @Test
    void theStreamIsOpenedWithTheFilterOnTheWire() {
        try (WireProxy proxy = WireProxy.recording(source); MongoClient client = MongoClients.create(proxy.connectionString())) {
            Capabilities caps = new Capabilities(true, false, ChangeApplier.Mode.FULL_DOCUMENT, false);

            catchThrowable(() -> caps.open(client, null, StartPoint.at(new BsonTimestamp(1_700_000_000, 1)), StreamFilter.of(List.of("sales.*"))).cursor().tryNext());

            BsonDocument aggregate = proxy.commands("aggregate").get(0).body();
            assertThat(aggregate.getArray("pipeline")).hasSize(2);
            assertThat(aggregate.getArray("pipeline").get(1).asDocument()).isEqualTo(StreamFilter.of(List.of("sales.*")));
        }
    }
}
