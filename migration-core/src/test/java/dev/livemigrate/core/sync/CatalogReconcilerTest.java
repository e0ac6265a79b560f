package dev.livemigrate.core.sync;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.Connections;
import dev.livemigrate.core.RunContext;
import dev.livemigrate.core.catalog.NamespaceMapper;
import dev.livemigrate.core.catalog.Selection;
import dev.livemigrate.core.state.MetadataStore;
import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.core.testing.WireProxy;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A catalog pass lists every followed collection's indexes on both sides only where no event reports index builds
 * and drops: with a cluster-wide stream of expanded events (MongoDB 6.0+) those events do, and a pass over thousands
 * of collections would otherwise send thousands of {@code listIndexes} each time.
 */
class CatalogReconcilerTest {

    private static final Namespace ORDERS = Namespace.parse("app.orders");

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    void indexesAreListedAndBuiltOnlyWhereNoEventReportsThem() throws Exception {
        source.client().getDatabase("app").getCollection("orders").insertOne(new Document("_id", 1).append("n", 1));
        source.client().getDatabase("app").getCollection("orders").createIndex(Indexes.ascending("n"), new IndexOptions().name("n_1"));
        destination.client().getDatabase("app").getCollection("orders").insertOne(new Document("_id", 1).append("n", 1));
        try (WireProxy proxy = WireProxy.recording(source); MongoClient viaProxy = MongoClients.create(proxy.connectionString())) {
            pass(viaProxy, true);
            assertThat(proxy.commands("listIndexes")).as("with index events").isEmpty();

            pass(viaProxy, false);
            assertThat(proxy.commands("listIndexes")).as("without them").isNotEmpty();
            await().atMost(Duration.ofMinutes(1)).until(() -> destination.client().getDatabase("app").getCollection("orders")
                    .listIndexes(BsonDocument.class).into(new ArrayList<>()).stream().anyMatch(i -> i.getString("name").getValue().equals("n_1")));
        }
    }

    private void pass(MongoClient from, boolean indexEvents) throws InterruptedException {
        MigrationSpec spec = MigrationSpec.builder().migrationId("reconcile").source(source.connectionString())
                .destination(destination.connectionString()).include("app.*").build();
        MetadataStore metadata = new MetadataStore(destination.client());
        metadata.recordCollection("reconcile", ORDERS, ORDERS, "collection");
        RunContext run = new RunContext(spec, new Connections(null, from, destination.client(), null, null), metadata,
                new Selection(NamespaceMapper.of(spec), Map.of(), Map.of(), List.of()), null);
        SyncTargets targets = new SyncTargets(run);
        IndexBuilds builds = new IndexBuilds("reconcile", run.retries(), t -> { });
        DdlApplier ddl = new DdlApplier(run, targets, new CatalogChanges(), builds);
        CatalogReconciler.Streams streams = new CatalogReconciler.Streams() {
            @Override
            public boolean clusterWide() {
                return true;
            }

            @Override
            public void follow(Namespace ns, BsonTimestamp at) {
            }

            @Override
            public void gone(Namespace ns, BsonTimestamp absentAt) {
            }
        };
        new CatalogReconciler(run, targets, ddl, streams, () -> indexEvents).reconcile(() -> false, false);
        builds.awaitIdle();
        builds.close();
    }
}
