package dev.livemigrate.verify;

import com.mongodb.MongoClientSettings;
import dev.livemigrate.Namespace;
import dev.livemigrate.NamespaceVerification;
import dev.livemigrate.spi.SyncWatermark;
import dev.livemigrate.spi.TransientErrors;
import dev.livemigrate.spi.Verifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A verifier that compares each namespace on its own, through one pair of clients. A comparison that meets a
 * transient error (network, election) starts over, a few times. A namespace that cannot be compared (a command
 * fails, a document is unreadable) is reported for that namespace, as a difference naming
 * the verifier and the error, and the others are still compared: one bad namespace never hides the rest, and
 * a namespace that could not be checked is never reported equal. Where either side is a view,
 * {@link #compareView} decides instead of {@link #compare}.
 */
abstract class NamespaceVerifier implements Verifier {

    private static final Logger LOG = LoggerFactory.getLogger(NamespaceVerifier.class);
    private static final int ATTEMPTS = 4;

    @Override
    public final List<NamespaceVerification> verify(MongoClientSettings source, MongoClientSettings destination,
                                                    Map<Namespace, Namespace> namespaces) {
        return verify(source, destination, namespaces, SyncWatermark.NONE);
    }

    @Override
    public final List<NamespaceVerification> verify(MongoClientSettings source, MongoClientSettings destination,
                                                    Map<Namespace, Namespace> namespaces, SyncWatermark live) {
        List<NamespaceVerification> results = new ArrayList<>();
        try (Clients c = new Clients(source, destination, live)) {
            namespaces.forEach((from, to) -> results.add(compareOne(c, NamespaceVerification.of(from, to))));
        }
        return results;
    }

    private NamespaceVerification compareOne(Clients c, NamespaceVerification blank) {
        try {
            return compareRetrying(c, blank);
        } catch (RuntimeException e) {
            LOG.warn("verifier {} could not compare {} with {}", name(), blank.source(), blank.destination(), e);
            return blank.withOtherDifferences(List.of(blank.source() + " -> " + blank.destination() + ": the " + name()
                    + " verifier could not compare them: " + e.getMessage()));
        }
    }

    /**
     * Compares one namespace, again from the start on a transient error (a network error, an election), up to
     * {@value #ATTEMPTS} times with a growing pause: a comparison only reads, so it can always start over.
     */
    private NamespaceVerification compareRetrying(Clients c, NamespaceVerification blank) {
        for (int attempt = 1; ; attempt++) {
            try {
                if (Clients.isView(c.sourceEntry(blank.source())) || Clients.isView(c.destinationEntry(blank.destination()))) {
                    return compareView(c, blank);
                }
                return compare(c, blank);
            } catch (RuntimeException e) {
                if (attempt >= ATTEMPTS || !TransientErrors.isTransient(e)) {
                    throw e;
                }
                LOG.warn("verifier {}: comparing {} failed ({}); starting it again, attempt {} of {}", name(), blank.source(),
                        e.toString(), attempt + 1, ATTEMPTS);
                try {
                    Thread.sleep(500L << attempt);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** Fills in what this verifier checks for {@code blank}'s source and destination namespaces. */
    abstract NamespaceVerification compare(Clients clients, NamespaceVerification blank);

    /**
     * What this verifier checks where the source or the destination namespace is a view: by default nothing (a
     * view holds no documents or indexes of its own; its definition is compared by the index-and-options
     * verifier).
     */
    NamespaceVerification compareView(Clients clients, NamespaceVerification blank) {
        return blank;
    }
}
