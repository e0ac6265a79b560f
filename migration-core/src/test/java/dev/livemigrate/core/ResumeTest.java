package dev.livemigrate.core;

import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import dev.livemigrate.ConfigurationException;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationReport;
import dev.livemigrate.MigrationSession;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.MigrationState;
import dev.livemigrate.Migrations;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.testing.EmbeddedMongo;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.livemigrate.core.testing.DataAssertions.assertSameDocuments;
import static dev.livemigrate.core.testing.DataAssertions.indexes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class ResumeTest {

    private static final List<String> NAMESPACES = List.of("shop.orders", "shop.items", "crm.contacts");

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    void resumesAStoppedCopyWithoutLosingOrDuplicatingDocuments() {
        long total = seed();
        MigrationSpec spec = spec("resume-1");

        for (long stopAfter : new long[] {1_000, 8_000, 15_000}) {
            MigrationSession session = Migrations.start(spec);
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(2))
                    .until(() -> session.progress().copiedDocuments() >= stopAfter || session.state().isTerminal());
            session.close();
            assertThat(session.state()).isEqualTo(MigrationState.STOPPED);
            assertThat(destinationCount()).isLessThan(total);
        }

        MigrationReport report = Migrations.run(spec, Duration.ofMinutes(2));

        assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
        for (String ns : NAMESPACES) {
            assertSameDocuments(source.client(), Namespace.parse(ns), destination.client(), Namespace.parse(ns));
        }
        assertThat(indexes(destination.client(), Namespace.parse("shop.orders")))
                .isEqualTo(indexes(source.client(), Namespace.parse("shop.orders")));
        assertThat(report.copiedDocuments()).isEqualTo(total);
        assertThat(report.collectionsCopied()).isEqualTo(3);
    }

    @Test
    void refusesToResumeWithOtherNamespaceRules() {
        seedSmall();
        MigrationSession session = Migrations.start(spec("resume-2"));
        session.close();

        assertThatThrownBy(() -> Migrations.start(MigrationSpec.builder(spec("resume-2")).exclude("crm.*").build()))
                .isInstanceOfSatisfying(ConfigurationException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.MIGRATION_ID_CONFLICT))
                .hasMessageContaining("resume-2");
    }

    @Test
    void refusesToRunACompletedMigrationAgain() {
        seedSmall();
        Migrations.run(spec("resume-3"), Duration.ofMinutes(1));

        assertThatThrownBy(() -> Migrations.start(spec("resume-3")))
                .isInstanceOfSatisfying(ConfigurationException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.MIGRATION_ID_CONFLICT))
                .hasMessageContaining("already completed");
    }

    private MigrationSpec spec(String id) {
        return MigrationSpec.builder()
                .migrationId(id)
                .source(source.connectionString())
                .destination(destination.connectionString())
                .continuousSync(false)
                .partitionSizeBytes(128 * 1024)
                .batchSizeBytes(16 * 1024)
                .copyParallelism(2)
                .build();
    }

    private long seed() {
        long total = 0;
        for (String ns : NAMESPACES) {
            Namespace n = Namespace.parse(ns);
            List<BsonDocument> docs = new ArrayList<>();
            for (int i = 0; i < 8_000; i++) {
                docs.add(new BsonDocument("_id", i % 2 == 0 ? new BsonInt32(i) : new BsonString("k" + i))
                        .append("payload", new BsonString("p".repeat(200 + i % 50))));
            }
            source.client().getDatabase(n.database()).getCollection(n.collection(), BsonDocument.class).insertMany(docs);
            total += docs.size();
        }
        source.client().getDatabase("shop").getCollection("orders").createIndex(Indexes.ascending("payload"),
                new IndexOptions().name("by_payload"));
        return total;
    }

    private void seedSmall() {
        for (String ns : NAMESPACES) {
            Namespace n = Namespace.parse(ns);
            source.client().getDatabase(n.database()).getCollection(n.collection(), BsonDocument.class)
                    .insertOne(new BsonDocument("_id", new BsonInt32(1)));
        }
    }

    private long destinationCount() {
        long count = 0;
        for (String ns : NAMESPACES) {
            Namespace n = Namespace.parse(ns);
            count += destination.client().getDatabase(n.database()).getCollection(n.collection()).countDocuments();
        }
        return count;
    }
}
