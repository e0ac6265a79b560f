package dev.livemigrate.core;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.ReadConcern;
import com.mongodb.ReadPreference;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Builds the engine's clients with bounded timeouts. The source's client reads from the primary with
 * {@code readConcern: majority} whatever the user's connection string says: the start point is the
 * source's majority commit point, and a copy read or a document lookup that saw a member behind it, or
 * writes a rollback may undo, would leave the destination with a state the source never kept.
 *
 * <p>The engine's own clients also bound how long a reply may take ({@link #stalling}): a connection that
 * stalls without an error (a half-open TCP connection, a hung server) fails its operation as a network error,
 * which the retry budget then rides out; without the bound the driver would wait forever. Commands that may
 * rightly run for hours (index builds, {@code collMod}) go through {@link #unbounded}.
 */
public final class Clients {

    private Clients() {
    }

    /** Settings for a connection string, with server selection and connecting bounded by {@code timeout}. */
    public static MongoClientSettings settings(ConnectionString connectionString, Duration timeout) {
        return bounded(MongoClientSettings.builder().applyConnectionString(connectionString), timeout).build();
    }

    /**
     * Settings for the source: the given ones, bounded by {@code timeout}, with primary reads and
     * {@code readConcern: majority} in place of any read preference or read concern they carry.
     */
    public static MongoClientSettings source(MongoClientSettings settings, Duration timeout) {
        return bounded(MongoClientSettings.builder(settings), timeout)
                .readPreference(ReadPreference.primary())
                .readConcern(ReadConcern.MAJORITY)
                .build();
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

    /**
     * The given settings where a reply that has not arrived after {@code stallTimeout} fails the operation
     * with a socket read timeout (a network error); zero keeps the driver's default, which waits forever.
     */
    public static MongoClientSettings stalling(MongoClientSettings settings, Duration stallTimeout) {
        if (stallTimeout.isZero()) {
            return settings;
        }
        int millis = (int) Math.min(Integer.MAX_VALUE, stallTimeout.toMillis());
        return MongoClientSettings.builder(settings)
                .applyToSocketSettings(s -> s.readTimeout(millis, TimeUnit.MILLISECONDS))
                .build();
    }

    /**
     * The database without a bound on how long one command's reply may take, for commands that may rightly
     * run for hours: index builds, {@code collMod} conversions. The driver's operation timeout of zero
     * (infinite) takes the place of the client's socket read timeout for these commands only.
     */
    public static MongoDatabase unbounded(MongoDatabase database) {
        return database.withTimeout(0, TimeUnit.MILLISECONDS);
    }

    public static MongoClient create(MongoClientSettings settings) {
        return MongoClients.create(settings);
    }
}
