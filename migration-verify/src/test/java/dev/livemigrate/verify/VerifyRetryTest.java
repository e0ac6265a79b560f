package dev.livemigrate.verify;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import dev.livemigrate.Namespace;
import dev.livemigrate.NamespaceVerification;
import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.core.testing.WireProxy;
import dev.livemigrate.spi.Verifier;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.SocketException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** A connection cut while a namespace is compared: the comparison starts over, and equal data is still EQUAL. */
@Timeout(60)
class VerifyRetryTest {

    private static final Namespace NS = new Namespace("shop", "orders");

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    void aCutConnectionDuringAComparisonIsNotADifference() {
        for (int i = 0; i < 100; i++) {
            source.client().getDatabase("shop").getCollection("orders").insertOne(new Document("_id", i).append("n", i));
            destination.client().getDatabase("shop").getCollection("orders").insertOne(new Document("_id", i).append("n", i));
        }
        AtomicInteger cut = new AtomicInteger();
        // the first read of each verifier's comparison loses its connection twice: once, and again on the driver's
        // own retry of the read, so only the verifier starting over can get past it
        try (WireProxy proxy = WireProxy.inFrontOf(destination, (command, upstream) -> {
            if (command.database().equals("shop") && List.of("find", "aggregate", "count").contains(command.name())
                    && cut.getAndIncrement() < 2) {
                throw new SocketException("cut by the test");
            }
            return upstream.forward();
        })) {
            for (Verifier v : List.of(new CountVerifier(), new HashVerifier())) {
                cut.set(0);
                NamespaceVerification n = v.verify(settings(source.connectionString()), settings(proxy.connectionString()),
                        Map.of(NS, NS)).get(0);

                assertThat(n.otherDifferences()).as(v.name()).isEmpty();
                assertThat(n.equal()).as(v.name()).isTrue();
                assertThat(cut.get()).as("%s read on after two cut attempts", v.name()).isGreaterThan(2);
            }
        }
    }

    private static MongoClientSettings settings(String uri) {
        return MongoClientSettings.builder().applyConnectionString(new ConnectionString(uri)).build();
    }
}
