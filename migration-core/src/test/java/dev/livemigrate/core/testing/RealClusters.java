package dev.livemigrate.core.testing;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.MongoDBContainer;

/**
 * A source and a destination that are real MongoDB deployments, for {@code *IT} suites:
 * <ul>
 *   <li>the clusters named by {@code LIVEMIGRATE_IT_SOURCE} and {@code LIVEMIGRATE_IT_DESTINATION}
 *       (connection strings) when both are set; their databases are dropped before each suite;</li>
 *   <li>otherwise two single-node replica sets in Docker ({@code LIVEMIGRATE_IT_IMAGE}, default
 *       {@code mongo:7.0});</li>
 *   <li>otherwise the suite is skipped.</li>
 * </ul>
 */
public final class RealClusters implements BeforeAllCallback, AfterAllCallback {

    private MongoDBContainer sourceContainer;
    private MongoDBContainer destinationContainer;
    private String source;
    private String destination;
    private MongoClient sourceClient;
    private MongoClient destinationClient;

    @Override
    public void beforeAll(ExtensionContext context) {
        String s = System.getenv("LIVEMIGRATE_IT_SOURCE");
        String d = System.getenv("LIVEMIGRATE_IT_DESTINATION");
        if (s != null && d != null) {
            source = s;
            destination = d;
        } else {
            Assumptions.assumeTrue(DockerClientFactory.instance().isDockerAvailable(),
                    "no Docker engine and no LIVEMIGRATE_IT_SOURCE/LIVEMIGRATE_IT_DESTINATION: skipped");
            String image = System.getenv().getOrDefault("LIVEMIGRATE_IT_IMAGE", "mongo:7.0");
            sourceContainer = new MongoDBContainer(image);
            destinationContainer = new MongoDBContainer(image);
            sourceContainer.start();
            destinationContainer.start();
            source = sourceContainer.getReplicaSetUrl("admin");
            destination = destinationContainer.getReplicaSetUrl("admin");
        }
        sourceClient = MongoClients.create(source);
        destinationClient = MongoClients.create(destination);
        for (MongoClient c : new MongoClient[] {sourceClient, destinationClient}) {
            for (String db : c.listDatabaseNames()) {
                if (!db.equals("admin") && !db.equals("local") && !db.equals("config")) {
                    c.getDatabase(db).drop();
                }
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (sourceClient != null) {
            sourceClient.close();
            destinationClient.close();
        }
        if (sourceContainer != null) {
            sourceContainer.stop();
            destinationContainer.stop();
        }
    }

    public String source() {
        return source;
    }

    public String destination() {
        return destination;
    }

    public MongoClient sourceClient() {
        return sourceClient;
    }

    public MongoClient destinationClient() {
        return destinationClient;
    }
}
