package dev.livemigrate.verify;

import com.google.auto.service.AutoService;
import dev.livemigrate.Namespace;
import dev.livemigrate.spi.Verifier;

import java.util.List;

/** Compares the document count of every namespace on both sides. */
@AutoService(Verifier.class)
public final class CountVerifier extends NamespaceVerifier {

    @Override
    public String name() {
        return "count";
    }

    @Override
    List<String> compare(Clients c, Namespace source, Namespace destination) {
        long s = c.source.getDatabase(source.database()).getCollection(source.collection()).countDocuments();
        long d = c.destination.getDatabase(destination.database()).getCollection(destination.collection()).countDocuments();
        return s == d ? List.of() : List.of(source + " has " + s + " documents, " + destination + " has " + d);
    }

    @Override
    String whatWasEqual() {
        return "document counts equal";
    }
}
