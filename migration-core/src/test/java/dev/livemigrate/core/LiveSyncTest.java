package dev.livemigrate.core;

import com.mongodb.client.MongoClient;
import dev.livemigrate.MigrationSession;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.MigrationState;
import dev.livemigrate.Migrations;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.state.MetadataStore;
import dev.livemigrate.core.sync.IndexRelaxation;
import dev.livemigrate.core.testing.EmbeddedMongo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.livemigrate.core.testing.DataAssertions.assertSameDocuments;
import static dev.livemigrate.core.testing.DataAssertions.indexes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class LiveSyncTest {

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    void followsWritesMadeBeforeDuringAndAfterTheCopy() throws Exception {
        SourceWriter writer = new SourceWriter(source.client(), "live", 1, 1500);
        writer.seed(400);
        Thread writing = new Thread(writer);
        writing.start();
        await().until(() -> writer.done.get() > 100);

        try (MigrationSession session = Migrations.start(spec("live-1").build())) {
            writing.join();
            awaitConverged(session, "live");
            assertThat(session.progress().eventsApplied()).isPositive();
            assertRestoredIndexesMatch("live-1", "live");
        }
    }

    static MigrationSpec.Builder specFor(EmbeddedMongo source, EmbeddedMongo destination, String id) {
        return MigrationSpec.builder().migrationId(id).source(source.connectionString()).destination(destination.connectionString())
                .partitionSizeBytes(8 * 1024).batchSizeBytes(16 * 1024).applyLanes(8);
    }

    private MigrationSpec.Builder spec(String id) {
        return specFor(source, destination, id);
    }

    /** Waits until lag is zero and every source collection of the database equals its copy byte for byte. */
    void awaitConverged(MigrationSession session, String database) {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(session.state()).isEqualTo(MigrationState.SYNCING);
            assertThat(session.progress().lag()).isEqualTo(Duration.ZERO);
            assertSameDatabase(source.client(), destination.client(), database);
        });
    }

    static void assertSameDatabase(MongoClient source, MongoClient destination, String database) {
        List<String> names = source.getDatabase(database).listCollectionNames().into(new ArrayList<>());
        assertThat(destination.getDatabase(database).listCollectionNames().into(new ArrayList<>()))
                .containsExactlyInAnyOrderElementsOf(names);
        for (String c : names) {
            Namespace ns = new Namespace(database, c);
            assertSameDocuments(source, ns, destination, ns);
        }
    }

    /** Restores the relaxed indexes as cutover will, then compares every index definition. */
    void assertRestoredIndexesMatch(String migrationId, String database) {
        Map<Namespace, List<org.bson.BsonDocument>> relaxed = new MetadataStore(destination.client()).relaxedIndexes(migrationId);
        assertThat(relaxed).isNotEmpty();
        relaxed.forEach((ns, originals) -> {
            IndexRelaxation.RestoreReport report = IndexRelaxation.restore(destination.client(), ns, originals);
            assertThat(report.conflicts()).isEmpty();
        });
        for (String c : source.client().getDatabase(database).listCollectionNames()) {
            Namespace ns = new Namespace(database, c);
            assertThat(indexes(destination.client(), ns)).as("indexes of %s", ns).isEqualTo(indexes(source.client(), ns));
        }
    }
}
