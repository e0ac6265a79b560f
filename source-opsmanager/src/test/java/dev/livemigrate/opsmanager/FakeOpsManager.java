package dev.livemigrate.opsmanager;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.bson.Document;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plays the Ops Manager public API v1.0 on a loopback port, in the shapes its documentation shows:
 * <ul>
 * <li>digest authentication: a request without credentials gets 401 with
 * {@code WWW-Authenticate: Digest realm="MMS Public API", nonce=..., algorithm=MD5, qop="auth"}; a request with them is
 * checked against the known private key (RFC 7616 section 3.4.1: username, realm, nonce, uri equal to the request
 * target, qop, a nonce count above the last one, and the response hash), else 401 with the error body below
 * (https://www.mongodb.com/docs/ops-manager/current/reference/api/ "Authentication": "The API uses HTTP Digest
 * Authentication");</li>
 * <li>{@code GET /groups/{PROJECT-ID}/clusters}: an envelope {@code {links, results, totalCount}} of clusters
 * {@code {clusterName, groupId, id, lastHeartbeat, links, replicaSetName, typeName}}
 * (https://www.mongodb.com/docs/ops-manager/current/reference/api/clusters/clusters-get-all/);</li>
 * <li>{@code GET /groups/{PROJECT-ID}/hosts?clusterId=...}: the same envelope, {@value #PAGE_SIZE} hosts a page, a
 * {@code links} entry {@code rel: next} with the absolute address of the next page; hosts
 * {@code {authMechanismName, clusterId, groupId, hostname, id, port, replicaSetName, replicaStateName, sslEnabled,
 * typeName, version, ...}} (https://www.mongodb.com/docs/ops-manager/current/reference/api/hosts/get-all-hosts-in-group/);</li>
 * <li>{@code GET /groups/{PROJECT-ID}}: the project {@code {id, name, orgId, hostCounts, links, ...}}
 * (https://www.mongodb.com/docs/ops-manager/current/reference/api/groups/get-one-group-by-id/);</li>
 * <li>{@code GET /groups/{PROJECT-ID}/automationConfig}: the automation configuration, of which the processes
 * {@code {name, hostname, processType, version, featureCompatibilityVersion, args2_6: {net: {port}, replication:
 * {replSetName, oplogSizeMB}}}} and {@code agentVersion: {name, directoryUrl}} are set by {@link #automation}
 * (https://www.mongodb.com/docs/ops-manager/current/reference/api/automation-config/automation-config-parameters/,
 * "MongoDB Processes"); an empty configuration ({@code processes: []}) until then, as for a project without
 * automation;</li>
 * <li>{@code GET /groups/{PROJECT-ID}/hosts/{HOST-ID}/measurements?granularity=...&period=...&m=...}: {@code {end,
 * granularity, groupId, hostId, links, measurements: [{dataPoints: [{timestamp, value}], name, units}], processId,
 * start}} with the measurements {@link #measurement} set for the host and named by {@code m}
 * (https://www.mongodb.com/docs/ops-manager/current/reference/api/measures/get-host-process-system-measurements/; the
 * shape as in mongodb/go-client-mongodb-ops-manager, opsmngr/measurements_hosts_test.go; {@code DB_DATA_SIZE_TOTAL}
 * is a host measurement in mongodb/docs, source/includes/possibleValues-api-measurements-host.rst);</li>
 * <li>errors as {@code {detail, error, errorCode, parameters, reason}}: 404 {@code GROUP_NOT_FOUND} for an unknown
 * project, and 429 {@code RATE_LIMITED} with {@code Retry-After} while {@link #rateLimit} says so
 * (https://www.mongodb.com/docs/ops-manager/current/reference/api/errors/ and "Rate Limiting").</li>
 * </ul>
 */
public final class FakeOpsManager implements AutoCloseable {

    static final int PAGE_SIZE = 2;
    static final String REALM = "MMS Public API";
    private static final Pattern PARAM = Pattern.compile("(\\w+)=(?:\"([^\"]*)\"|([^,\\s]*))");

    private final HttpServer server;
    private final String publicKey;
    private final String privateKey;
    private final String projectId;
    private final Map<String, List<Document>> hostsByCluster = new LinkedHashMap<>();
    private final List<Document> clusters = new ArrayList<>();
    /** host id → measurements ({@code {dataPoints, name, units}}). */
    private final Map<String, List<Document>> measurements = new LinkedHashMap<>();
    private final AtomicInteger nonces = new AtomicInteger();
    private volatile String nonce;
    private volatile long lastNonceCount;
    private volatile String algorithm = "MD5";
    private final AtomicInteger rateLimited = new AtomicInteger();
    private volatile String retryAfter = "0";
    /** Every request: {@code "GET /path?query auth=true|false -> status"}. */
    public final List<String> requests = new CopyOnWriteArrayList<>();

    private volatile String projectName = "Shop (production)";
    private volatile Document automation = new Document("version", 1).append("processes", List.of()).append("replicaSets", List.of());

    public FakeOpsManager(String publicKey, String privateKey, String projectId) throws IOException {
        this.publicKey = publicKey;
        this.privateKey = privateKey;
        this.projectId = projectId;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * The automation configuration: automation manages a process on each {@code hostname:port} given, with this version
     * and feature compatibility version, and the MongoDB Agent is {@code agentVersion}.
     */
    public FakeOpsManager automation(String agentVersion, String version, String fcv, Integer oplogSizeMB, String... hostPorts) {
        List<Document> processes = new ArrayList<>();
        for (String hostPort : hostPorts) {
            int colon = hostPort.lastIndexOf(':');
            Document replication = new Document("replSetName", "rs0");
            if (oplogSizeMB != null) {
                replication.append("oplogSizeMB", oplogSizeMB);
            }
            processes.add(new Document("name", "p-" + processes.size()).append("hostname", hostPort.substring(0, colon))
                    .append("processType", "mongod").append("version", version).append("featureCompatibilityVersion", fcv)
                    .append("args2_6", new Document("net", new Document("port", Integer.parseInt(hostPort.substring(colon + 1))))
                            .append("replication", replication)));
        }
        automation = new Document("version", 2).append("processes", processes).append("replicaSets", List.of())
                .append("agentVersion", new Document("name", agentVersion).append("directoryUrl",
                        "https://s3.amazonaws.com/mciuploads/mms-automation/mongodb-mms-build-agent/builds/automation-agent/prod/"));
        return this;
    }

    /**
     * The automation configuration's {@code auth}: authentication on, the automation user {@code autoUser} with
     * {@code autoPwd}, authenticating with {@code mechanism} (the parameters page of the automation configuration,
     * "Authentication"). Call after {@link #automation}.
     */
    public FakeOpsManager automationAuth(String autoUser, String autoPwd, String mechanism) {
        automation = new Document(automation).append("auth", new Document("authoritativeSet", false).append("disabled", false)
                .append("autoUser", autoUser).append("autoPwd", autoPwd).append("autoAuthMechanism", mechanism)
                .append("autoAuthMechanisms", List.of(mechanism)).append("deploymentAuthMechanisms", List.of(mechanism))
                .append("autoAuthRestrictions", List.of()).append("key", "c2VjcmV0a2V5ZmlsZQ==")
                .append("keyfile", "/var/lib/mongodb-mms-automation/keyfile").append("usersWanted", List.of()).append("usersDeleted", List.of()));
        return this;
    }

    /** A public copy of a host entry for {@link #cluster}: {@code {hostname, port, replicaSetName?, sslEnabled, typeName}}. */
    public static Document host(String hostname, int port, String replicaSetName, boolean tls) {
        Document h = new Document("hostname", hostname).append("port", port).append("sslEnabled", tls)
                .append("typeName", "REPLICA_SECONDARY");
        if (replicaSetName != null) {
            h.append("replicaSetName", replicaSetName);
        }
        return h;
    }

    FakeOpsManager algorithm(String algorithm) {
        this.algorithm = algorithm;
        return this;
    }

    /** The next {@code times} API calls are answered 429 with this {@code Retry-After}. */
    FakeOpsManager rateLimit(int times, String retryAfterSeconds) {
        rateLimited.set(times);
        retryAfter = retryAfterSeconds;
        return this;
    }

    /**
     * A host measurement Monitoring took of the host {@code hostname:port} (of a cluster added before): two data
     * points, five minutes apart, the older one {@code null} (nothing measured then), the newer one {@code value}.
     */
    public FakeOpsManager measurement(String hostname, int port, String name, String units, double value) {
        measurements.computeIfAbsent("host-" + hostname + "-" + port, k -> new ArrayList<>()).add(new Document("dataPoints", List.of(
                        new Document("timestamp", "2026-11-30T16:20:00Z").append("value", null),
                        new Document("timestamp", "2026-11-30T16:25:00Z").append("value", value)))
                .append("name", name).append("units", units));
        return this;
    }

    /** Adds a cluster and its hosts, each {@code {hostname, port, replicaSetName?, sslEnabled, typeName}}. */
    public FakeOpsManager cluster(String name, String replicaSetName, String typeName, List<Document> hosts) {
        String id = String.format("5e%022x", clusters.size() + 1);
        Document cluster = new Document("clusterName", name).append("groupId", projectId).append("id", id)
                .append("lastHeartbeat", "2026-11-30T16:24:03Z").append("links", List.of()).append("typeName", typeName);
        if (replicaSetName != null) {
            cluster.append("replicaSetName", replicaSetName);
        }
        clusters.add(cluster);
        List<Document> full = new ArrayList<>();
        for (Document h : hosts) {
            full.add(new Document("alertsEnabled", true).append("authMechanismName", "NONE").append("clusterId", id)
                    .append("groupId", projectId).append("hostEnabled", true)
                    .append("id", "host-" + h.getString("hostname") + "-" + h.get("port")).append("version", "7.0.12")
                    .append("replicaStateName", "SECONDARY").append("journalingEnabled", false).append("lowUlimit", false)
                    .append("links", List.of()));
            full.get(full.size() - 1).putAll(h);
        }
        hostsByCluster.put(id, full);
        return this;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String target = exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        int status;
        if (authorization == null || !authentic(authorization, exchange.getRequestMethod(), target)) {
            nonce = "nonce-" + nonces.incrementAndGet();
            lastNonceCount = 0;
            exchange.getResponseHeaders().add("WWW-Authenticate", "Digest realm=\"" + REALM + "\", domain=\"\", nonce=\""
                    + nonce + "\", algorithm=" + algorithm + ", qop=\"auth\", stale=false");
            status = send(exchange, 401, error(401, "USER_UNAUTHORIZED", "You are not authorized for this resource.", "Unauthorized"));
        } else if (rateLimited.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            exchange.getResponseHeaders().add("Retry-After", retryAfter);
            status = send(exchange, 429, error(429, "RATE_LIMITED", "Resource /api/public/v1.0/groups is limited to 100 "
                    + "requests every 1 minutes.", "Too Many Requests"));
        } else {
            status = route(exchange, target);
        }
        requests.add(exchange.getRequestMethod() + " " + target + " auth=" + (authorization != null) + " -> " + status);
    }

    private int route(HttpExchange exchange, String target) throws IOException {
        Matcher measured = Pattern.compile("/api/public/v1\\.0/groups/" + Pattern.quote(projectId) + "/hosts/([^/?]+)/measurements\\?(.*)")
                .matcher(target);
        if (measured.matches()) {
            String hostId = measured.group(1);
            if (hostsByCluster.values().stream().flatMap(List::stream).noneMatch(h -> hostId.equals(h.getString("id")))) {
                return send(exchange, 404, error(404, "HOST_NOT_FOUND", "No host with ID " + hostId + " exists in group " + projectId
                        + ".", "Not Found"));
            }
            List<String> wanted = List.of(measured.group(2).split("&")).stream().filter(p -> p.startsWith("m="))
                    .map(p -> p.substring(2)).toList();
            List<Document> taken = measurements.getOrDefault(hostId, List.of()).stream()
                    .filter(m -> wanted.isEmpty() || wanted.contains(m.getString("name"))).toList();
            return send(exchange, 200, new Document("end", "2026-11-30T16:29:24Z").append("granularity", "PT5M")
                    .append("groupId", projectId).append("hostId", hostId).append("links", List.of(link(target, "self")))
                    .append("measurements", taken).append("processId", hostId).append("start", "2026-11-30T15:29:24Z").toJson());
        }
        Matcher m = Pattern.compile("/api/public/v1\\.0/groups/([^/?]+)(?:/(clusters|hosts|automationConfig))?(?:\\?(.*))?")
                .matcher(target);
        if (!m.matches()) {
            return send(exchange, 404, error(404, "RESOURCE_NOT_FOUND", "Cannot find resource " + target + ".", "Not Found"));
        }
        if (!m.group(1).equals(projectId)) {
            return send(exchange, 404, error(404, "GROUP_NOT_FOUND", "No group with ID \"" + m.group(1) + "\" exists.", "Not Found"));
        }
        Map<String, String> query = new LinkedHashMap<>();
        if (m.group(3) != null) {
            for (String pair : m.group(3).split("&")) {
                String[] kv = pair.split("=", 2);
                query.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        if (m.group(2) == null) {
            return send(exchange, 200, new Document("id", projectId).append("name", projectName).append("orgId", "5e2211c17a3e5a48f5497de0")
                    .append("activeAgentCount", 1).append("links", List.of(link(target, "self"))).toJson());
        }
        if (m.group(2).equals("automationConfig")) {
            return send(exchange, 200, automation.toJson());
        }
        if (m.group(2).equals("clusters")) {
            return send(exchange, 200, new Document("links", List.of(link(target, "self"))).append("results", clusters)
                    .append("totalCount", clusters.size()).toJson());
        }
        List<Document> hosts = hostsByCluster.getOrDefault(query.get("clusterId"), List.of());
        int page = Integer.parseInt(query.getOrDefault("pageNum", "1"));
        int from = Math.min(hosts.size(), (page - 1) * PAGE_SIZE);
        int to = Math.min(hosts.size(), from + PAGE_SIZE);
        List<Document> links = new ArrayList<>(List.of(link(target, "self")));
        if (to < hosts.size()) {
            links.add(link("/api/public/v1.0/groups/" + projectId + "/hosts?clusterId=" + query.get("clusterId")
                    + "&pageNum=" + (page + 1) + "&itemsPerPage=" + PAGE_SIZE, "next"));
        }
        return send(exchange, 200, new Document("links", links).append("results", hosts.subList(from, to))
                .append("totalCount", hosts.size()).toJson());
    }

    private boolean authentic(String authorization, String method, String target) {
        if (!authorization.startsWith("Digest ")) {
            return false;
        }
        Map<String, String> p = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(authorization.substring(7));
        while (m.find()) {
            p.put(m.group(1), m.group(2) != null ? m.group(2) : m.group(3));
        }
        if (!publicKey.equals(p.get("username")) || !REALM.equals(p.get("realm")) || nonce == null || !nonce.equals(p.get("nonce"))
                || !target.equals(p.get("uri")) || !"auth".equals(p.get("qop")) || p.get("cnonce") == null || p.get("nc") == null
                || !algorithm.equals(p.get("algorithm"))) {
            return false;
        }
        long nc = Long.parseLong(p.get("nc"), 16);
        if (nc <= lastNonceCount) {
            return false;
        }
        String h = algorithm.equals("SHA-256") ? "SHA-256" : "MD5";
        String ha1 = hash(h, publicKey + ":" + REALM + ":" + privateKey);
        String ha2 = hash(h, method + ":" + target);
        String expected = hash(h, ha1 + ":" + nonce + ":" + p.get("nc") + ":" + p.get("cnonce") + ":auth:" + ha2);
        if (!expected.equals(p.get("response"))) {
            return false;
        }
        lastNonceCount = nc;
        return true;
    }

    private Document link(String target, String rel) {
        return new Document("href", baseUrl() + target).append("rel", rel);
    }

    private static String error(int status, String code, String detail, String reason) {
        return new Document("detail", detail).append("error", status).append("errorCode", code)
                .append("parameters", List.of()).append("reason", reason).toJson();
    }

    private static int send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
        return status;
    }

    private static String hash(String algorithm, String data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
