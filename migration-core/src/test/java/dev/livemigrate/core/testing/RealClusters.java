package dev.livemigrate.core.testing;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import dev.livemigrate.core.state.MetadataStore;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.mongodb.MongoDBContainer;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A source and a destination that are real MongoDB deployments, for {@code *IT} suites:
 * <ul>
 *   <li>the clusters named by {@code LIVEMIGRATE_IT_SOURCE} and {@code LIVEMIGRATE_IT_DESTINATION}
 *       (connection strings) when both are set (one without the other is a configuration error);</li>
 *   <li>otherwise two single-node replica sets in Docker ({@code LIVEMIGRATE_IT_IMAGE}, default
 *       {@code mongo:7.0});</li>
 *   <li>otherwise each test is skipped with the reason, or the suite fails when {@code -Dlivemigrate.it=required} (or the environment
 *       variable {@code LIVEMIGRATE_IT=required}) says this machine is meant to run it.</li>
 * </ul>
 *
 * <p>Each suite names itself: its databases are {@link #database(String) prefixed} with
 * {@code lmit_<suite>_} and its migration ids with {@code lmit-<suite>-}. Before and after the suite, and
 * only on those names, the databases are dropped on both sides and the suite's records are deleted from the
 * destination's {@code __livemigrate}; nothing else on a cluster named by the environment is touched. A test
 * that blocks user writes on the source unblocks them itself ({@link #unblockSourceWrites()}).
 */
public final class RealClusters implements ExecutionCondition, BeforeAllCallback, AfterAllCallback {

    /** The system property (and, upper-cased with {@code _}, the environment variable) that makes a skip fail. */
    public static final String REQUIRED_SWITCH = "livemigrate.it";
    private static final Logger LOG = LoggerFactory.getLogger(RealClusters.class);
    private static final String DEFAULT_IMAGE = "mongo:7.0";
    private static final String UNAVAILABLE = "neither a Docker engine nor LIVEMIGRATE_IT_SOURCE and LIVEMIGRATE_IT_DESTINATION are there";

    private final String databasePrefix;
    private final String migrationPrefix;
    private MongoDBContainer sourceContainer;
    private MongoDBContainer destinationContainer;
    private String source;
    private String destination;
    private MongoClient sourceClient;
    private MongoClient destinationClient;
    private Boolean available;

    /** @param suite a short name unique among the suites, made of lower-case letters and digits */
    public RealClusters(String suite) {
        checkSuite(suite);
        this.databasePrefix = "lmit_" + suite + "_";
        this.migrationPrefix = "lmit-" + suite + "-";
    }

    /**
     * Each test is skipped, with the reason, when there is nothing to run it against and it is not required
     * (a skip in {@code beforeAll} would hide the tests from the reports: they would count as not run at all).
     */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return condition(context, available() ? null : UNAVAILABLE, "real MongoDB");
    }

    /**
     * Runs a test when {@code why} (what is missing) is {@code null} or the suites are required, else skips it saying
     * why; a class-level evaluation always runs.
     */
    static ConditionEvaluationResult condition(ExtensionContext context, String why, String what) {
        if (context.getTestMethod().isEmpty() || why == null || required()) {
            return ConditionEvaluationResult.enabled(what + " available, or required");
        }
        return ConditionEvaluationResult.disabled(why + ": skipped (set -D" + REQUIRED_SWITCH + "=required to make this a failure)");
    }

    /** Refuses a suite name that is not lower-case letters and digits. */
    static void checkSuite(String suite) {
        if (!suite.matches("[a-z0-9]+")) {
            throw new IllegalArgumentException("suite name must be lower-case letters and digits: " + suite);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!available()) {
            if (required()) {
                Assertions.fail(UNAVAILABLE + ", and " + REQUIRED_SWITCH + "=required says this machine must run the"
                        + " integration suites: start Docker or name two clusters");
            }
            return; // every test is skipped by the condition above
        }
        Map<String, String> env = System.getenv();
        String s = env.get("LIVEMIGRATE_IT_SOURCE");
        String d = env.get("LIVEMIGRATE_IT_DESTINATION");
        if (s != null || d != null) {
            Assertions.assertTrue(s != null && d != null,
                    "LIVEMIGRATE_IT_SOURCE and LIVEMIGRATE_IT_DESTINATION must be set together; only one is");
            source = s;
            destination = d;
        } else {
            String image = env.getOrDefault("LIVEMIGRATE_IT_IMAGE", DEFAULT_IMAGE);
            sourceContainer = new MongoDBContainer(image).withReplicaSet(); // 2.x starts a standalone without it
            destinationContainer = new MongoDBContainer(image).withReplicaSet();
            sourceContainer.start();
            destinationContainer.start();
            source = sourceContainer.getReplicaSetUrl("admin");
            destination = destinationContainer.getReplicaSetUrl("admin");
        }
        sourceClient = MongoClients.create(source);
        destinationClient = MongoClients.create(destination);
        LOG.info("integration suite {}: source MongoDB {}, destination MongoDB {}", databasePrefix,
                version(sourceClient), version(destinationClient));
        dropOwnData();
    }

    /** Whether clusters are named by the environment (even half: that fails in beforeAll) or Docker runs. */
    private boolean available() {
        if (available == null) {
            available = System.getenv("LIVEMIGRATE_IT_SOURCE") != null || System.getenv("LIVEMIGRATE_IT_DESTINATION") != null
                    || DockerClientFactory.instance().isDockerAvailable();
        }
        return available;
    }

    /** Whether {@code -Dlivemigrate.it=required} or {@code LIVEMIGRATE_IT=required} is set. */
    public static boolean required() {
        String property = System.getProperty(REQUIRED_SWITCH, "").trim();
        String value = property.isEmpty() ? System.getenv().getOrDefault("LIVEMIGRATE_IT", "") : property;
        return value.trim().toLowerCase(Locale.ROOT).equals("required");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (sourceClient != null) {
                dropOwnData();
            }
        } finally {
            if (sourceClient != null) {
                sourceClient.close();
                destinationClient.close();
            }
            if (sourceContainer != null) {
                sourceContainer.stop();
                destinationContainer.stop();
            }
        }
    }

    /** Drops this suite's databases on both sides and its migrations' records on the destination. */
    private void dropOwnData() {
        dropDatabases(sourceClient, databasePrefix);
        dropDatabases(destinationClient, databasePrefix);
        deleteRecords(destinationClient, migrationPrefix);
    }

    /** Drops the databases whose names start with {@code prefix}, and nothing else. */
    public static void dropDatabases(MongoClient client, String prefix) {
        for (String db : client.listDatabaseNames()) {
            if (db.startsWith(prefix)) {
                client.getDatabase(db).drop();
            }
        }
    }

    /**
     * Deletes from a destination's {@code __livemigrate} the records of the migrations whose ids start with
     * {@code prefix} (letters, digits and {@code -}), and nothing else.
     */
    public static void deleteRecords(MongoClient destination, String prefix) {
        Pattern own = Pattern.compile("^" + prefix); // letters, digits and '-' only: nothing to quote
        var metadata = destination.getDatabase(MetadataStore.DATABASE);
        for (String collection : metadata.listCollectionNames()) {
            metadata.getCollection(collection).deleteMany(Filters.or(Filters.regex("_id", own), Filters.regex("_id.m", own)));
        }
    }

    /** The name of one of this suite's databases: {@code lmit_<suite>_<name>}. */
    public String database(String name) {
        return databasePrefix + name;
    }

    /** One of this suite's migration ids: {@code lmit-<suite>-<name>}. */
    public String migrationId(String name) {
        return migrationPrefix + name;
    }

    /** The source's major version, from {@code buildInfo}. */
    public int sourceMajorVersion() {
        return majorVersion(sourceClient);
    }

    /** The destination's major version, from {@code buildInfo}. */
    public int destinationMajorVersion() {
        return majorVersion(destinationClient);
    }

    private static int majorVersion(MongoClient client) {
        BsonDocument info = client.getDatabase("admin").runCommand(new BsonDocument("buildInfo", new BsonInt32(1)), BsonDocument.class);
        return info.getArray("versionArray").get(0).asNumber().intValue();
    }

    private static String version(MongoClient client) {
        return client.getDatabase("admin").runCommand(new BsonDocument("buildInfo", new BsonInt32(1)), BsonDocument.class)
                .getString("version").getValue();
    }

    /** Lets user writes through on the source again (MongoDB 6.0+); a no-op where they were not blocked. */
    public void unblockSourceWrites() {
        unblockWrites(sourceClient);
    }

    /** Lets user writes through on a deployment again (MongoDB 6.0+, through mongos too); a no-op where they were not blocked. */
    public static void unblockWrites(MongoClient client) {
        try {
            client.getDatabase("admin").runCommand(new BsonDocument("setUserWriteBlockMode", new BsonInt32(1))
                    .append("global", BsonBoolean.FALSE));
        } catch (MongoCommandException e) {
            LOG.warn("could not unblock user writes: {}", e.getErrorMessage());
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
