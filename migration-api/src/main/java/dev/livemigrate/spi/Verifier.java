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

    /**
     * Compares the namespaces while a migration may still be syncing into the destination: a verifier that
     * re-reads what differs should wait for {@code live} to have applied past the source's time before it reports
     * a difference. By default the same as {@link #verify(MongoClientSettings, MongoClientSettings, Map)}.
     *
     * @param live how far the migration has applied, or {@link SyncWatermark#NONE}
     * @since 0.1
     */
    default List<NamespaceVerification> verify(MongoClientSettings source, MongoClientSettings destination,
                                               Map<Namespace, Namespace> namespaces, SyncWatermark live) {
        return verify(source, destination, namespaces);
    }
}
