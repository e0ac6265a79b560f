package dev.livemigrate.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livemigrate.MigrationState;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The API's status for each of the engine's states (mongosync's and Atlas's names). */
class MigrationViewTest {

    @Test
    void mapsEveryEngineStateToTheApisStatus() {
        ManagedMigration m = new ManagedMigration("m", null, Instant.EPOCH, MigrationState.CREATED);
        Map<MigrationState, String> statuses = new EnumMap<>(MigrationState.class);
        for (MigrationState state : MigrationState.values()) {
            statuses.put(state, MigrationView.status(state, m));
        }
        assertThat(statuses).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                Map.entry(MigrationState.CREATED, "NEW"),
                Map.entry(MigrationState.VALIDATING, "NEW"),
                Map.entry(MigrationState.COPYING, "WORKING"),
                Map.entry(MigrationState.SYNCING, "WORKING"),
                Map.entry(MigrationState.READY_TO_CUTOVER, "WORKING"),
                Map.entry(MigrationState.PAUSED, "PAUSED"),
                Map.entry(MigrationState.CUTTING_OVER, "WORKING"),
                Map.entry(MigrationState.FINALIZING, "WORKING"),
                Map.entry(MigrationState.VERIFYING, "WORKING"),
                Map.entry(MigrationState.COMPLETED, "COMPLETE"),
                Map.entry(MigrationState.CANCELLED, "CANCELLED"),
                Map.entry(MigrationState.EXPIRED, "EXPIRED"),
                Map.entry(MigrationState.FAILED, "FAILED"),
                Map.entry(MigrationState.STOPPED, "NEW"))); // nothing runs it yet: the server is resuming it
        m.failure = new ManagedMigration.Failure("DESTINATION_UNREACHABLE", "cannot log in");
        assertThat(MigrationView.status(MigrationState.STOPPED, m)).isEqualTo("FAILED"); // resuming it failed
    }

    @Test
    void aStoppedMigrationShowsWhyItCouldNotBeResumed() {
        ManagedMigration m = new ManagedMigration("m", MigrationBody.parse(JsonSupport.parse(
                "{\"source\": {\"uri\": \"mongodb://a\"}, \"destination\": {\"uri\": \"mongodb://u:pw@b\"}}".getBytes())),
                Instant.EPOCH, MigrationState.SYNCING);
        m.failure = new ManagedMigration.Failure("DESTINATION_UNREACHABLE", "mongodb://u:pw@b cannot be used");
        ObjectNode view = MigrationView.of(m);
        assertThat(view.path("state").asText()).isEqualTo("STOPPED");
        assertThat(view.path("status").asText()).isEqualTo("FAILED");
        assertThat(view.path("error").path("code").asText()).isEqualTo("DESTINATION_UNREACHABLE");
        assertThat(view.toString()).doesNotContain(":pw@").contains("mongodb://u:<hidden>@b cannot be used");
        assertThat(view.path("progress").isNull()).isTrue();
        assertThat(view.path("lagTimeSeconds").isNull()).isTrue();
    }

    @Test
    void aPushMigrationShowsItsSourceWithThePasswordHidden() {
        ManagedMigration m = new ManagedMigration("m", MigrationBody.parse(JsonSupport.parse(("{\"source\": {\"orgId\": \"acme\","
                + " \"projectId\": \"5e2211c17a3e5a48f5497de3\", \"clusterName\": \"shop\", \"migrationHost\": \"host-a\","
                + " \"username\": \"migrator\", \"password\": \"s3cret\"}, \"destination\": {\"uri\": \"mongodb://u:pw@b\"}}").getBytes())),
                Instant.EPOCH, MigrationState.SYNCING);
        ObjectNode view = MigrationView.of(m);
        assertThat(view.path("migration").path("source").toString()).isEqualTo("{\"orgId\":\"acme\",\"projectId\":"
                + "\"5e2211c17a3e5a48f5497de3\",\"clusterName\":\"shop\",\"migrationHost\":\"host-a\",\"username\":\"migrator\","
                + "\"password\":\"<hidden>\"}");
        assertThat(view.toString()).doesNotContain("s3cret", ":pw@");
    }
}
