package dev.livemigrate.core;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.ReadConcern;
import com.mongodb.ReadPreference;
import com.mongodb.client.MongoClient;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import dev.livemigrate.core.testing.EmbeddedMongo;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The source's client reads from the primary with majority read concern, whatever the connection string asks. */
class ClientsTest {

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();

    @Test
    void theSourceReadsFromThePrimaryWithMajorityReadConcernWhateverTheUriSays() {
        ConnectionString uri = new ConnectionString(source.connectionString()
                + (source.connectionString().contains("?") ? "&" : "/?") + "readPreference=secondary&readConcernLevel=local");
        MongoClientSettings asked = MongoClientSettings.builder().applyConnectionString(uri).build();
        assertThat(asked.getReadPreference()).isEqualTo(ReadPreference.secondary());

        MongoClientSettings settings = Clients.source(asked, Duration.ofSeconds(5));

        assertThat(settings.getReadPreference()).isEqualTo(ReadPreference.primary());
        assertThat(settings.getReadConcern()).isEqualTo(ReadConcern.MAJORITY);
        List<BsonDocument> finds = new CopyOnWriteArrayList<>();
        try (MongoClient client = Clients.create(MongoClientSettings.builder(settings).addCommandListener(new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                if (event.getCommandName().equals("find")) {
                    finds.add(event.getCommand().clone());
                }
            }
        }).build())) {
            client.getDatabase("shop").getCollection("orders").find().first();
        }
        assertThat(finds).singleElement().satisfies(find -> {
            assertThat(find.getDocument("readConcern")).isEqualTo(BsonDocument.parse("{level: 'majority'}"));
            assertThat(find.containsKey("$readPreference")).as("no read preference but the primary's").isFalse();
        });
    }

    @Test
    void theDestinationKeepsItsOwnSettings() {
        MongoClientSettings settings = Clients.settings(new ConnectionString(source.connectionString()), Duration.ofSeconds(5));
        assertThat(settings.getReadConcern()).isEqualTo(ReadConcern.DEFAULT);
    }
}
