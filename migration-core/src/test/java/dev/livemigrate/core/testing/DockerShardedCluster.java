package dev.livemigrate.core.testing;

import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.lifecycle.Startables;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;

/**
 * A sharded cluster of {@code shards} shards in Docker, built the way the manual's "Deploy a Self-Managed Sharded
 * Cluster" tutorial does (https://www.mongodb.com/docs/manual/tutorial/deploy-shard-cluster/): a config server
 * replica set of one member ({@code mongod --configsvr --replSet cfg}, initiated with {@code configsvr: true}), one
 * single-member replica set per shard ({@code mongod --shardsvr --replSet shard<N>}), then a {@code mongos} started
 * with {@code --configdb cfg/<host>} and each shard added with {@code addShard: "<set>/<host>"}
 * (https://www.mongodb.com/docs/manual/reference/command/addShard/).
 *
 * <p>The containers share a network of their own and know each other by network aliases ({@code lmit-cfg},
 * {@code lmit-shard0}, ...), which is what each replica set's config and {@code listShards} name: the mongos and the
 * members resolve those names among themselves, and nothing outside the network has to. The test's driver reaches
 * the mongos alone, through its mapped port (a driver talking to a mongos never connects to the shards), and each
 * member directly ({@code directConnection=true}) only to initiate it. Every member is ready when its log says
 * "Waiting for connections" and, once initiated, when {@code hello} answers {@code isWritablePrimary: true}.
 */
final class DockerShardedCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DockerShardedCluster.class);
    private static final int PORT = 27017;
    private static final String CONFIG_SET = "cfg";
    private static final Duration STARTUP = Duration.ofMinutes(3);

    private final Network network = Network.newNetwork();
    private final List<GenericContainer<?>> containers = new ArrayList<>();
    private GenericContainer<?> mongos;

    /** Starts the cluster; on any failure, stops what was started and rethrows. */
    static DockerShardedCluster start(String image, int shards) {
        DockerShardedCluster cluster = new DockerShardedCluster();
        try {
            cluster.startAll(image, shards);
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void startAll(String image, int shards) {
        GenericContainer<?> config = member(image, "lmit-cfg", "--configsvr", CONFIG_SET);
        List<GenericContainer<?>> shardMembers = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            shardMembers.add(member(image, "lmit-shard" + i, "--shardsvr", "shard" + i));
        }
        containers.add(config);
        containers.addAll(shardMembers);
        Startables.deepStart(containers).join();
        initiate(config, "lmit-cfg", CONFIG_SET, true);
        for (int i = 0; i < shards; i++) {
            initiate(shardMembers.get(i), "lmit-shard" + i, "shard" + i, false);
        }
        mongos = new GenericContainer<>(image).withNetwork(network).withNetworkAliases("lmit-mongos").withExposedPorts(PORT)
                .withCommand("mongos", "--configdb", CONFIG_SET + "/lmit-cfg:" + PORT, "--port", String.valueOf(PORT), "--bind_ip_all")
                .waitingFor(Wait.forLogMessage("(?i).*waiting for connections.*", 1).withStartupTimeout(STARTUP));
        containers.add(mongos);
        mongos.start();
        try (MongoClient router = MongoClients.create(connectionString())) {
            for (int i = 0; i < shards; i++) {
                // addShard of a shard already added with the same hosts succeeds again, so a retry after a lost reply is safe
                BsonDocument add = new BsonDocument("addShard", new BsonString("shard" + i + "/lmit-shard" + i + ":" + PORT))
                        .append("name", new BsonString("shard" + i));
                await().atMost(STARTUP).pollInterval(Duration.ofSeconds(1)).ignoreException(MongoException.class)
                        .until(() -> router.getDatabase("admin").runCommand(add, BsonDocument.class) != null);
            }
            BsonDocument listed = router.getDatabase("admin").runCommand(new BsonDocument("listShards", new BsonInt32(1)), BsonDocument.class);
            LOG.info("sharded cluster in Docker ({}): mongos at {}, shards {}", image, connectionString(), listed.getArray("shards"));
        }
    }

    /** A mongod on the cluster's network, known there as {@code alias}, waiting to be initiated. */
    private GenericContainer<?> member(String image, String alias, String role, String set) {
        return new GenericContainer<>(image).withNetwork(network).withNetworkAliases(alias).withExposedPorts(PORT)
                .withCommand("mongod", role, "--replSet", set, "--port", String.valueOf(PORT), "--bind_ip_all")
                .waitingFor(Wait.forLogMessage("(?i).*waiting for connections.*", 1).withStartupTimeout(STARTUP));
    }

    /**
     * {@code replSetInitiate} with a one-member config naming the member by its alias (the member checks that the name
     * is its own, which the network's DNS makes true), then waits until it is primary
     * (https://www.mongodb.com/docs/manual/reference/command/replSetInitiate/; a config server's set needs
     * {@code configsvr: true}, https://www.mongodb.com/docs/manual/reference/replica-configuration/#mongodb-rsconf-rsconf.configsvr).
     */
    private static void initiate(GenericContainer<?> member, String alias, String set, boolean configServer) {
        BsonDocument config = new BsonDocument("_id", new BsonString(set)).append("members", new BsonArray(List.of(
                new BsonDocument("_id", new BsonInt32(0)).append("host", new BsonString(alias + ":" + PORT)))));
        if (configServer) {
            config.append("configsvr", BsonBoolean.TRUE);
        }
        String direct = "mongodb://" + member.getHost() + ":" + member.getMappedPort(PORT) + "/?directConnection=true";
        try (MongoClient client = MongoClients.create(direct)) {
            client.getDatabase("admin").runCommand(new BsonDocument("replSetInitiate", config));
            await().atMost(STARTUP).pollInterval(Duration.ofMillis(500)).ignoreException(MongoException.class)
                    .until(() -> client.getDatabase("admin").runCommand(new BsonDocument("hello", new BsonInt32(1)), BsonDocument.class)
                            .getBoolean("isWritablePrimary", BsonBoolean.FALSE).getValue());
        }
    }

    /** The mongos, as the driver on this machine reaches it. */
    String connectionString() {
        return "mongodb://" + mongos.getHost() + ":" + mongos.getMappedPort(PORT) + "/";
    }

    @Override
    public void close() {
        for (int i = containers.size() - 1; i >= 0; i--) {
            containers.get(i).stop();
        }
        network.close();
    }
}
