package dev.livemigrate.verify;

import com.mongodb.MongoClientSettings;
import dev.livemigrate.Namespace;
import dev.livemigrate.VerificationResult;
import dev.livemigrate.spi.Verifier;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A verifier that compares each namespace on its own and lists the differences it finds. */
abstract class NamespaceVerifier implements Verifier {

    @Override
    public final VerificationResult verify(MongoClientSettings source, MongoClientSettings destination, Map<Namespace, Namespace> namespaces) {
        List<String> differences = new ArrayList<>();
        try (Clients c = new Clients(source, destination)) {
            namespaces.forEach((from, to) -> differences.addAll(compare(c, from, to)));
        }
        return new VerificationResult(name(), differences.isEmpty(), differences.isEmpty()
                ? namespaces.size() + " namespaces: " + whatWasEqual() : String.join("; ", differences));
    }

    /** The differences between a source namespace and its destination, each a sentence naming what differs. */
    abstract List<String> compare(Clients clients, Namespace source, Namespace destination);

    /** What this verifier found equal, for the summary of a clean run. */
    abstract String whatWasEqual();
}
