package dev.livemigrate.verify;

import com.mongodb.MongoClientSettings;
import dev.livemigrate.Namespace;
import dev.livemigrate.NamespaceVerification;
import dev.livemigrate.spi.Verifier;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A verifier that compares each namespace on its own, through one pair of clients. */
abstract class NamespaceVerifier implements Verifier {

    @Override
    public final List<NamespaceVerification> verify(MongoClientSettings source, MongoClientSettings destination,
                                                    Map<Namespace, Namespace> namespaces) {
        List<NamespaceVerification> results = new ArrayList<>();
        try (Clients c = new Clients(source, destination)) {
            namespaces.forEach((from, to) -> results.add(compare(c, NamespaceVerification.of(from, to))));
        }
        return results;
    }

    /** Fills in what this verifier checks for {@code blank}'s source and destination namespaces. */
    abstract NamespaceVerification compare(Clients clients, NamespaceVerification blank);
}
