package dev.livemigrate.opsmanager;

import dev.livemigrate.ConfigurationException;
import dev.livemigrate.ErrorCode;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.livemigrate.opsmanager.FakeOpsManager.host;
import static dev.livemigrate.opsmanager.OpsManagerSourceProviderTest.PRIVATE_KEY;
import static dev.livemigrate.opsmanager.OpsManagerSourceProviderTest.PROJECT;
import static dev.livemigrate.opsmanager.OpsManagerSourceProviderTest.PUBLIC_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The report of a project's clusters a migration host sends to the control plane, read from a fake Ops Manager. */
class OpsManagerProjectsTest {

    @Test
    void describesEachClusterWithWhatAutomationSaysOfTheManagedOne() throws Exception {
        Document mongos = host("router1.example.net", 27016, null, true).append("typeName", "SHARD_MONGOS").append("version", "6.0.16");
        Document shard = host("shard1.example.net", 27018, "sh0", true).append("typeName", "SHARD_PRIMARY").append("version", "6.0.15");
        try (FakeOpsManager opsManager = new FakeOpsManager(PUBLIC_KEY, PRIVATE_KEY, PROJECT)
                .cluster("orders", "rs0", "REPLICA_SET", List.of(host("db1.example.net", 27017, "rs0", false),
                        host("db2.example.net", 27017, "rs0", false), host("db3.example.net", 27017, "rs0", false)))
                .cluster("events", null, "SHARDED_REPLICA_SET", List.of(shard, mongos))
                .automation("12.0.10.7591-1", "7.0.12", "7.0", 2048, "db2.example.net:27017")) {

            OpsManagerProjects.Project project = OpsManagerProjects.describe(opsManager.baseUrl(), PUBLIC_KEY, PRIVATE_KEY, PROJECT);

            assertThat(project.projectId()).isEqualTo(PROJECT);
            assertThat(project.name()).isEqualTo("Shop (production)");
            assertThat(project.deployments()).containsExactly(
                    new OpsManagerProjects.Deployment("5e0000000000000000000001", "orders", "7.0.12", "7.0", "12.0.10.7591-1",
                            null, 2048, false, false, true),
                    // the version a mongos reports; no automation process on its hosts: not managed, no FCV, no agent
                    new OpsManagerProjects.Deployment("5e0000000000000000000002", "events", "6.0.16", null, null,
                            null, null, true, true, false));
        }
    }

    @Test
    void aRefusedKeyIsTheSourcesCode() throws Exception {
        try (FakeOpsManager opsManager = new FakeOpsManager(PUBLIC_KEY, PRIVATE_KEY, PROJECT)) {
            assertThatThrownBy(() -> OpsManagerProjects.describe(opsManager.baseUrl(), PUBLIC_KEY, "wrong-key", PROJECT))
                    .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo(ErrorCode.OPS_MANAGER_UNAUTHORIZED);
                        assertThat(e.getMessage()).doesNotContain("wrong-key");
                    });
        }
    }
}
