package dev.livemigrate.core;

import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import dev.livemigrate.spi.Source;

/**
 * Both sides of one migration run, resolved and connected: the source as its provider opened it, and a
 * client and the settings it was built from for each side. Closing it closes the clients and the source.
 *
 * @param source              the source, as its {@link dev.livemigrate.spi.SourceProvider} opened it
 * @param sourceClient        the client the engine reads the source with
 * @param destinationClient   the client the engine writes the destination with
 * @param sourceSettings      what {@code sourceClient} was built from (verifiers build their own clients)
 * @param destinationSettings what {@code destinationClient} was built from
 */
public record Connections(Source source, MongoClient sourceClient, MongoClient destinationClient,
                          MongoClientSettings sourceSettings, MongoClientSettings destinationSettings) implements AutoCloseable {

    @Override
    public void close() {
        sourceClient.close();
        destinationClient.close();
        source.close();
    }
}
