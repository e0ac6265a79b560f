package dev.livemigrate.spi;

import dev.livemigrate.MigrationSpec;

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
}
