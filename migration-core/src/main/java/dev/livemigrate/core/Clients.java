package dev.livemigrate.core;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Builds the engine's clients with bounded timeouts. */
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
}
