package dev.livemigrate.spi;

import com.mongodb.MongoClientSettings;
import dev.livemigrate.Namespace;
import dev.livemigrate.VerificationResult;

import java.util.Map;

/**
 * Compares the destination with the source after cutover. Discovered through
 * {@link java.util.ServiceLoader}; register an implementation with {@code @AutoService(Verifier.class)}.
 * Every verifier found runs when {@link dev.livemigrate.MigrationSpec#verify()} is set.
 *
 * @since 0.1
 */
public interface Verifier {

    /** A short name for reports. */
    String name();

    /**
     * Compares the namespaces.
     *
     * @param source      settings reaching the source
     * @param destination settings reaching the destination
     * @param namespaces  source namespace to destination namespace
     */
    VerificationResult verify(MongoClientSettings source, MongoClientSettings destination, Map<Namespace, Namespace> namespaces);
}
