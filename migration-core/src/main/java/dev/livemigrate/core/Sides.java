package dev.livemigrate.core;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.ServerAddress;
import com.mongodb.connection.ClusterSettings;
import dev.livemigrate.ConfigurationException;
import dev.livemigrate.ConnectionStrings;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.Secrets;
import dev.livemigrate.spi.Source;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The two sides of a spec, resolved without contacting either: the source through its provider, both
 * with bounded timeouts, checked to be different deployments.
 */
record Sides(Source source, MongoClientSettings sourceSettings, MongoClientSettings destinationSettings,
             String destinationDescription) {

    static Sides of(MigrationSpec spec) {
        ConnectionString destinationUri = ConnectionStrings.parse(spec.destination(), "destination");
        Source source = DefaultMigrationEngine.provider(spec.source().kind()).open(spec.source());
        Sides sides = new Sides(source, Clients.source(source.clientSettings(), spec.connectTimeout()),
                Clients.settings(destinationUri, spec.connectTimeout()), Secrets.redactConnectionString(spec.destination()));
        try {
            checkDistinct(sides.sourceSettings, sides.destinationSettings, source.description(), sides.destinationDescription);
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
        return sides;
    }

    /** Refuses a destination that is the source itself: the copy would read what it writes. */
    private static void checkDistinct(MongoClientSettings source, MongoClientSettings destination,
                                      String sourceDescription, String destinationDescription) {
        Set<String> sourceHosts = hosts(source.getClusterSettings());
        Set<String> shared = hosts(destination.getClusterSettings()).stream().filter(sourceHosts::contains)
                .collect(Collectors.toCollection(TreeSet::new));
        if (!shared.isEmpty()) {
            throw new ConfigurationException(ErrorCode.SAME_SOURCE_AND_DESTINATION,
                    "the source " + sourceDescription + " and the destination " + destinationDescription
                            + " share " + String.join(", ", shared)
                            + ": a migration needs two different deployments; point the destination elsewhere");
        }
    }

    private static Set<String> hosts(ClusterSettings cluster) {
        Set<String> hosts = new HashSet<>();
        if (cluster.getSrvHost() != null) {
            hosts.add("srv:" + cluster.getSrvHost().toLowerCase(Locale.ROOT));
            return hosts;
        }
        for (ServerAddress a : cluster.getHosts()) {
            String host = a.getHost().toLowerCase(Locale.ROOT);
            if (host.equals("localhost") || host.equals("127.0.0.1") || host.equals("::1") || host.equals("[::1]")) {
                host = "localhost";
            }
            hosts.add(host + ":" + a.getPort());
        }
        return hosts;
    }
}
