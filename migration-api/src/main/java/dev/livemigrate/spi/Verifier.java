package dev.livemigrate.spi;

import com.mongodb.MongoClientSettings;
import dev.livemigrate.Namespace;
import dev.livemigrate.NamespaceVerification;

import java.util.List;
import java.util.Map;

/**
 * Compares the destination with the source after cutover. Discovered through
 * {@link java.util.ServiceLoader}; register an implementation with {@code @AutoService(Verifier.class)}.
 * Every verifier found runs when {@link dev.livemigrate.MigrationSpec#verify()} is set, and in
 * {@link dev.livemigrate.Migrations#verify}; their results are merged per namespace into a
 * {@link dev.livemigrate.VerificationReport}.
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
     * @return one entry per namespace, with what this verifier checks filled in (start from
     *         {@link NamespaceVerification#of})
     */
    List<NamespaceVerification> verify(MongoClientSettings source, MongoClientSettings destination, Map<Namespace, Namespace> namespaces);
}
