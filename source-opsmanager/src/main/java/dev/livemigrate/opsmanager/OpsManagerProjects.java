package dev.livemigrate.opsmanager;

import dev.livemigrate.MigrationException;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What an Ops Manager or Cloud Manager project holds, as a migration host reports it to the control plane (Ops
 * Manager's "Connect to Atlas" report): the project's name and, per cluster, its versions, whether it is sharded,
 * uses TLS and is managed by automation. Read with the same API key and digest authentication as the
 * {@code ops-manager} source: {@code GET /groups/{id}} (the name), {@code /groups/{id}/clusters},
 * {@code /groups/{id}/hosts?clusterId=...} (versions, TLS) and {@code /groups/{id}/automationConfig} (the processes
 * automation manages, their feature compatibility version and oplog size, the agent's version), which a key without
 * the role to read it leaves out: the clusters are then reported as not managed, without those figures; and the
 * data size Monitoring measured, {@code GET /groups/{id}/hosts/{hostId}/measurements?m=DB_DATA_SIZE_TOTAL} of each
 * replica set's primary (its first host when none is primary; config servers and mongos left out), summed, the newest
 * data point of the last hour; unknown ({@code null}) when a replica set has none. Nothing is read from the clusters
 * themselves, and nothing is written anywhere.
 *
 * @since 0.1
 */
public final class OpsManagerProjects {

    /** The host measurement of the data size of all databases (Ops Manager's measurement types, "Host Measurements"). */
    static final String DATA_SIZE = "DB_DATA_SIZE_TOTAL";
    private static final Logger LOG = LoggerFactory.getLogger(OpsManagerProjects.class);

    /**
     * One cluster of a project.
     *
     * @param clusterId                   Ops Manager's id of the cluster
     * @param name                        its name
     * @param mongoDBVersion              the version its first host reports ({@code mongos} for a sharded one); {@code null} when none does
     * @param featureCompatibilityVersion from the automation configuration; {@code null} when not managed
     * @param agentVersion                the MongoDB Agent's version from the automation configuration; {@code null} when not managed
     * @param dbSizeBytes                 the data size Monitoring measured ({@code DB_DATA_SIZE_TOTAL}, the sum of {@code dbStats}
     *                                    {@code dataSize}), summed over the replica sets; {@code null} when not measured
     * @param oplogSizeMB                 the oplog size automation sets; {@code null} when not managed or not set
     * @param sharded                     whether it is a sharded cluster
     * @param tlsEnabled                  whether a host has TLS on
     * @param managed                     whether automation manages a process of it
     */
    public record Deployment(String clusterId, String name, String mongoDBVersion, String featureCompatibilityVersion,
                             String agentVersion, Long dbSizeBytes, Integer oplogSizeMB, boolean sharded, boolean tlsEnabled,
                             boolean managed) {
    }

    /** A project: its id, name and clusters. */
    public record Project(String projectId, String name, List<Deployment> deployments) {
        public Project {
            deployments = List.copyOf(deployments);
        }
    }

    private OpsManagerProjects() {
    }

    /**
     * Reads a project.
     *
     * @param baseUrl Ops Manager's address, or {@code https://cloud.mongodb.com}
     * @throws dev.livemigrate.ConfigurationException with the {@code OPS_MANAGER_*} codes of the source (a refused
     *                                                key, an unknown project, Ops Manager unreachable)
     */
    public static Project describe(String baseUrl, String publicKey, String privateKey, String projectId) {
        OpsManagerSourceProvider.checkProjectId(projectId);
        OpsManagerApi api = new OpsManagerApi(OpsManagerSourceProvider.http(), OpsManagerSourceProvider.baseUrl(baseUrl),
                publicKey, privateKey);
        Document group = api.document("groups/" + projectId, projectId);
        Optional<Document> automation = api.optional("groups/" + projectId + "/automationConfig", projectId);
        Map<String, Document> processes = new HashMap<>();
        automation.ifPresent(a -> a.getList("processes", Document.class, List.of()).forEach(p -> processes.put(
                p.getString("hostname") + ":" + port(p), p)));
        String agentVersion = automation.map(a -> a.get("agentVersion") instanceof Document v ? v.getString("name") : null).orElse(null);
        List<Deployment> deployments = new ArrayList<>();
        for (Document cluster : api.list("groups/" + projectId + "/clusters", projectId)) {
            List<Document> hosts = api.list("groups/" + projectId + "/hosts?clusterId="
                    + URLEncoder.encode(cluster.getString("id"), StandardCharsets.UTF_8), projectId);
            boolean sharded = "SHARDED_REPLICA_SET".equals(cluster.getString("typeName"));
            List<Document> reached = hosts.stream().filter(h -> !sharded || "SHARD_MONGOS".equals(h.getString("typeName"))).toList();
            Document managed = hosts.stream().map(h -> processes.get(h.getString("hostname") + ":"
                    + Objects.requireNonNullElse(h.get("port"), 27017))).filter(Objects::nonNull).findFirst().orElse(null);
            Integer oplog = managed == null ? null : oplogSizeMB(managed);
            deployments.add(new Deployment(cluster.getString("id"), cluster.getString("clusterName"),
                    reached.stream().map(h -> h.getString("version")).filter(Objects::nonNull).findFirst().orElse(null),
                    managed == null ? null : managed.getString("featureCompatibilityVersion"),
                    managed == null ? null : agentVersion, dataSize(api, projectId, hosts), oplog, sharded,
                    hosts.stream().anyMatch(h -> Boolean.TRUE.equals(h.getBoolean("sslEnabled"))), managed != null));
        }
        return new Project(projectId, group.getString("name"), deployments);
    }

    /**
     * The MongoDB Agent's version when automation manages a process on one of the hosts ({@code agentVersion.name} of
     * the automation configuration), else {@code null}.
     */
    static String agentVersion(Optional<Document> automation, List<Document> hosts) {
        if (automation.isEmpty() || !(automation.get().get("agentVersion") instanceof Document version)) {
            return null;
        }
        return managed(automation, hosts) ? version.getString("name") : null;
    }

    /** Whether automation manages a process on one of the hosts. */
    static boolean managed(Optional<Document> automation, List<Document> hosts) {
        return automation.isPresent() && automation.get().getList("processes", Document.class, List.of()).stream().anyMatch(p -> hosts.stream()
                .anyMatch(h -> Objects.equals(p.getString("hostname"), h.getString("hostname"))
                        && String.valueOf(port(p)).equals(String.valueOf(Objects.requireNonNullElse(h.get("port"), 27017)))));
    }

    /**
     * {@code DB_DATA_SIZE_TOTAL} of each replica set's primary, summed; {@code null} when one has no data point. The
     * reply is {@code {measurements: [{name, units, dataPoints: [{timestamp, value}]}], ...}}, oldest point first, a
     * point's value {@code null} when nothing was measured then.
     */
    static Long dataSize(OpsManagerApi api, String projectId, List<Document> hosts) {
        Map<String, Document> primaries = new LinkedHashMap<>();
        for (Document h : hosts) {
            String type = String.valueOf(h.getString("typeName"));
            if (type.equals("SHARD_MONGOS") || type.startsWith("SHARD_CONFIG")) {
                continue;
            }
            String set = h.getString("replicaSetName") != null ? h.getString("replicaSetName") : String.valueOf(h.get("id"));
            boolean primary = "PRIMARY".equals(h.getString("replicaStateName")) || type.endsWith("PRIMARY");
            if (primary || !primaries.containsKey(set)) {
                primaries.put(set, h);
            }
        }
        long total = 0;
        for (Document h : primaries.values()) {
            Optional<Document> reply;
            try {
                reply = api.optional("groups/" + projectId + "/hosts/" + URLEncoder.encode(String.valueOf(h.get("id")),
                    StandardCharsets.UTF_8) + "/measurements?granularity=PT5M&period=PT1H&m=" + DATA_SIZE, projectId);
            } catch (MigrationException e) { // a size is a figure of the report, not a reason to leave the project out
                LOG.warn("the data size of host {} of project {} cannot be read: {}", h.get("hostname"), projectId, e.getMessage());
                return null;
            }
            Double newest = reply.stream().flatMap(r -> r.getList("measurements", Document.class, List.of()).stream())
                    .filter(m -> DATA_SIZE.equals(m.getString("name")))
                    .flatMap(m -> m.getList("dataPoints", Document.class, List.of()).stream())
                    .map(d -> d.get("value") instanceof Number n ? n.doubleValue() : null).filter(Objects::nonNull)
                    .reduce((older, newer) -> newer).orElse(null);
            if (newest == null) {
                return null;
            }
            total += newest.longValue();
        }
        return primaries.isEmpty() ? null : total;
    }

    /** {@code args2_6.net.port} of an automation process, 27017 when unset. */
    private static Object port(Document process) {
        Document args = process.get("args2_6", Document.class);
        Document net = args == null ? null : args.get("net", Document.class);
        return net == null || net.get("port") == null ? 27017 : net.get("port");
    }

    private static Integer oplogSizeMB(Document process) {
        Document args = process.get("args2_6", Document.class);
        Document replication = args == null ? null : args.get("replication", Document.class);
        return replication != null && replication.get("oplogSizeMB") instanceof Number n ? n.intValue() : null;
    }
}
