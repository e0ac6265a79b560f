package dev.livemigrate.core.testing;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import dev.livemigrate.Namespace;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.conversions.Bson;
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

import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;

/**
 * A source that is a sharded cluster with (at least) two shards, reached through a mongos, and a replica-set
 * destination, for {@code *IT} suites that need a collection's data on more than one shard:
 * <ul>
 *   <li>{@code LIVEMIGRATE_IT_SHARDED_SOURCE}, the connection string of a mongos of a cluster with at least two shards,
 *       and {@code LIVEMIGRATE_IT_DESTINATION} (a replica set) when set, else a single-node replica set in Docker;</li>
 *   <li>otherwise, with Docker, a config server, two single-member shards and a mongos in containers
 *       ({@link DockerShardedCluster}; {@code LIVEMIGRATE_IT_IMAGE}, default {@code mongo:7.0}) and a single-node
 *       replica set;</li>
 *   <li>otherwise each test is skipped with the reason, or fails when {@code -Dlivemigrate.it=required}.</li>
 * </ul>
 * As with {@link RealClusters}, a suite names itself: it uses databases {@code lmit_<suite>_*} and migration ids
 * {@code lmit-<suite>-*}, which are dropped (databases, on both sides) and deleted (the destination's
 * {@code __livemigrate} records) before and after it; nothing else on a named cluster is touched, except that a
 * test that blocks user writes unblocks them ({@link #unblockSourceWrites()}).
 */
public final class TwoShardCluster implements ExecutionCondition, BeforeAllCallback, AfterAllCallback {

    private static final Logger LOG = LoggerFactory.getLogger(TwoShardCluster.class);

    private final String databasePrefix;
    private final String migrationPrefix;
    private DockerShardedCluster sourceInDocker;
    private MongoDBContainer destinationContainer;
    private String source;
    private String destination;
    private MongoClient sourceClient;
    private MongoClient destinationClient;

    /** @param suite a short name unique among the suites, made of lower-case letters and digits */
    public TwoShardCluster(String suite) {
        RealClusters.checkSuite(suite);
        this.databasePrefix = "lmit_" + suite + "_";
        this.migrationPrefix = "lmit-" + suite + "-";
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return RealClusters.condition(context, unavailable(), "a sharded cluster with two shards");
    }

    /** Why there is nothing to run against, or {@code null}. */
    private static String unavailable() {
        boolean named = System.getenv("LIVEMIGRATE_IT_SHARDED_SOURCE") != null && System.getenv("LIVEMIGRATE_IT_DESTINATION") != null;
        return named || DockerClientFactory.instance().isDockerAvailable() ? null
                : "neither a Docker engine nor LIVEMIGRATE_IT_SHARDED_SOURCE and LIVEMIGRATE_IT_DESTINATION are there";
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        String why = unavailable();
        if (why != null) {
            if (RealClusters.required()) {
                Assertions.fail(why + ", and " + RealClusters.REQUIRED_SWITCH + "=required says this machine must run the"
                        + " integration suites: start Docker or name the clusters");
            }
            return; // every test is skipped by the condition above
        }
        String image = System.getenv().getOrDefault("LIVEMIGRATE_IT_IMAGE", "mongo:7.0");
        source = System.getenv("LIVEMIGRATE_IT_SHARDED_SOURCE");
        if (source == null) {
            sourceInDocker = DockerShardedCluster.start(image, 2);
            source = sourceInDocker.connectionString();
        }
        destination = System.getenv("LIVEMIGRATE_IT_DESTINATION");
        if (destination == null) {
            destinationContainer = new MongoDBContainer(image).withReplicaSet();
            destinationContainer.start();
            destination = destinationContainer.getReplicaSetUrl("admin");
        }
        sourceClient = MongoClients.create(source);
        destinationClient = MongoClients.create(destination);
        BsonDocument shards = admin(sourceClient).runCommand(new BsonDocument("listShards", new BsonInt32(1)), BsonDocument.class);
        Assertions.assertTrue(shards.getArray("shards").size() >= 2,
                "the source must be a mongos of a cluster with at least two shards; listShards says " + shards.getArray("shards"));
        BsonDocument hello = admin(destinationClient).runCommand(new BsonDocument("hello", new BsonInt32(1)), BsonDocument.class);
        Assertions.assertTrue(hello.containsKey("setName"), "the destination must be a replica set; hello says " + hello.toJson());
        LOG.info("two-shard suite {}: source {} ({} shards), destination replica set {}", databasePrefix,
                System.getenv("LIVEMIGRATE_IT_SHARDED_SOURCE") == null ? "in Docker" : "named", shards.getArray("shards").size(),
                hello.getString("setName").getValue());
        dropOwnData();
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
            if (sourceInDocker != null) {
                sourceInDocker.close();
            }
            if (destinationContainer != null) {
                destinationContainer.stop();
            }
        }
    }

    private void dropOwnData() {
        RealClusters.dropDatabases(sourceClient, databasePrefix);
        RealClusters.dropDatabases(destinationClient, databasePrefix);
        RealClusters.deleteRecords(destinationClient, migrationPrefix);
    }

    /**
     * Shards {@code ns} (empty: {@code shardCollection} then creates the key's index itself) on {@code {field: 1}},
     * splits it at {@code field: splitAt} and moves the upper chunk to another shard than the lower one, so that
     * documents below {@code splitAt} live on one shard and the others on another. Commands, run through the mongos:
     * {@code enableSharding} (https://www.mongodb.com/docs/manual/reference/command/enableSharding/),
     * {@code shardCollection} (https://www.mongodb.com/docs/manual/reference/command/shardCollection/), {@code split}
     * with {@code middle} (https://www.mongodb.com/docs/manual/reference/command/split/) and {@code moveChunk} with
     * {@code find} and {@code to} (https://www.mongodb.com/docs/manual/reference/command/moveChunk/). Where the chunks
     * are is read from {@code config.chunks} (https://www.mongodb.com/docs/manual/reference/config-database/): each
     * chunk's {@code min}, {@code max} and {@code shard}, found by the collection's {@code uuid} from 5.0 and by
     * {@code ns} before. A move refused because the balancer is moving something is tried again.
     *
     * @return the shards of the lower and of the upper chunk, in that order (never the same)
     */
    public List<String> shardAcrossTwoShards(Namespace ns, String field, int splitAt) {
        MongoDatabase admin = admin(sourceClient);
        admin.runCommand(new BsonDocument("enableSharding", new BsonString(ns.database())));
        admin.runCommand(new BsonDocument("shardCollection", new BsonString(ns.fullName()))
                .append("key", new BsonDocument(field, new BsonInt32(1))));
        BsonDocument at = new BsonDocument(field, new BsonInt32(splitAt));
        admin.runCommand(new BsonDocument("split", new BsonString(ns.fullName())).append("middle", at));
        List<String> allShards = admin.runCommand(new BsonDocument("listShards", new BsonInt32(1)), BsonDocument.class)
                .getArray("shards").stream().map(s -> s.asDocument().getString("_id").getValue()).toList();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            String lower = chunkOwner(ns, Filters.eq("max", at));
            String upper = chunkOwner(ns, Filters.eq("min", at));
            if (!lower.equals(upper)) {
                return true;
            }
            String target = allShards.stream().filter(s -> !s.equals(lower)).findFirst().orElseThrow();
            try {
                admin.runCommand(new BsonDocument("moveChunk", new BsonString(ns.fullName())).append("find", at)
                        .append("to", new BsonString(target)));
            } catch (MongoCommandException e) {
                LOG.info("moveChunk of {} to {} refused ({}); trying again", ns, target, e.getErrorCodeName());
            }
            return false;
        });
        List<String> placement = List.of(chunkOwner(ns, Filters.eq("max", at)), chunkOwner(ns, Filters.eq("min", at)));
        LOG.info("{}: {} < {} on {}, the rest on {}", ns, field, splitAt, placement.get(0), placement.get(1));
        return placement;
    }

    /** The shard of the one chunk of {@code ns} that {@code bound} selects. */
    private String chunkOwner(Namespace ns, Bson bound) {
        MongoDatabase config = sourceClient.getDatabase("config");
        BsonDocument entry = config.getCollection("collections", BsonDocument.class).find(Filters.eq("_id", ns.fullName())).first();
        Assertions.assertNotNull(entry, ns + " is not in config.collections: not sharded");
        BsonValue uuid = entry.get("uuid");
        Bson collection = uuid == null ? Filters.eq("ns", ns.fullName()) : Filters.or(Filters.eq("uuid", uuid), Filters.eq("ns", ns.fullName()));
        BsonDocument chunk = config.getCollection("chunks", BsonDocument.class).find(Filters.and(collection, bound)).first();
        Assertions.assertNotNull(chunk, "no chunk of " + ns + " with " + bound);
        return chunk.getString("shard").getValue();
    }

    /** The source's major version, from {@code buildInfo} through the mongos. */
    public int sourceMajorVersion() {
        BsonDocument info = admin(sourceClient).runCommand(new BsonDocument("buildInfo", new BsonInt32(1)), BsonDocument.class);
        return info.getArray("versionArray").get(0).asNumber().intValue();
    }

    /** Lets user writes through on the source again; a no-op where they were not blocked. */
    public void unblockSourceWrites() {
        RealClusters.unblockWrites(sourceClient);
    }

    /** The name of one of this suite's databases: {@code lmit_<suite>_<name>}. */
    public String database(String name) {
        return databasePrefix + name;
    }

    /** One of this suite's migration ids: {@code lmit-<suite>-<name>}. */
    public String migrationId(String name) {
        return migrationPrefix + name;
    }

    /** The mongos's connection string. */
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

    private static MongoDatabase admin(MongoClient client) {
        return client.getDatabase("admin");
    }
}
