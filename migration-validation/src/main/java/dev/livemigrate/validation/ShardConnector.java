package dev.livemigrate.validation;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.livemigrate.spi.CommandRunner;
import dev.livemigrate.spi.ShardClients;
import dev.livemigrate.spi.ValidationContext;
import org.bson.BsonDocument;

import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Opens commands against one shard of a sharded side, reached directly at the members {@code listShards} names,
 * with the user and TLS settings the side is reached with: the engine's client settings where the context gives
 * them ({@link ValidationContext#sourceClientSettings()}), else the spec's connection string (for a source without
 * a CA file of its own, whose TLS only the engine can set up). A shard that cannot be reached throws the driver's
 * exception (a timeout after {@value #SELECTION_SECONDS} s); the checks that use this say so as a WARNING. The
 * caller closes the connection.
 */
@FunctionalInterface
interface ShardConnector {

    /** Seconds a shard has to answer before it counts as unreachable: the checks share one time bound. */
    long SELECTION_SECONDS = 5;

    /** Commands against one shard; closing releases its client. */
    interface Connection extends CommandRunner, AutoCloseable {
        @Override
        void close();
    }

    /** The connector that opens driver clients. */
    ShardConnector CLIENTS = (context, source, shard) -> {
        MongoClientSettings base = settings(context, source).orElseThrow(() -> new IllegalStateException("no client settings"
                + " or connection string reach the " + (source ? "source" : "destination") + "'s shards"));
        MongoClient client = MongoClients.create(settings(base, shard));
        return new Connection() {
            @Override
            public BsonDocument run(String database, BsonDocument command) {
                return client.getDatabase(database).runCommand(command, BsonDocument.class);
            }

            @Override
            public void close() {
                client.close();
            }
        };
    };

    /**
     * Opens shard {@code shard} of the source ({@code source} true) or the destination.
     *
     * @throws RuntimeException when it cannot (the driver's exception where it could not connect)
     */
    Connection open(ValidationContext context, boolean source, Sharding.Shard shard);

    /**
     * Opens each shard in turn and hands it to {@code use}; a shard that cannot be opened, or whose commands fail,
     * goes to {@code failed} with the reason in one line. Every connection is closed before the next opens.
     */
    default void each(ValidationContext context, boolean source, List<Sharding.Shard> shards,
                      BiConsumer<Sharding.Shard, CommandRunner> use, BiConsumer<Sharding.Shard, String> failed) {
        for (Sharding.Shard shard : shards) {
            try (Connection connection = open(context, source, shard)) {
                use.accept(shard, connection);
            } catch (RuntimeException e) {
                failed.accept(shard, Commands.reason(e));
            }
        }
    }

    /** The settings a side is reached with: the engine's, or the spec's connection string. */
    static Optional<MongoClientSettings> settings(ValidationContext context, boolean source) {
        Optional<MongoClientSettings> given = source ? context.sourceClientSettings() : context.destinationClientSettings();
        if (given.isPresent()) {
            return given;
        }
        Optional<String> uri = source ? context.spec().source().connectionString().filter(u -> context.spec().source().caFile().isEmpty())
                : Optional.ofNullable(context.spec().destination());
        return uri.map(u -> MongoClientSettings.builder().applyConnectionString(new ConnectionString(u)).build());
    }

    /**
     * {@code base} (credentials, TLS, timeouts) pointed at the shard's members instead of the side's hosts, its
     * replica set required, reads from its primary.
     */
    static MongoClientSettings settings(MongoClientSettings base, Sharding.Shard shard) {
        return ShardClients.settings(base, shard.host(), SELECTION_SECONDS);
    }
}
