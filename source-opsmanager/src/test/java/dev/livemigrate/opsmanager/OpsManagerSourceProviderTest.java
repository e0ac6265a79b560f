package dev.livemigrate.opsmanager;

import com.mongodb.MongoCredential;
import com.mongodb.MongoClientSettings;
import com.mongodb.ServerAddress;
import dev.livemigrate.ConfigurationException;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.SourceSettings;
import dev.livemigrate.spi.Source;
import dev.livemigrate.spi.SourceProvider;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The {@code ops-manager} provider against {@link FakeOpsManager} (replies in the documented shapes, each page cited
 * there): digest authentication checked by the server, paging, the connection string, and every coded failure with
 * no private key or password in it.
 */
class OpsManagerSourceProviderTest {

    static final String PUBLIC_KEY = "ykcmzqbd";
    static final String PRIVATE_KEY = "3b7f1c2e-9d4a-4e55-8a61-0c2f9e8d7b10";
    static final String PASSWORD = "p@ss w0rd:/secret";
    static final String PROJECT = "5e2211c17a3e5a48f5497de3";

    private FakeOpsManager opsManager;

    @BeforeEach
    void start() throws IOException {
        opsManager = new FakeOpsManager(PUBLIC_KEY, PRIVATE_KEY, PROJECT)
                .cluster("analytics", "rs-analytics", "REPLICA_SET", List.of(host("other.example.net", 27017, "rs-analytics", false)))
                .cluster("orders", "rs0", "REPLICA_SET", List.of(host("node1.example.net", 27017, "rs0", true),
                        host("node2.example.net", 27018, "rs0", true), host("node3.example.net", 27019, "rs0", true)));
    }

    @AfterEach
    void stop() {
        opsManager.close();
    }

    @Test
    void serviceLoaderFindsTheProvider() {
        assertThat(ServiceLoader.load(SourceProvider.class).stream().map(ServiceLoader.Provider::type))
                .contains(OpsManagerSourceProvider.class);
    }

    @Test
    void resolvesEveryMemberOverTwoPagesWithReplicaSetTlsAndCredentials() {
        Source source = new OpsManagerSourceProvider().open(settings("orders", PRIVATE_KEY).build());

        MongoClientSettings client = source.clientSettings();
        assertThat(client.getClusterSettings().getHosts()).containsExactly(new ServerAddress("node1.example.net", 27017),
                new ServerAddress("node2.example.net", 27018), new ServerAddress("node3.example.net", 27019));
        assertThat(client.getClusterSettings().getRequiredReplicaSetName()).isEqualTo("rs0");
        assertThat(client.getSslSettings().isEnabled()).isTrue();
        MongoCredential credential = client.getCredential();
        assertThat(credential.getUserName()).isEqualTo("migrator");
        assertThat(credential.getSource()).isEqualTo("admin");
        assertThat(new String(credential.getPassword())).isEqualTo(PASSWORD);
        assertThat(source.description()).isEqualTo("ops-manager project " + PROJECT + " cluster orders: mongodb://migrator:<hidden>"
                + "@node1.example.net:27017,node2.example.net:27018,node3.example.net:27019/?replicaSet=rs0&tls=true&authSource=admin");
        // one challenge, then every call (clusters, hosts page 1, hosts page 2, the automation configuration for the
        // agent's version) authenticated on the same nonce
        assertThat(opsManager.requests).hasSize(5).allMatch(r -> r.endsWith(" -> 200") || r.endsWith("auth=false -> 401"));
        assertThat(opsManager.requests.get(3)).contains("/hosts?clusterId=").contains("pageNum=2");
        assertThat(opsManager.requests.get(4)).contains("/automationConfig");
    }

    @Test
    void aShardedClusterIsReachedThroughItsMongosHostsWithoutReplicaSet() {
        opsManager.cluster("sharded", null, "SHARDED_REPLICA_SET", List.of(
                host("cfg1.example.net", 27019, "cfg", false).append("typeName", "SHARD_CONFIG_PRIMARY"),
                host("mongos1.example.net", 27017, null, false).append("typeName", "SHARD_MONGOS"),
                host("shard1.example.net", 27018, "shard-1", false).append("typeName", "SHARD_PRIMARY"),
                host("mongos2.example.net", 27017, null, false).append("typeName", "SHARD_MONGOS")));

        Source source = new OpsManagerSourceProvider().open(settings("sharded", PRIVATE_KEY).build());

        assertThat(source.clientSettings().getClusterSettings().getHosts()).containsExactly(
                new ServerAddress("mongos1.example.net", 27017), new ServerAddress("mongos2.example.net", 27017));
        assertThat(source.clientSettings().getClusterSettings().getRequiredReplicaSetName()).isNull();
    }

    @Test
    void answersASha256Challenge() {
        opsManager.algorithm("SHA-256");

        Source source = new OpsManagerSourceProvider().open(settings("analytics", PRIVATE_KEY).build());

        assertThat(source.clientSettings().getClusterSettings().getHosts()).containsExactly(new ServerAddress("other.example.net", 27017));
        assertThat(source.description()).endsWith("/?replicaSet=rs-analytics&authSource=admin");
    }

    @Test
    void aWrongPrivateKeyIsRefusedWithTheCoded401AndNoKey() {
        String wrong = "00000000-1111-2222-3333-444444444444";

        ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
                () -> new OpsManagerSourceProvider().open(settings("orders", wrong).build()));

        assertThat(e.errorCode()).isEqualTo(ErrorCode.OPS_MANAGER_UNAUTHORIZED);
        assertThat(e.getMessage()).contains("refused the API key " + PUBLIC_KEY + " (401 USER_UNAUTHORIZED")
                .contains("check the public and private key").doesNotContain(wrong, PRIVATE_KEY, PASSWORD);
        assertThat(e.getCause()).isNull();
    }

    @Test
    void anUnknownProjectIsTheCoded404() {
        ConfigurationException e = catchThrowableOfType(ConfigurationException.class, () -> new OpsManagerSourceProvider()
                .open(settings("orders", PRIVATE_KEY).property(OpsManagerSourceProvider.PROJECT_ID, "5e0000000000000000000000").build()));

        assertThat(e.errorCode()).isEqualTo(ErrorCode.OPS_MANAGER_PROJECT_NOT_FOUND);
        assertThat(e.getMessage()).contains("found no project 5e0000000000000000000000 (404 GROUP_NOT_FOUND")
                .doesNotContain(PRIVATE_KEY, PASSWORD);
    }

    @Test
    void anUnknownClusterIsCodedAndNamesTheClustersThatExist() {
        ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
                () -> new OpsManagerSourceProvider().open(settings("ordrs", PRIVATE_KEY).build()));

        assertThat(e.errorCode()).isEqualTo(ErrorCode.OPS_MANAGER_CLUSTER_NOT_FOUND);
        assertThat(e.getMessage()).isEqualTo("[OPS_MANAGER_CLUSTER_NOT_FOUND] project " + PROJECT + " has no cluster named 'ordrs'; it has 'analytics', 'orders': "
                + "give one of these as clusterName");
    }

    @Test
    void aRateLimitIsWaitedOutThenResolved() {
        opsManager.rateLimit(2, "1");

        Source source = new OpsManagerSourceProvider().open(settings("orders", PRIVATE_KEY).build());

        assertThat(source.clientSettings().getClusterSettings().getHosts()).hasSize(3);
        assertThat(opsManager.requests).filteredOn(r -> r.endsWith("-> 429")).hasSize(2);
    }

    @Test
    void aRateLimitThatOutlastsTheRetriesIsCoded() {
        opsManager.rateLimit(100, "0");

        ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
                () -> new OpsManagerSourceProvider().open(settings("orders", PRIVATE_KEY).build()));

        assertThat(e.errorCode()).isEqualTo(ErrorCode.OPS_MANAGER_UNREACHABLE);
        assertThat(e.getMessage()).contains("kept answering 429 (too many requests) after 3 retries RATE_LIMITED");
        assertThat(opsManager.requests).filteredOn(r -> r.endsWith("-> 429")).hasSize(1 + OpsManagerApi.RATE_LIMIT_RETRIES);
    }

    @Test
    void anUnreachableOpsManagerIsCoded() {
        String base = opsManager.baseUrl();
        opsManager.close();

        ConfigurationException e = catchThrowableOfType(ConfigurationException.class, () -> new OpsManagerSourceProvider()
                .open(settings("orders", PRIVATE_KEY).property(OpsManagerSourceProvider.BASE_URL, base).build()));

        assertThat(e.errorCode()).isEqualTo(ErrorCode.OPS_MANAGER_UNREACHABLE);
        assertThat(e.getMessage()).startsWith("[OPS_MANAGER_UNREACHABLE] could not reach Ops Manager at " + base + "/api/public/v1.0/groups/" + PROJECT + "/clusters");
    }

    @Test
    void aMissingSettingIsNamed() {
        SourceSettings noCluster = SourceSettings.builder().kind("ops-manager").property("baseUrl", opsManager.baseUrl())
                .property("publicKey", PUBLIC_KEY).property("privateKey", PRIVATE_KEY).property("projectId", PROJECT).build();

        ConfigurationException e = catchThrowableOfType(ConfigurationException.class, () -> new OpsManagerSourceProvider().open(noCluster));

        assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_SPEC);
        assertThat(e.getMessage()).startsWith("[INVALID_SPEC] the ops-manager source has no clusterName: set it");
    }

    @Test
    void thePrivateKeyAndThePasswordNeverPrint() {
        SourceSettings settings = settings("orders", PRIVATE_KEY).build();
        assertThat(settings.toString()).doesNotContain(PRIVATE_KEY, PASSWORD).contains("privateKey=<hidden>", "password=<hidden>");

        // slf4j-simple writes to the System.err of the moment: capture what resolving, a 429 and a refusal log
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        Source source;
        ConfigurationException refused;
        try {
            opsManager.rateLimit(1, "0");
            source = new OpsManagerSourceProvider().open(settings);
            refused = catchThrowableOfType(ConfigurationException.class,
                    () -> new OpsManagerSourceProvider().open(settings("orders", "wrong-" + PRIVATE_KEY).build()));
        } finally {
            System.setErr(stderr);
        }

        String logged = log.toString(StandardCharsets.UTF_8);
        assertThat(logged).contains("resolved ops-manager project " + PROJECT + " cluster orders: mongodb://migrator:<hidden>@")
                .contains("answered 429").doesNotContain(PRIVATE_KEY, PASSWORD, "p%40ss");
        assertThat(source.description()).doesNotContain(PRIVATE_KEY, PASSWORD, "p%40ss");
        assertThat(source.toString()).doesNotContain(PRIVATE_KEY, PASSWORD);
        assertThat(refused.errorCode()).isEqualTo(ErrorCode.OPS_MANAGER_UNAUTHORIZED);
        assertThat(refused.getMessage()).doesNotContain(PRIVATE_KEY, PASSWORD);
    }

    /** The credentials automation manages are used for a managed cluster when no user is typed; a typed one wins. */
    @Test
    void aManagedClusterIsReachedAsTheUserAutomationManagesUnlessAUserIsGiven() {
        opsManager.automation("13.10.0.8620-1", "7.0.12", "7.0", null, "node1.example.net:27017", "node2.example.net:27018",
                "node3.example.net:27019").automationAuth("mms-automation", "aut0-Pwd/secret", "SCRAM-SHA-256");

        Source managed = new OpsManagerSourceProvider().open(withoutUser("orders"));

        MongoCredential credential = managed.clientSettings().getCredential();
        assertThat(credential.getUserName()).isEqualTo("mms-automation");
        assertThat(new String(credential.getPassword())).isEqualTo("aut0-Pwd/secret");
        assertThat(credential.getSource()).isEqualTo("admin");
        assertThat(managed.description()).contains("mongodb://mms-automation:<hidden>@node1.example.net:27017").doesNotContain("aut0");
        assertThat(new OpsManagerSourceProvider().open(settings("orders", PRIVATE_KEY).build()).clientSettings().getCredential().getUserName())
                .isEqualTo("migrator");
    }

    @Test
    void anAutomationUserThatIsNoScramUserIsRefusedWithTheRemedyAndAClusterWithoutAuthenticationNeedsNone() {
        opsManager.automation("13.10.0.8620-1", "7.0.12", "7.0", null, "node1.example.net:27017")
                .automationAuth("CN=automation,OU=agents", "unused", "MONGODB-X509");

        ConfigurationException e = catchThrowableOfType(ConfigurationException.class, () -> new OpsManagerSourceProvider().open(withoutUser("orders")));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_SPEC);
        assertThat(e.getMessage()).contains("authenticates with MONGODB-X509").contains("give the source a username and password")
                .doesNotContain("unused");

        opsManager.automation("13.10.0.8620-1", "7.0.12", "7.0", null, "node1.example.net:27017"); // no auth section: off
        assertThat(new OpsManagerSourceProvider().open(withoutUser("orders")).clientSettings().getCredential()).isNull();
    }

    private SourceSettings withoutUser(String cluster) {
        return SourceSettings.builder().kind("ops-manager").property(OpsManagerSourceProvider.BASE_URL, opsManager.baseUrl())
                .property(OpsManagerSourceProvider.PUBLIC_KEY, PUBLIC_KEY).property(OpsManagerSourceProvider.PRIVATE_KEY, PRIVATE_KEY)
                .property(OpsManagerSourceProvider.PROJECT_ID, PROJECT).property(OpsManagerSourceProvider.CLUSTER_NAME, cluster).build();
    }

    SourceSettings.Builder settings(String cluster, String privateKey) {
        return SourceSettings.builder().kind("ops-manager")
                .property(OpsManagerSourceProvider.BASE_URL, opsManager.baseUrl())
                .property(OpsManagerSourceProvider.PUBLIC_KEY, PUBLIC_KEY)
                .property(OpsManagerSourceProvider.PRIVATE_KEY, privateKey)
                .property(OpsManagerSourceProvider.PROJECT_ID, PROJECT)
                .property(OpsManagerSourceProvider.CLUSTER_NAME, cluster)
                .property(OpsManagerSourceProvider.USERNAME, "migrator")
                .property(OpsManagerSourceProvider.PASSWORD, PASSWORD);
    }

    static Document host(String hostname, int port, String replicaSetName, boolean tls) {
        Document h = new Document("hostname", hostname).append("port", port).append("sslEnabled", tls)
                .append("typeName", "REPLICA_SECONDARY");
        if (replicaSetName != null) {
            h.append("replicaSetName", replicaSetName);
        }
        return h;
    }
}
