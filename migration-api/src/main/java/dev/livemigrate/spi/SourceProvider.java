package dev.livemigrate.spi;

import dev.livemigrate.SourceSettings;

/**
 * Turns a {@link SourceSettings} of one kind into a {@link Source} the engine can read. Discovered
 * through {@link java.util.ServiceLoader}; register an implementation with
 * {@code @AutoService(SourceProvider.class)}. The engine picks the provider whose {@link #name()} equals
 * {@link SourceSettings#kind()}.
 *
 * @since 0.1
 */
public interface SourceProvider {

    /** The kind this provider reads, for example {@code self-managed}. */
    String name();

    /**
     * Opens the source. Must not contact the source for longer than the settings allow, and must throw a
     * {@link dev.livemigrate.ConfigurationException} (never a partial result) for settings it cannot use.
     */
    Source open(SourceSettings settings);
}
