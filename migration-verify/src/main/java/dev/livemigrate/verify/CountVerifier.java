package dev.livemigrate.verify;

import com.google.auto.service.AutoService;
import dev.livemigrate.NamespaceVerification;
import dev.livemigrate.spi.Verifier;

/** Compares the document count of every namespace on both sides. */
@AutoService(Verifier.class)
public final class CountVerifier extends NamespaceVerifier {

    @Override
    public String name() {
        return "count";
    }

    @Override
    NamespaceVerification compare(Clients c, NamespaceVerification n) {
        long s = c.source.getDatabase(n.source().database()).getCollection(n.source().collection()).countDocuments();
        long d = c.destination.getDatabase(n.destination().database()).getCollection(n.destination().collection()).countDocuments();
        return n.withCounts(s, d);
    }
}
