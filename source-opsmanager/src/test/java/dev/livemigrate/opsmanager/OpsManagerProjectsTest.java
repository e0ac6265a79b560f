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
import static org.assertj.core.api.Assertions.tuple;

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
    void sumsTheDataSizeMonitoringMeasuredAtEachReplicaSetsPrimary() throws Exception {
        Document primary = host("db2.example.net", 27017, "rs0", false).append("typeName", "REPLICA_PRIMARY")
                .append("replicaStateName", "PRIMARY");
        Document mongos = host("router1.example.net", 27016, null, false).append("typeName", "SHARD_MONGOS");
        Document config = host("cfg1.example.net", 27019, "cfg", false).append("typeName", "SHARD_CONFIG_PRIMARY");
        Document shard0 = host("shard0.example.net", 27018, "sh0", false).append("typeName", "SHARD_PRIMARY");
        Document shard1 = host("shard1.example.net", 27018, "sh1", false).append("typeName", "SHARD_SECONDARY");
        try (FakeOpsManager opsManager = new FakeOpsManager(PUBLIC_KEY, PRIVATE_KEY, PROJECT)
                .cluster("orders", "rs0", "REPLICA_SET", List.of(host("db1.example.net", 27017, "rs0", false), primary))
                .cluster("events", null, "SHARDED_REPLICA_SET", List.of(mongos, config, shard0, shard1))
                .cluster("archive", "rs1", "REPLICA_SET", List.of(host("db9.example.net", 27017, "rs1", false)))
                // the primary's figure, not a secondary's
                .measurement("db1.example.net", 27017, "DB_DATA_SIZE_TOTAL", "BYTES", 1)
                .measurement("db2.example.net", 27017, "DB_DATA_SIZE_TOTAL", "BYTES", 7_516_192_768.0)
                .measurement("db2.example.net", 27017, "DB_STORAGE_TOTAL", "BYTES", 2_147_483_648.0)
                // each shard's, not the config servers' or the router's
                .measurement("router1.example.net", 27016, "DB_DATA_SIZE_TOTAL", "BYTES", 5)
                .measurement("cfg1.example.net", 27019, "DB_DATA_SIZE_TOTAL", "BYTES", 7)
                .measurement("shard0.example.net", 27018, "DB_DATA_SIZE_TOTAL", "BYTES", 1_000_000)
                .measurement("shard1.example.net", 27018, "DB_DATA_SIZE_TOTAL", "BYTES", 234_567)
                // archive: Monitoring measured nothing
                .measurement("db9.example.net", 27017, "CONNECTIONS", "SCALAR", 12)) {

            OpsManagerProjects.Project project = OpsManagerProjects.describe(opsManager.baseUrl(), PUBLIC_KEY, PRIVATE_KEY, PROJECT);

            assertThat(project.deployments()).extracting(OpsManagerProjects.Deployment::name, OpsManagerProjects.Deployment::dbSizeBytes)
                    .containsExactly(tuple("orders", 7_516_192_768L), tuple("events", 1_234_567L), tuple("archive", null));
            assertThat(opsManager.requests).filteredOn(r -> r.contains("/measurements") && r.endsWith("-> 200"))
                    .containsExactly(
                            measured("db2.example.net-27017"),
                            measured("shard0.example.net-27018"), measured("shard1.example.net-27018"),
                            measured("db9.example.net-27017"));
        }
    }

    private static String measured(String host) {
        return "GET /api/public/v1.0/groups/" + PROJECT + "/hosts/host-" + host + "/measurements?granularity=PT5M&period=PT1H"
                + "&m=DB_DATA_SIZE_TOTAL auth=true -> 200";
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
