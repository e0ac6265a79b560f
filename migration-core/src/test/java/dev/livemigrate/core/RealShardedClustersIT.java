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
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mongodb.MongoDBContainer;

import java.time.Duration;
import java.util.List;

import static dev.livemigrate.core.testing.DataAssertions.assertSameDocuments;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real sharded clusters in Docker (Testcontainers' {@code MongoDBContainer.withSharding()}: a config server, one
 * shard and a mongos in one container; {@code LIVEMIGRATE_IT_IMAGE}, default {@code mongo:7.0}) and a replica set:
 * sharded to sharded, replica set to sharded with a sharding entry, sharded to replica set. One-time copies; each
 * checks the destination's {@code config.collections} (key, unique) and the data byte for byte. Skipped without
 * Docker unless {@code -Dlivemigrate.it=required} ({@link DockerOrRequired}). <b>Written without a Docker engine and
 * never run yet.</b>
 */
@ExtendWith(DockerOrRequired.class)
@Testcontainers
class RealShardedClustersIT {

    private static final String IMAGE = System.getenv().getOrDefault("LIVEMIGRATE_IT_IMAGE", "mongo:7.0");
    private static final Namespace ORDERS = Namespace.parse("lmit_shard.orders");

    @Container
    static final MongoDBContainer SHARDED_SOURCE = new MongoDBContainer(IMAGE).withSharding();
    @Container
    static final MongoDBContainer SHARDED_DESTINATION = new MongoDBContainer(IMAGE).withSharding();
    @Container
    static final MongoDBContainer REPLICA_SET = new MongoDBContainer(IMAGE);

    private static MongoClient shardedSource;
    private static MongoClient shardedDestination;
    private static MongoClient replicaSet;

    @BeforeAll
    static void connect() {
        shardedSource = MongoClients.create(SHARDED_SOURCE.getConnectionString());
        shardedDestination = MongoClients.create(SHARDED_DESTINATION.getConnectionString());
        replicaSet = MongoClients.create(REPLICA_SET.getReplicaSetUrl());
    }

    @AfterAll
    static void close() {
        List.of(shardedSource, shardedDestination, replicaSet).forEach(MongoClient::close);
    }

    @Test
    void aShardedCollectionIsShardedAlikeOnAShardedDestination() {
        seed(shardedSource);
        shardedSource.getDatabase("lmit_shard").getCollection("orders").createIndex(Indexes.ascending("region", "_id"));
        shardedSource.getDatabase("admin").runCommand(Document.parse("{shardCollection: 'lmit_shard.orders', key: {region: 1, _id: 1}}"));
        clear(shardedDestination);

        MigrationReport report = Migrations.run(spec("s2s", SHARDED_SOURCE.getConnectionString(), SHARDED_DESTINATION.getConnectionString())
                .build(), Duration.ofMinutes(5));

        assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
        assertThat(shardKey(shardedDestination)).isEqualTo(BsonDocument.parse("{region: 1, _id: 1}"));
        assertSameDocuments(shardedSource, ORDERS, shardedDestination, ORDERS);
    }

    @Test
    void aReplicaSetCollectionIsShardedAsTheEntryAsks() {
        seed(replicaSet);
        clear(shardedDestination);
        Sharding sharding = Sharding.of(true, List.of(Sharding.parseEntry(ORDERS.fullName() + "={\"region\": \"hashed\"}")));

        MigrationReport report = Migrations.run(spec("rs2s", REPLICA_SET.getReplicaSetUrl(), SHARDED_DESTINATION.getConnectionString())
                .sharding(sharding).build(), Duration.ofMinutes(5));

        assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
        assertThat(shardKey(shardedDestination)).isEqualTo(BsonDocument.parse("{region: 'hashed'}"));
        assertSameDocuments(replicaSet, ORDERS, shardedDestination, ORDERS);
    }

    @Test
    void aShardedCollectionArrivesUnshardedOnAReplicaSetAndTheReportSaysSo() {
        seed(shardedSource);
        shardedSource.getDatabase("lmit_shard").getCollection("orders").createIndex(Indexes.ascending("region", "_id"));
        shardedSource.getDatabase("admin").runCommand(Document.parse("{shardCollection: 'lmit_shard.orders', key: {region: 1, _id: 1}}"));
        clear(replicaSet);

        MigrationReport report = Migrations.run(spec("s2rs", SHARDED_SOURCE.getConnectionString(), REPLICA_SET.getReplicaSetUrl())
                .build(), Duration.ofMinutes(5));

        assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
        assertThat(report.sharding()).containsKey(ORDERS.fullName());
        assertThat(report.sharding().get(ORDERS.fullName())).startsWith("unsharded: the destination is not a sharded cluster");
        assertSameDocuments(shardedSource, ORDERS, replicaSet, ORDERS);
    }

    private static void seed(MongoClient client) {
        client.getDatabase(ORDERS.database()).drop();
        for (int i = 0; i < 200; i++) {
            client.getDatabase(ORDERS.database()).getCollection(ORDERS.collection())
                    .insertOne(new Document("_id", i).append("region", "r" + (i % 7)).append("total", i * 1.25));
        }
    }

    private static void clear(MongoClient destination) {
        destination.getDatabase(ORDERS.database()).drop();
        destination.getDatabase("__livemigrate").drop();
    }

    private static BsonDocument shardKey(MongoClient mongos) {
        BsonDocument entry = mongos.getDatabase("config").getCollection("collections", BsonDocument.class)
                .find(new BsonDocument("_id", new BsonString(ORDERS.fullName()))).first();
        assertThat(entry).as("%s sharded on the destination", ORDERS).isNotNull();
        return entry.getDocument("key");
    }

    private static MigrationSpec.Builder spec(String id, String source, String destination) {
        return MigrationSpec.builder().migrationId("lmit-shard-" + id).source(source).destination(destination)
                .include(ORDERS.database() + ".*").continuousSync(false);
    }
}
