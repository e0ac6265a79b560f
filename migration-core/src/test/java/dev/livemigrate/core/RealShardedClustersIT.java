package dev.livemigrate.core;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Indexes;
import dev.livemigrate.MigrationReport;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.MigrationState;
import dev.livemigrate.Migrations;
import dev.livemigrate.Namespace;
import dev.livemigrate.Sharding;
import dev.livemigrate.core.testing.DockerOrRequired;
import dev.livemigrate.core.testing.RealClusters;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.mongodb.MongoDBContainer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static dev.livemigrate.core.testing.DataAssertions.assertSameDocuments;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real sharded clusters and replica sets: sharded to sharded, replica set to sharded with a sharding entry, sharded to
 * replica set. One-time copies; each checks the destination's {@code config.collections} (key, unique) and the data
 * byte for byte. Each role is the deployment named by an environment variable when it is set, else a container:
 * <ul>
 *   <li>sharded source: {@code LIVEMIGRATE_IT_SHARDED_SOURCE} (a mongos), sharded destination:
 *       {@code LIVEMIGRATE_IT_SHARDED_DESTINATION}, else Testcontainers' {@code MongoDBContainer.withSharding()} (a
 *       config server, one shard and a mongos in one container);</li>
 *   <li>replica-set source (replica set to sharded): {@code LIVEMIGRATE_IT_SOURCE}, replica-set destination (sharded to
 *       replica set): {@code LIVEMIGRATE_IT_DESTINATION}, else one single-node replica set in Docker for both.</li>
 * </ul>
 * Image {@code LIVEMIGRATE_IT_IMAGE}, default {@code mongo:7.0}. On every deployment the suite touches only the
 * databases {@code lmit_shard_*} and the destinations' {@code __livemigrate} records of migrations {@code lmit-shard-*}.
 * Skipped without Docker (unless all four variables are set), or failing then when {@code -Dlivemigrate.it=required}
 * ({@link DockerOrRequired}). <b>Written without a Docker engine and never run yet.</b>
 */
class RealShardedClustersIT {

    private static final String IMAGE = System.getenv().getOrDefault("LIVEMIGRATE_IT_IMAGE", "mongo:7.0");
    private static final String DATABASES = "lmit_shard_";
    private static final String MIGRATIONS = "lmit-shard-";
    private static final Namespace ORDERS = Namespace.parse(DATABASES + "shop.orders");

    @RegisterExtension
    static final DockerOrRequired docker = DockerOrRequired.unlessNamed("LIVEMIGRATE_IT_SHARDED_SOURCE",
            "LIVEMIGRATE_IT_SHARDED_DESTINATION", "LIVEMIGRATE_IT_SOURCE", "LIVEMIGRATE_IT_DESTINATION");

    private static final List<GenericContainer<?>> containers = new ArrayList<>();
    private static MongoDBContainer replicaSetContainer;
    private static String shardedSourceUri;
    private static String shardedDestinationUri;
    private static String replicaSetSourceUri;
    private static String replicaSetDestinationUri;
    private static MongoClient shardedSource;
    private static MongoClient shardedDestination;
    private static MongoClient replicaSetSource;
    private static MongoClient replicaSetDestination;

    @BeforeAll
    static void connect() {
        shardedSourceUri = named("LIVEMIGRATE_IT_SHARDED_SOURCE", RealShardedClustersIT::shardedInDocker);
        shardedDestinationUri = named("LIVEMIGRATE_IT_SHARDED_DESTINATION", RealShardedClustersIT::shardedInDocker);
        replicaSetSourceUri = named("LIVEMIGRATE_IT_SOURCE", RealShardedClustersIT::replicaSetInDocker);
        replicaSetDestinationUri = named("LIVEMIGRATE_IT_DESTINATION", RealShardedClustersIT::replicaSetInDocker);
        shardedSource = MongoClients.create(shardedSourceUri);
        shardedDestination = MongoClients.create(shardedDestinationUri);
        replicaSetSource = MongoClients.create(replicaSetSourceUri);
        replicaSetDestination = MongoClients.create(replicaSetDestinationUri);
        dropOwnData();
    }

    @AfterAll
    static void close() {
        try {
            if (replicaSetDestination != null) {
                dropOwnData();
            }
        } finally {
            for (MongoClient c : new MongoClient[] {shardedSource, shardedDestination, replicaSetSource, replicaSetDestination}) {
                if (c != null) {
                    c.close();
                }
            }
            containers.forEach(GenericContainer::stop);
        }
    }

    private static String named(String variable, Supplier<String> otherwise) {
        String uri = System.getenv(variable);
        return uri != null ? uri : otherwise.get();
    }

    private static String shardedInDocker() {
        MongoDBContainer cluster = new MongoDBContainer(IMAGE).withSharding();
        containers.add(cluster);
        cluster.start();
        return cluster.getConnectionString();
    }

    /** One replica set for both replica-set roles not named by the environment. */
    private static String replicaSetInDocker() {
        if (replicaSetContainer == null) {
            replicaSetContainer = new MongoDBContainer(IMAGE).withReplicaSet(); // 2.x starts a standalone without it
            containers.add(replicaSetContainer);
            replicaSetContainer.start();
        }
        return replicaSetContainer.getReplicaSetUrl("admin");
    }

    private static void dropOwnData() {
        for (MongoClient c : new MongoClient[] {shardedSource, shardedDestination, replicaSetSource, replicaSetDestination}) {
            RealClusters.dropDatabases(c, DATABASES);
        }
        RealClusters.deleteRecords(shardedDestination, MIGRATIONS);
        RealClusters.deleteRecords(replicaSetDestination, MIGRATIONS);
    }

    @Test
    void aShardedCollectionIsShardedAlikeOnAShardedDestination() {
        seed(shardedSource);
        shardOnRegion(shardedSource);
        clear(shardedDestination);

        MigrationReport report = Migrations.run(spec("s2s", shardedSourceUri, shardedDestinationUri)
                .build(), Duration.ofMinutes(5));

        assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
        assertThat(shardKey(shardedDestination)).isEqualTo(BsonDocument.parse("{region: 1, _id: 1}"));
        assertSameDocuments(shardedSource, ORDERS, shardedDestination, ORDERS);
    }

    @Test
    void aReplicaSetCollectionIsShardedAsTheEntryAsks() {
        seed(replicaSetSource);
        clear(shardedDestination);
        Sharding sharding = Sharding.of(true, List.of(Sharding.parseEntry(ORDERS.fullName() + "={\"region\": \"hashed\"}")));

        MigrationReport report = Migrations.run(spec("rs2s", replicaSetSourceUri, shardedDestinationUri)
                .sharding(sharding).build(), Duration.ofMinutes(5));

        assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
        assertThat(shardKey(shardedDestination)).isEqualTo(BsonDocument.parse("{region: 'hashed'}"));
        assertSameDocuments(replicaSetSource, ORDERS, shardedDestination, ORDERS);
    }

    @Test
    void aShardedCollectionArrivesUnshardedOnAReplicaSetAndTheReportSaysSo() {
        seed(shardedSource);
        shardOnRegion(shardedSource);
        clear(replicaSetDestination);

        MigrationReport report = Migrations.run(spec("s2rs", shardedSourceUri, replicaSetDestinationUri)
                .build(), Duration.ofMinutes(5));

        assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
        assertThat(report.sharding()).containsKey(ORDERS.fullName());
        assertThat(report.sharding().get(ORDERS.fullName())).startsWith("unsharded: the destination is not a sharded cluster");
        assertSameDocuments(shardedSource, ORDERS, replicaSetDestination, ORDERS);
    }

    private static void seed(MongoClient client) {
        client.getDatabase(ORDERS.database()).drop();
        for (int i = 0; i < 200; i++) {
            client.getDatabase(ORDERS.database()).getCollection(ORDERS.collection())
                    .insertOne(new Document("_id", i).append("region", "r" + (i % 7)).append("total", i * 1.25));
        }
    }

    /**
     * Shards the seeded collection on {@code {region: 1, _id: 1}} through the mongos, with its index made first (the
     * collection is not empty): {@code enableSharding} (needed before 6.0, harmless after:
     * https://www.mongodb.com/docs/manual/reference/command/enableSharding/), then {@code shardCollection}.
     */
    private static void shardOnRegion(MongoClient mongos) {
        mongos.getDatabase(ORDERS.database()).getCollection(ORDERS.collection()).createIndex(Indexes.ascending("region", "_id"));
        mongos.getDatabase("admin").runCommand(new Document("enableSharding", ORDERS.database()));
        mongos.getDatabase("admin").runCommand(new Document("shardCollection", ORDERS.fullName())
                .append("key", new Document("region", 1).append("_id", 1)));
    }

    /** Drops the suite's database on a destination and deletes the suite's migrations' records there, nothing else. */
    private static void clear(MongoClient destination) {
        destination.getDatabase(ORDERS.database()).drop();
        RealClusters.deleteRecords(destination, MIGRATIONS);
    }

    private static BsonDocument shardKey(MongoClient mongos) {
        BsonDocument entry = mongos.getDatabase("config").getCollection("collections", BsonDocument.class)
                .find(new BsonDocument("_id", new BsonString(ORDERS.fullName()))).first();
        assertThat(entry).as("%s sharded on the destination", ORDERS).isNotNull();
        return entry.getDocument("key");
    }

    private static MigrationSpec.Builder spec(String id, String source, String destination) {
        return MigrationSpec.builder().migrationId(MIGRATIONS + id).source(source).destination(destination)
                .include(ORDERS.database() + ".*").continuousSync(false);
    }
}
