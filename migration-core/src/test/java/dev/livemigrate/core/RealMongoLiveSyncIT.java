package dev.livemigrate.core;

import dev.livemigrate.MigrationSession;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.MigrationState;
import dev.livemigrate.Migrations;
import dev.livemigrate.core.testing.RealClusters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Live sync against real MongoDB: a cluster-wide change stream, diff-mode updates, expanded DDL events
 * from 6.0. Skipped without Docker or clusters named by the environment.
 */
class RealMongoLiveSyncIT {

    @RegisterExtension
    static final RealClusters clusters = new RealClusters();

    @Test
    void followsAConcurrentWriterAndConverges() throws Exception {
        SourceWriter writer = new SourceWriter(clusters.sourceClient(), "it_live", 7, 5000);
        writer.seed(400);
        writer.startInBackground();
        try (MigrationSession session = Migrations.start(MigrationSpec.builder().migrationId("it-live")
                .source(clusters.source()).destination(clusters.destination()).include("it_live.*")
                .partitionSizeBytes(16 * 1024).build())) {
            writer.awaitAllWritten();
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                assertThat(session.state()).isIn(MigrationState.SYNCING, MigrationState.READY_TO_CUTOVER);
                assertThat(session.progress().lag()).isEqualTo(Duration.ZERO);
                LiveSyncTest.assertSameDatabase(clusters.sourceClient(), clusters.destinationClient(), "it_live");
            });
        }
    }
}
