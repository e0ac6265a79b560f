package dev.livemigrate.spi;

import com.mongodb.MongoClientSettings;
import com.mongodb.ReadPreference;
import com.mongodb.ServerAddress;
import com.mongodb.connection.ClusterConnectionMode;
import com.mongodb.connection.ClusterSettings;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Reaching one shard of a sharded cluster directly, at the members {@code listShards} names in a shard's
 * {@code host} field ({@code "rs0/h1:27018,h2:27018"} for a replica-set shard, {@code "h1:27018"} otherwise;
 * https://www.mongodb.com/docs/manual/reference/command/listShards/), with the user, TLS and timeouts the
 * cluster's mongos is reached with. Shared by the engine (the cutover's cut point before MongoDB 6.0) and by
 * checks that read each shard.
 *
 * @since 0.1
 */
public final class ShardClients {

    private ShardClients() {
    }

    /** The replica set name of a {@code listShards} {@code host}, or empty for a shard that is no replica set. */
    public static Optional<String> replicaSet(String host) {
        int slash = host.indexOf('/');
        return slash < 0 ? Optional.empty() : Optional.of(host.substring(0, slash));
    }

    /** The members of a {@code listShards} {@code host}, {@code host:port} each. */
    public static List<String> members(String host) {
        return Arrays.stream(host.substring(host.indexOf('/') + 1).split(",")).map(String::strip).filter(h -> !h.isEmpty()).toList();
    }

    /**
     * {@code base} (credentials, TLS, timeouts) pointed at a shard's members instead of the mongos, its replica
     * set required, reads from its primary.
     *
     * @param host             the shard's {@code host} as {@code listShards} gives it
     * @param selectionSeconds how long the shard has to answer before it counts as unreachable
     */
    public static MongoClientSettings settings(MongoClientSettings base, String host, long selectionSeconds) {
        List<String> members = members(host);
        ClusterSettings.Builder cluster = ClusterSettings.builder()
                .hosts(members.stream().map(ServerAddress::new).toList())
                .serverSelectionTimeout(selectionSeconds, TimeUnit.SECONDS);
        Optional<String> replicaSet = replicaSet(host);
        replicaSet.ifPresent(rs -> cluster.requiredReplicaSetName(rs).mode(ClusterConnectionMode.MULTIPLE));
        if (replicaSet.isEmpty()) {
            cluster.mode(members.size() == 1 ? ClusterConnectionMode.SINGLE : ClusterConnectionMode.MULTIPLE);
        }
        ClusterSettings built = cluster.build();
        return MongoClientSettings.builder(base).applyToClusterSettings(b -> b.applySettings(built))
                .readPreference(ReadPreference.primary()).build();
    }
}
