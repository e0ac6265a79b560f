package dev.livemigrate.core;

import com.mongodb.MongoClientSettings;
import dev.livemigrate.Namespace;
import dev.livemigrate.NamespaceVerification;
import dev.livemigrate.VerificationReport;
import dev.livemigrate.spi.SyncWatermark;
import dev.livemigrate.spi.Verifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/** Runs every {@link Verifier} on the class path, one after another, and merges what they find. */
public final class Verification {

    private static final Logger LOG = LoggerFactory.getLogger(Verification.class);

    private Verification() {
    }

    /** Compares every collection the migration recorded (including those that appeared while it synced) with its target. */
    public static VerificationReport ofMigration(RunContext run) {
        Map<Namespace, Namespace> namespaces = new LinkedHashMap<>();
        run.metadata().collections(run.id()).values().forEach(r -> namespaces.put(r.source(), r.target()));
        return run(run.connections().sourceSettings(), run.connections().destinationSettings(), namespaces, SyncWatermark.NONE);
    }

    /**
     * @param live how far a migration syncing into the destination has applied, for verifiers that recheck
     *             differences ({@link SyncWatermark#NONE} when none does)
     */
    static VerificationReport run(MongoClientSettings source, MongoClientSettings destination, Map<Namespace, Namespace> namespaces,
                                  SyncWatermark live) {
        List<Verifier> verifiers = ServiceLoader.load(Verifier.class).stream().map(ServiceLoader.Provider::get).toList();
        long started = System.nanoTime();
        List<NamespaceVerification> results = new ArrayList<>();
        for (Verifier v : verifiers) {
            long t = System.nanoTime();
            results.addAll(v.verify(source, destination, namespaces, live));
            LOG.info("verifier {} compared {} namespace(s) in {} ms", v.name(), namespaces.size(), (System.nanoTime() - t) / 1_000_000);
        }
        return VerificationReport.merge(verifiers.stream().map(Verifier::name).toList(), results,
                Duration.ofNanos(System.nanoTime() - started));
    }
}
