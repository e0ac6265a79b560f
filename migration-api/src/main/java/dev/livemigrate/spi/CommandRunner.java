package dev.livemigrate.spi;

import org.bson.BsonDocument;

/**
 * Runs a database command on one side and returns its reply: the small interface validators use, so they
 * can be tested on recorded replies. Failures are the driver's exceptions.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface CommandRunner {

    BsonDocument run(String database, BsonDocument command);
}
