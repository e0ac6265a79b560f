package dev.livemigrate.spi;

import com.mongodb.MongoClientSettings;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.Namespace;

import java.util.List;
import java.util.Optional;

/**
 * What a {@link Validator} may look at.
 *
 * @since 0.1
 */
public interface ValidationContext {

    MigrationSpec spec();

    /** Commands against the source. */
    CommandRunner source();

    /** Commands against the destination. */
    CommandRunner destination();

    /**
     * Whether the migration copies this source namespace under the spec's include and exclude rules; system
     * databases are never selected. The default selects every namespace outside the system databases.
     */
    default boolean selects(Namespace sourceNamespace) {
        return !sourceNamespace.isSystem();
    }

    /**
     * Where the migration writes this source namespace on the destination, after the spec's renames; empty
     * when the namespace is not selected. The default keeps the name of every selected namespace.
     *
     * @since 0.1
     */
    default Optional<Namespace> target(Namespace sourceNamespace) {
        return selects(sourceNamespace) ? Optional.of(sourceNamespace) : Optional.empty();
    }

    /**
     * The network access list the source's provider manages, as CIDR blocks (for example {@code 10.0.0.0/8});
     * empty when the provider manages none. See {@link Source#accessList()}.
     */
    default List<String> sourceAccessList() {
        return List.of();
    }

    /**
     * The client settings that reach the source (hosts, credentials, TLS), for a check that must reach the
     * members of a sharded source itself: each shard as {@code listShards} names it, with the same user and TLS.
     * Empty where the engine does not give them; such a check then reaches the shards with the spec's connection
     * string, or says plainly that it could not.
     *
     * @since 0.1
     */
    default Optional<MongoClientSettings> sourceClientSettings() {
        return Optional.empty();
    }

    /**
     * The client settings that reach the destination, as {@link #sourceClientSettings()} for the source.
     *
     * @since 0.1
     */
    default Optional<MongoClientSettings> destinationClientSettings() {
        return Optional.empty();
    }
}
