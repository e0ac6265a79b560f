package dev.livemigrate.opsmanager;

import dev.livemigrate.MigrationSpec;
import dev.livemigrate.Migrations;
import dev.livemigrate.Namespace;
import dev.livemigrate.SourceSettings;
import dev.livemigrate.core.testing.EmbeddedMongo;
import org.bson.Document;
import org.bson.types.Binary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.livemigrate.core.testing.DataAssertions.assertSameDocuments;
import static dev.livemigrate.opsmanager.OpsManagerSourceProviderTest.PRIVATE_KEY;
import static dev.livemigrate.opsmanager.OpsManagerSourceProviderTest.PROJECT;
import static dev.livemigrate.opsmanager.OpsManagerSourceProviderTest.PUBLIC_KEY;
import static dev.livemigrate.opsmanager.OpsManagerSourceProviderTest.host;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A whole one-time migration whose source is named by Ops Manager project and cluster: the fake Ops Manager lists the
 * embedded source server as the cluster's one host (127.0.0.1, its port, no replica set and no TLS: the embedded
 * server is a standalone with an oplog), and the engine copies from what the provider resolved.
 */
class OpsManagerMigrationTest {

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    void copiesTheClusterOpsManagerNamesByteForByte() throws Exception {
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            docs.add(new Document("_id", i).append("name", "order-" + i).append("total", i * 1.5)
                    .append("blob", new Binary(new byte[] {(byte) i, 0, 7})).append("lines", List.of(new Document("sku", i))));
        }
        source.client().getDatabase("shop").getCollection("orders").insertMany(docs);

        try (FakeOpsManager opsManager = new FakeOpsManager(PUBLIC_KEY, PRIVATE_KEY, PROJECT)
                .cluster("shop", null, "REPLICA_SET", List.of(host("127.0.0.1", source.port(), null, false)))) {
            SourceSettings settings = SourceSettings.builder().kind(OpsManagerSourceProvider.KIND)
                    .property(OpsManagerSourceProvider.BASE_URL, opsManager.baseUrl())
                    .property(OpsManagerSourceProvider.PUBLIC_KEY, PUBLIC_KEY)
                    .property(OpsManagerSourceProvider.PRIVATE_KEY, PRIVATE_KEY)
                    .property(OpsManagerSourceProvider.PROJECT_ID, PROJECT)
                    .property(OpsManagerSourceProvider.CLUSTER_NAME, "shop").build();

            Migrations.run(MigrationSpec.builder().source(settings).destination(destination.connectionString())
                    .continuousSync(false).build(), Duration.ofMinutes(1));

            assertThat(opsManager.requests).anyMatch(r -> r.startsWith("GET /api/public/v1.0/groups/" + PROJECT + "/hosts?clusterId=")
                    && r.endsWith("-> 200"));
        }
        Namespace orders = new Namespace("shop", "orders");
        assertSameDocuments(source.client(), orders, destination.client(), orders);
        assertThat(destination.client().getDatabase("shop").getCollection("orders").countDocuments()).isEqualTo(50);
    }
}
