package dev.livemigrate.core;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.client.MongoClient;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.SourceUnavailableException;
import org.bson.BsonDocument;
import org.bson.BsonInt32;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Builds the engine's clients with bounded timeouts and checks that they reach their server. */
public final class Clients {

    private Clients() {
    }

    /** Settings for a connection string, with server selection and connecting bounded by {@code timeout}. */
    public static MongoClientSettings settings(ConnectionString connectionString, Duration timeout) {
        return bounded(MongoClientSettings.builder().applyConnectionString(connectionString), timeout).build();
    }

    /** The given settings with server selection and connecting bounded by {@code timeout}. */
    public static MongoClientSettings bounded(MongoClientSettings settings, Duration timeout) {
        return bounded(MongoClientSettings.builder(settings), timeout).build();
    }

    private static MongoClientSettings.Builder bounded(MongoClientSettings.Builder builder, Duration timeout) {
        long millis = timeout.toMillis();
        return builder
                .applicationName("livemigrate")
                .applyToClusterSettings(c -> c.serverSelectionTimeout(millis, TimeUnit.MILLISECONDS))
                .applyToSocketSettings(s -> s.connectTimeout((int) Math.min(Integer.MAX_VALUE, millis), TimeUnit.MILLISECONDS));
    }

    public static MongoClient create(MongoClientSettings settings) {
        return com.mongodb.client.MongoClients.create(settings);
    }

    /**
     * Runs {@code ping} and turns a failure into a {@link SourceUnavailableException} that names the side,
     * its hosts and the driver's reason.
     */
    public static void ping(MongoClient client, String side, String description, ErrorCode code) {
        try {
            client.getDatabase("admin").runCommand(new BsonDocument("ping", new BsonInt32(1)));
        } catch (MongoTimeoutException e) {
            throw new SourceUnavailableException(code, "the " + side + " " + description + " could not be reached: "
                    + firstLine(e.getMessage()) + ". Check the host names and ports, that the server is running,"
                    + " and that this machine may connect to it (firewall, access list, TLS)", e);
        } catch (MongoException e) {
            throw new SourceUnavailableException(code, "the " + side + " " + description + " refused the connection: "
                    + firstLine(e.getMessage()) + ". Check the credentials and TLS settings", e);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no reason given";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
