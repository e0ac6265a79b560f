package dev.livemigrate.opsmanager;

import dev.livemigrate.MigrationSpec;
import dev.livemigrate.Migrations;
import dev.livemigrate.SourceSettings;
import dev.livemigrate.ValidationFinding;
import dev.livemigrate.ValidationReport;
import dev.livemigrate.core.testing.EmbeddedMongo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.util.List;

import static dev.livemigrate.opsmanager.FakeOpsManager.host;
import static dev.livemigrate.opsmanager.OpsManagerSourceProviderTest.PRIVATE_KEY;
import static dev.livemigrate.opsmanager.OpsManagerSourceProviderTest.PROJECT;
import static dev.livemigrate.opsmanager.OpsManagerSourceProviderTest.PUBLIC_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code ops-manager} source's own findings, through {@link Migrations#validate} on an embedded source a fake Ops
 * Manager names: the MongoDB Agent automation runs (the automation configuration's {@code agentVersion.name}) older
 * than live migration needs is a WARNING; a CA file missing on this host is an ERROR.
 */
class AgentVersionCheckTest {

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    void warnsWhenAutomationRunsAnAgentOlderThanOpsManagerNeeds() throws Exception {
        assertThat(agentFindings("12.0.10.7591-1", true)).containsExactly(ValidationFinding.warning(AgentVersionCheck.CODE,
                "the MongoDB Agent managing cluster 'shop' is 12.0.10.7591-1, older than 12.0.11.7606, the oldest Ops Manager"
                        + " supports for live migration",
                "upgrade the MongoDB Agent (Ops Manager: Deployment, Agents) to 12.0.11.7606 or later before migrating"));
        assertThat(agentFindings("12.0.9.7600-1", true)).as("12.0.9 is older than 12.0.11: by number, not by text").hasSize(1);
        assertThat(agentFindings("12.0.11.7606-1", true)).isEmpty();
        assertThat(agentFindings("12.0.10.7591-1", false)).as("not managed: no agent to check").isEmpty();
    }

    @Test
    void cloudManagerNeedsANewerAgent() {
        assertThat(AgentVersionCheck.isCloudManager(URI.create("https://cloud.mongodb.com/"))).isTrue();
        assertThat(AgentVersionCheck.isCloudManager(URI.create("https://opsmanager.example.com:8443/"))).isFalse();
        assertThat(new AgentVersionCheck("shop", "12.4.9.7700", true).validate(null)).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("older than 12.5.0.7713, the oldest Cloud Manager supports"));
        assertThat(new AgentVersionCheck("shop", "12.4.9.7700", false).validate(null)).isEmpty();
        assertThat(new AgentVersionCheck("shop", "12.5.0.7713", true).validate(null)).isEmpty();
        assertThat(AgentVersionCheck.compare("12.0.9.7600", "12.0.11.7606")).isNegative(); // by number, not by text
    }

    @Test
    void aCaFileMissingOnThisHostIsAnError() throws Exception {
        try (FakeOpsManager opsManager = opsManager("12.0.11.7606-1", true)) {
            SourceSettings settings = SourceSettings.builder(settings(opsManager)).property(OpsManagerSourceProvider.CA_FILE,
                    "/nonexistent/livemigrate-ca.pem").build();
            ValidationReport report = Migrations.validate(MigrationSpec.builder().source(settings)
                    .destination(destination.connectionString()).build());
            assertThat(report.errors()).extracting(ValidationFinding::code).containsExactly("CA_FILE_UNREADABLE");
            assertThat(report.errors().get(0).message()).contains("/nonexistent/livemigrate-ca.pem");
        }
    }

    private List<ValidationFinding> agentFindings(String agentVersion, boolean managed) throws Exception {
        try (FakeOpsManager opsManager = opsManager(agentVersion, managed)) {
            ValidationReport report = Migrations.validate(MigrationSpec.builder().source(settings(opsManager))
                    .destination(destination.connectionString()).build());
            return report.findings().stream().filter(f -> f.code().equals(AgentVersionCheck.CODE)).toList();
        }
    }

    private FakeOpsManager opsManager(String agentVersion, boolean managed) throws Exception {
        FakeOpsManager opsManager = new FakeOpsManager(PUBLIC_KEY, PRIVATE_KEY, PROJECT)
                .cluster("shop", null, "REPLICA_SET", List.of(host("127.0.0.1", source.port(), null, false)));
        return opsManager.automation(agentVersion, "7.0.12", "7.0", null, managed ? "127.0.0.1:" + source.port() : "elsewhere:27017");
    }

    private static SourceSettings settings(FakeOpsManager opsManager) {
        return SourceSettings.builder().kind(OpsManagerSourceProvider.KIND)
                .property(OpsManagerSourceProvider.BASE_URL, opsManager.baseUrl())
                .property(OpsManagerSourceProvider.PUBLIC_KEY, PUBLIC_KEY)
                .property(OpsManagerSourceProvider.PRIVATE_KEY, PRIVATE_KEY)
                .property(OpsManagerSourceProvider.PROJECT_ID, PROJECT)
                .property(OpsManagerSourceProvider.CLUSTER_NAME, "shop").build();
    }
}
