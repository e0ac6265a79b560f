package dev.livemigrate.verify;

import com.google.auto.service.AutoService;
import com.mongodb.MongoClientSettings;
import dev.livemigrate.Namespace;
import dev.livemigrate.VerificationResult;
import dev.livemigrate.spi.Verifier;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Compares the document count of every namespace on both sides. */
@AutoService(Verifier.class)
public final class CountVerifier implements Verifier {

    @Override
    public String name() {
        return "count";
    }

    @Override
    public VerificationResult verify(MongoClientSettings source, MongoClientSettings destination, Map<Namespace, Namespace> namespaces) {
        List<String> differences = new ArrayList<>();
        long total = 0;
        try (Clients c = new Clients(source, destination)) {
            for (Map.Entry<Namespace, Namespace> e : namespaces.entrySet()) {
                long s = c.source.getDatabase(e.getKey().database()).getCollection(e.getKey().collection()).countDocuments();
                long d = c.destination.getDatabase(e.getValue().database()).getCollection(e.getValue().collection()).countDocuments();
                total += s;
                if (s != d) {
                    differences.add(e.getKey() + " has " + s + " documents, " + e.getValue() + " has " + d);
                }
            }
        }
        return new VerificationResult(name(), differences.isEmpty(), differences.isEmpty()
                ? namespaces.size() + " namespaces, " + total + " documents: counts equal"
                : String.join("; ", differences));
    }
}
