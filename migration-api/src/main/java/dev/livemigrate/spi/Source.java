package dev.livemigrate.spi;

import com.mongodb.MongoClientSettings;

/**
 * A source the engine can read: the client settings that reach it. Returned by
 * {@link SourceProvider#open}.
 *
 * @since 0.1
 */
public interface Source extends AutoCloseable {

    /** Settings for a client that reads the source (hosts, credentials, TLS). */
    MongoClientSettings clientSettings();

    /** A human-readable description for logs and reports, without secrets. */
    String description();

    /** Releases what {@link SourceProvider#open} acquired; the default does nothing. */
    @Override
    default void close() {
    }
}
