package dev.livemigrate.opsmanager;

import dev.livemigrate.ConfigurationException;
import dev.livemigrate.ErrorCode;
import org.bson.Document;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a cluster's Ops Manager entries say about reaching it: the members ({@code hostname:port}), the replica set
 * name, and whether TLS is on. A sharded cluster ({@code typeName} {@code SHARDED_REPLICA_SET}) is reached through
 * its {@code mongos} hosts ({@code typeName} {@code SHARD_MONGOS}) and has no replica set name.
 */
record ClusterHosts(String clusterName, List<String> members, Optional<String> replicaSet, boolean tls) {

    static ClusterHosts of(Document cluster, List<Document> hosts) {
        String name = cluster.getString("clusterName");
        boolean sharded = "SHARDED_REPLICA_SET".equals(cluster.getString("typeName"));
        Set<String> members = new LinkedHashSet<>();
        boolean tls = false;
        String replicaSet = sharded ? null : cluster.getString("replicaSetName");
        for (Document host : hosts) {
            if (sharded && !"SHARD_MONGOS".equals(host.getString("typeName"))) {
                continue;
            }
            members.add(host.getString("hostname") + ":" + Objects.requireNonNullElse(host.get("port"), 27017));
            tls |= Boolean.TRUE.equals(host.getBoolean("sslEnabled"));
            if (!sharded && replicaSet == null) {
                replicaSet = host.getString("replicaSetName");
            }
        }
        if (members.isEmpty()) {
            throw new ConfigurationException(ErrorCode.OPS_MANAGER_CLUSTER_NOT_FOUND, "Ops Manager lists no "
                    + (sharded ? "mongos " : "") + "host for cluster '" + name + "': check that its hosts are monitored "
                    + "(Deployment view), then try again");
        }
        return new ClusterHosts(name, new ArrayList<>(members), Optional.ofNullable(replicaSet), tls);
    }

    /** {@code mongodb://[user:password@]host1:port1,.../?replicaSet=rs&tls=true&authSource=admin}. */
    String connectionString(Optional<String> username, Optional<String> password) {
        StringBuilder uri = new StringBuilder("mongodb://");
        if (username.isPresent() && password.isPresent()) {
            uri.append(encode(username.get())).append(':').append(encode(password.get())).append('@');
        }
        uri.append(String.join(",", members)).append('/');
        List<String> options = new ArrayList<>();
        replicaSet.ifPresent(rs -> options.add("replicaSet=" + encode(rs)));
        if (tls) {
            options.add("tls=true");
        }
        if (username.isPresent()) {
            options.add("authSource=admin");
        }
        if (!options.isEmpty()) {
            uri.append('?').append(String.join("&", options));
        }
        return uri.toString();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
