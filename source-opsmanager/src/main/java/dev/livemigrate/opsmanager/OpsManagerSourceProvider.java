package dev.livemigrate.opsmanager;

import com.google.auto.service.AutoService;
import com.mongodb.MongoClientSettings;
import dev.livemigrate.ConfigurationException;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.Secrets;
import dev.livemigrate.SourceSettings;
import dev.livemigrate.spi.Source;
import dev.livemigrate.spi.SourceProvider;
import dev.livemigrate.spi.Validator;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The {@code ops-manager} source: a cluster named by its Ops Manager or Cloud Manager project and cluster name,
 * resolved through the public API v1.0 with a programmatic API key (HTTP digest authentication).
 *
 * <p>Properties ({@link SourceSettings#property}): {@value #BASE_URL} (for example {@code https://opsmanager:8080}
 * or {@code https://cloud.mongodb.com}), {@value #PUBLIC_KEY}, {@value #PRIVATE_KEY}, {@value #PROJECT_ID},
 * {@value #CLUSTER_NAME}; optional {@value #USERNAME} and {@value #PASSWORD} (for a cluster that is monitored but
 * not automated; for one automation manages, the credentials it manages are used when none are given:
 * {@link ManagedCredentials}), and {@value #CA_FILE} (a PEM file on this host; {@link SourceSettings#caFile()} works too).
 *
 * <p>It reads the project's clusters ({@code GET /groups/{id}/clusters}), finds the cluster by name, reads its hosts
 * ({@code GET /groups/{id}/hosts?clusterId=...}) and builds a connection string with every member (the
 * {@code mongos} hosts of a sharded cluster), {@code replicaSet=} for a replica set, {@code tls=true} when the hosts
 * have TLS on, and the credentials given. The connection string is then opened by the {@code self-managed} provider,
 * so CA files and connection-string errors are handled the same way (a CA file missing or unreadable on this host is
 * the ERROR {@code CA_FILE_UNREADABLE} of validation). When the key may read the automation configuration and
 * automation manages the cluster, the source's own check ({@link AgentVersionCheck}) warns on a MongoDB Agent older
 * than live migration needs. The private key and the password never appear in messages, logs or
 * {@link Source#description()}.
 */
@AutoService(SourceProvider.class)
public final class OpsManagerSourceProvider implements SourceProvider {

    /** The kind of this provider. */
    public static final String KIND = "ops-manager";
    public static final String BASE_URL = "baseUrl";
    public static final String PUBLIC_KEY = "publicKey";
    public static final String PRIVATE_KEY = "privateKey";
    public static final String PROJECT_ID = "projectId";
    public static final String CLUSTER_NAME = "clusterName";
    public static final String USERNAME = "username";
    public static final String PASSWORD = "password";
    public static final String CA_FILE = "caFile";

    /** What {@link #open} resolved: the record's accessors are the source's methods. */
    private record Resolved(MongoClientSettings clientSettings, String description, List<Validator> validators) implements Source {
    }

    private static final Logger LOG = LoggerFactory.getLogger(OpsManagerSourceProvider.class);
    private static final Pattern PROJECT_ID_FORM = Pattern.compile("[A-Za-z0-9_-]+");

    @Override
    public String name() {
        return KIND;
    }

    @Override
    public Source open(SourceSettings settings) {
        URI base = baseUrl(required(settings, BASE_URL));
        String projectId = required(settings, PROJECT_ID);
        checkProjectId(projectId);
        String clusterName = required(settings, CLUSTER_NAME);
        Optional<String> username = Optional.ofNullable(settings.properties().get(USERNAME));
        Optional<String> password = Optional.ofNullable(settings.properties().get(PASSWORD));
        if (username.isPresent() != password.isPresent()) {
            throw new ConfigurationException(ErrorCode.INVALID_SPEC, "the ops-manager source has a " + USERNAME + " without a "
                    + PASSWORD + " or the other way round: give both, or neither");
        }
        OpsManagerApi api = new OpsManagerApi(http(), base, required(settings, PUBLIC_KEY), required(settings, PRIVATE_KEY));

        List<Document> clusters = api.list("groups/" + projectId + "/clusters", projectId);
        Document cluster = clusters.stream().filter(c -> clusterName.equals(c.getString("clusterName"))).findFirst()
                .orElseThrow(() -> new ConfigurationException(ErrorCode.OPS_MANAGER_CLUSTER_NOT_FOUND, "project " + projectId
                        + " has no cluster named '" + clusterName + "'; it has " + names(clusters)
                        + ": give one of these as clusterName"));
        List<Document> hosts = api.list("groups/" + projectId + "/hosts?clusterId="
                + URLEncoder.encode(cluster.getString("id"), StandardCharsets.UTF_8), projectId);
        ClusterHosts resolved = ClusterHosts.of(cluster, hosts);
        Optional<Document> automation = api.optional("groups/" + projectId + "/automationConfig", projectId);
        if (username.isEmpty() && OpsManagerProjects.managed(automation, hosts)) {
            Optional<ManagedCredentials> managed = ManagedCredentials.of(automation.get(), clusterName);
            username = managed.map(ManagedCredentials::user);
            password = managed.map(ManagedCredentials::password);
        }
        String uri = resolved.connectionString(username, password);
        String description = "ops-manager project " + projectId + " cluster " + clusterName + ": "
                + Secrets.redactConnectionString(uri);
        LOG.info("resolved {}", description);

        Path caFile = settings.caFile().orElseGet(() -> Optional.ofNullable(settings.properties().get(CA_FILE)).map(Path::of).orElse(null));
        SourceSettings.Builder selfManaged = SourceSettings.builder().kind(SourceSettings.SELF_MANAGED).connectionString(uri);
        if (caFile != null) {
            selfManaged.caFile(caFile);
        }
        MongoClientSettings clientSettings;
        try (Source delegate = selfManaged().open(selfManaged.build())) {
            clientSettings = delegate.clientSettings();
        }
        String agentVersion = OpsManagerProjects.agentVersion(automation, hosts);
        Validator agentCheck = new AgentVersionCheck(clusterName, agentVersion, AgentVersionCheck.isCloudManager(base));
        return new Resolved(clientSettings, description, List.of(agentCheck));
    }

    static HttpClient http() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(15)).build();
    }

    static void checkProjectId(String projectId) {
        if (!PROJECT_ID_FORM.matcher(projectId).matches()) {
            throw new ConfigurationException(ErrorCode.INVALID_SPEC, "the ops-manager project id '" + projectId
                    + "' is not a project id: give the 24-character id from the project's settings");
        }
    }

    private static SourceProvider selfManaged() {
        return ServiceLoader.load(SourceProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> SourceSettings.SELF_MANAGED.equals(p.name())).findFirst()
                .orElseThrow(() -> new ConfigurationException(ErrorCode.UNKNOWN_SOURCE_PROVIDER, "the ops-manager source "
                        + "opens its cluster with the self-managed provider, which is not on the class path: add migration-core"));
    }

    private static String required(SourceSettings settings, String name) {
        String value = settings.properties().get(name);
        if (value == null || value.isBlank()) {
            throw new ConfigurationException(ErrorCode.INVALID_SPEC, "the ops-manager source has no " + name
                    + ": set it (properties " + String.join(", ", BASE_URL, PUBLIC_KEY, PRIVATE_KEY, PROJECT_ID, CLUSTER_NAME)
                    + " are required)");
        }
        return value;
    }

    static URI baseUrl(String value) {
        try {
            URI uri = new URI(value.endsWith("/") ? value : value + "/");
            if (!("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme())) || uri.getHost() == null) {
                throw new URISyntaxException(value, "not an http or https URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigurationException(ErrorCode.INVALID_SPEC, "the ops-manager source's baseUrl '" + value
                    + "' is not an http(s) URL: give the address of Ops Manager, for example https://opsmanager.example.com:8443");
        }
    }

    private static String names(List<Document> clusters) {
        return clusters.isEmpty() ? "none" : clusters.stream().map(c -> c.getString("clusterName")).filter(Objects::nonNull)
                .map(n -> "'" + n + "'").collect(Collectors.joining(", "));
    }
}
