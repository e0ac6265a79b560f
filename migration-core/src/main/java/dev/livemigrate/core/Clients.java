package dev.livemigrate.core;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.ReadConcern;
import com.mongodb.ReadPreference;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Builds the engine's clients with bounded timeouts. The source's client reads from the primary with
 * {@code readConcern: majority} whatever the user's connection string says: the start point is the
 * source's majority commit point, and a copy read or a document lookup that saw a member behind it, or
 * writes a rollback may undo, would leave the destination with a state the source never kept.
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

    public static MongoClient create(MongoClientSettings settings) {
        return MongoClients.create(settings);
    }
}
