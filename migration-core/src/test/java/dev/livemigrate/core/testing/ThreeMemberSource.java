package dev.livemigrate.core.testing;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.mongodb.MongoDBContainer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.awaitility.Awaitility.await;

/**
 * A source that is a replica set of three members (so its primary can step down and another take over) and a
 * destination, for {@code *IT} suites that exercise elections:
 * <ul>
 *   <li>{@code LIVEMIGRATE_IT_RS3_SOURCE} (a connection string of a replica set with at least three members) and
 *       {@code LIVEMIGRATE_IT_DESTINATION} when both are set;</li>
 *   <li>otherwise, on Linux with Docker, three {@code mongod} containers on the host's network (ports 27171-27173,
 *       or from {@code LIVEMIGRATE_IT_RS3_PORT}; host networking lets the test's driver reach each member by the
 *       name the replica set knows it by) and a single-node replica set as the destination;</li>
 *   <li>otherwise each test is skipped with the reason, or fails when {@code -Dlivemigrate.it=required}.</li>
 * </ul>
 * Suites use databases named {@code lmit_rs3_*}, dropped before and after.
 */
public final class ThreeMemberSource implements ExecutionCondition, BeforeAllCallback, AfterAllCallback {

    private static final String SET = "lmit3";
    private final List<GenericContainer<?>> members = new ArrayList<>();
    private MongoDBContainer destinationContainer;
    private String source;
    private String destination;
    private MongoClient sourceClient;

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return RealClusters.condition(context, unavailable(), "a three-member replica set");
    }

    /** Why there is nothing to run against, or {@code null}. */
    private static String unavailable() {
        if (System.getenv("LIVEMIGRATE_IT_RS3_SOURCE") != null) {
            return null;
        }
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return "no LIVEMIGRATE_IT_RS3_SOURCE, and host networking for three local members needs Docker on Linux";
        }
        return DockerClientFactory.instance().isDockerAvailable() ? null
                : "neither a Docker engine nor LIVEMIGRATE_IT_RS3_SOURCE and LIVEMIGRATE_IT_DESTINATION are there";
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        String why = unavailable();
        if (why != null) {
            if (RealClusters.required()) {
                Assertions.fail(why + ", and " + RealClusters.REQUIRED_SWITCH + "=required says this machine must run it");
            }
            return;
        }
        String named = System.getenv("LIVEMIGRATE_IT_RS3_SOURCE");
        if (named != null) {
            source = named;
            destination = System.getenv("LIVEMIGRATE_IT_DESTINATION");
            Assertions.assertNotNull(destination, "LIVEMIGRATE_IT_RS3_SOURCE needs LIVEMIGRATE_IT_DESTINATION too");
        } else {
            startLocalSet(Integer.parseInt(System.getenv().getOrDefault("LIVEMIGRATE_IT_RS3_PORT", "27171")));
        }
        sourceClient = MongoClients.create(source);
        dropOwnDatabases();
    }

    private void startLocalSet(int firstPort) {
        String image = System.getenv().getOrDefault("LIVEMIGRATE_IT_IMAGE", "mongo:7.0");
        BsonArray config = new BsonArray();
        List<String> hosts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int port = firstPort + i;
            GenericContainer<?> member = new GenericContainer<>(image).withNetworkMode("host")
                    .withCommand("mongod", "--replSet", SET, "--port", String.valueOf(port), "--bind_ip", "127.0.0.1")
                    .waitingFor(Wait.forLogMessage(".*Waiting for connections.*", 1));
            member.start();
            members.add(member);
            hosts.add("127.0.0.1:" + port);
            config.add(new BsonDocument("_id", new BsonInt32(i)).append("host", new BsonString("127.0.0.1:" + port)));
        }
        try (MongoClient first = MongoClients.create("mongodb://" + hosts.get(0) + "/?directConnection=true")) {
            first.getDatabase("admin").runCommand(new BsonDocument("replSetInitiate",
                    new BsonDocument("_id", new BsonString(SET)).append("members", config)));
        }
        source = "mongodb://" + String.join(",", hosts) + "/?replicaSet=" + SET;
        try (MongoClient set = MongoClients.create(source)) {
            await().atMost(Duration.ofMinutes(2)).ignoreExceptions().until(() -> set.getDatabase("admin")
                    .runCommand(new BsonDocument("hello", new BsonInt32(1))).getBoolean("isWritablePrimary", false));
        }
        destinationContainer = new MongoDBContainer(image).withReplicaSet();
        destinationContainer.start();
        destination = destinationContainer.getReplicaSetUrl("admin");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (sourceClient != null) {
                dropOwnDatabases();
                sourceClient.close();
            }
        } finally {
            members.forEach(GenericContainer::stop);
            if (destinationContainer != null) {
                destinationContainer.stop();
            }
        }
    }

    private void dropOwnDatabases() {
        for (String uri : List.of(source, destination)) {
            try (MongoClient c = MongoClients.create(uri)) {
                for (String db : c.listDatabaseNames()) {
                    if (db.startsWith("lmit_rs3_")) {
                        c.getDatabase(db).drop();
                    }
                }
            }
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

    /**
     * Makes the source's primary step down (another member takes over within seconds); the connection the command
     * went over is closed by the server, which the driver reports as an error: ignored.
     */
    public void stepDown() {
        try {
            sourceClient.getDatabase("admin").runCommand(new BsonDocument("replSetStepDown", new BsonInt32(30))
                    .append("secondaryCatchUpPeriodSecs", new BsonInt32(10)));
        } catch (RuntimeException expected) {
            // stepping down closes connections: the command's reply may never arrive
        }
    }
}
