package dev.livemigrate.verify;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import dev.livemigrate.MigrationReport;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.MigrationState;
import dev.livemigrate.Migrations;
import dev.livemigrate.Namespace;
import dev.livemigrate.NamespaceVerification;
import dev.livemigrate.NamespaceVerification.Mismatch;
import dev.livemigrate.NamespaceVerification.Mismatch.Kind;
import dev.livemigrate.VerificationReport;
import dev.livemigrate.core.testing.TwoShardCluster;
import org.bson.BsonInt32;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * #18 item 1 on a real sharded source ({@link TwoShardCluster}): a collection sharded on {@code {k: 1}}, not on
 * {@code _id}, split at {@code k: 0} with each chunk on its own shard, holds two documents with {@code _id: 1}, one on
 * each shard. MongoDB accepts both: "if the _id field is not the shard key, the uniqueness constraint only applies to
 * the shard that stores the document. This means that two or more documents can have the same _id value, provided they
 * occur on different shards" (https://www.mongodb.com/docs/manual/core/sharding-shard-key-indexes/, and
 * https://www.mongodb.com/docs/manual/tutorial/maintain-uniqueness-in-sharded-clusters/); the second insert succeeds
 * only because the two documents are on different shards. A one-time copy to a replica set can keep only one of them
 * (the other is refused as a duplicate key, which the copy skips as already copied). Verification must then say
 * DIFFERENT, with the counts (2 vs 1) and the {@code _id} of the document it cannot find on the destination.
 * <b>Written without a Docker engine and never run yet.</b>
 */
class ShardedDuplicateIdIT {

    @RegisterExtension
    static final TwoShardCluster cluster = new TwoShardCluster("shdup");

    @Test
    void twoDocumentsWithOneIdOnTwoShardsAreDifferentFromTheOneCopyMigrated() {
        Namespace things = new Namespace(cluster.database("app"), "things");
        List<String> shards = cluster.shardAcrossTwoShards(things, "k", 0);
        assertThat(shards.get(0)).isNotEqualTo(shards.get(1));
        MongoCollection<Document> source = cluster.sourceClient().getDatabase(things.database()).getCollection(things.collection());
        source.insertOne(new Document("_id", 1).append("k", -5)); // on the lower chunk's shard
        source.insertOne(new Document("_id", 1).append("k", 5)); // on the other: accepted, no duplicate key there
        assertThat(source.countDocuments(Filters.eq("_id", 1))).as("documents with _id 1 through the mongos").isEqualTo(2);
        MigrationSpec spec = MigrationSpec.builder().migrationId(cluster.migrationId("dup")).source(cluster.source())
                .destination(cluster.destination()).include(things.database() + ".*").continuousSync(false).build();

        MigrationReport migration = Migrations.run(spec, Duration.ofMinutes(5));
        VerificationReport verification = Migrations.verify(spec);

        assertThat(migration.state()).isEqualTo(MigrationState.COMPLETED);
        assertThat(cluster.destinationClient().getDatabase(things.database()).getCollection(things.collection())
                .countDocuments(Filters.eq("_id", 1))).as("documents with _id 1 on the replica set").isEqualTo(1);
        assertThat(verification.verifiers()).contains("count", "hash");
        assertThat(MigrationReport.Verification.of(verification)).as(verification.summary())
                .isEqualTo(MigrationReport.Verification.DIFFERENT);
        assertThat(verification.namespaces()).hasSize(1);
        NamespaceVerification result = verification.namespaces().get(0);
        assertThat(result.source()).isEqualTo(things);
        assertThat(result.sourceDocuments()).isEqualTo(2);
        assertThat(result.destinationDocuments()).isEqualTo(1);
        assertThat(result.documentsHashed()).isEqualTo(2);
        assertThat(result.mismatchTotal()).isEqualTo(1);
        assertThat(result.mismatches()).containsExactly(new Mismatch(Kind.MISSING, new BsonInt32(1)));
        assertThat(result.equal()).isFalse();
        assertThat(verification.differences()).containsExactly(
                things + " has 2 documents, " + things + " has 1",
                things + " -> " + things + ": 1 document(s) differ: missing 1");
    }
}
