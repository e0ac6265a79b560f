package dev.livemigrate.spi;

import com.mongodb.MongoClientSettings;

import java.util.List;

/**
 * A source the engine can read: the client settings that reach it. Returned by
 * {@link SourceProvider#open}.
 *
 * @since 0.1
 */
public interface Source extends AutoCloseable {

    /** A source that is only its client settings and description: no access list, no checks of its own, nothing to close. */
    static Source of(MongoClientSettings clientSettings, String description) {
        return new Source() {
            @Override
            public MongoClientSettings clientSettings() {
                return clientSettings;
            }

            @Override
            public String description() {
                return description;
            }
        };
    }

    /** Settings for a client that reads the source (hosts, credentials, TLS). */
    MongoClientSettings clientSettings();

    /** A human-readable description for logs and reports, without secrets. */
    String description();

    /**
     * The network access list this source opens to the migration, as CIDR blocks, when the provider manages
     * one (a link-token carries one); empty when it manages none. The built-in checks refuse an entry that
     * opens the source to every address.
     */
    default List<String> accessList() {
        return List.of();
    }

    /**
     * The provider's own pre-flight checks for this source (for example agent versions); they run beside the
     * validators found on the class path. The default has none.
     */
    default List<Validator> validators() {
        return List.of();
    }

    /** Releases what {@link SourceProvider#open} acquired; the default does nothing. */
    @Override
    default void close() {
    }
}
