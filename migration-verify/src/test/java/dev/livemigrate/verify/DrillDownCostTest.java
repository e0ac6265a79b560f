package dev.livemigrate.verify;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import dev.livemigrate.Namespace;
import dev.livemigrate.NamespaceVerification;
import dev.livemigrate.NamespaceVerification.Mismatch.Kind;
import dev.livemigrate.core.testing.EmbeddedMongo;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With differences everywhere, the drill-down reads each side a bounded number of times: it stops once its list of
 * mismatches is full or its passes are spent, and counts what it did not read per bucket, as a lower bound that is
 * never reported as equal. Small limits stand in for the real ones (10,000 mismatches, 100,000 documents per pass,
 * 3 passes), so 1,000 documents show what millions would.
 */
class DrillDownCostTest {

    private static final Namespace NS = Namespace.parse("app.things");
    private static final int DOCUMENTS = 1000;

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    void stopsOnceTheMismatchListIsFullAndCountsTheRest() {
        seedSourceOnly();
        AtomicInteger sourceScans = new AtomicInteger();
        AtomicInteger destinationScans = new AtomicInteger();

        // 100 documents per pass would take about 10 passes; the first one fills the list of 50
        NamespaceVerification r = new HashVerifier(new HashVerifier.Limits(50, 100, 3))
                .verify(counting(source, sourceScans), counting(destination, destinationScans), Map.of(NS, NS)).get(0);

        assertThat(sourceScans.get()).as("one bucket scan and one drill-down pass").isEqualTo(2);
        assertThat(destinationScans.get()).isEqualTo(2);
        assertThat(r.mismatchTotal()).isEqualTo(DOCUMENTS); // the destination is empty: each bucket's count is exact
        assertThat(r.mismatches()).hasSize(50).allMatch(m -> m.kind() == Kind.MISSING);
        assertThat(r.equal()).isFalse();
        assertThat(r.otherDifferences()).singleElement().asString()
                .startsWith("app.things -> app.things: at least ").contains("not read again", "not named");
    }

    @Test
    void spendsAtMostItsPassesWhenTheListHasRoom() {
        seedSourceOnly();
        AtomicInteger sourceScans = new AtomicInteger();
        AtomicInteger destinationScans = new AtomicInteger();

        NamespaceVerification r = new HashVerifier(new HashVerifier.Limits(10_000, 100, 2))
                .verify(counting(source, sourceScans), counting(destination, destinationScans), Map.of(NS, NS)).get(0);

        assertThat(sourceScans.get()).as("one bucket scan and two drill-down passes").isEqualTo(3);
        assertThat(destinationScans.get()).isEqualTo(3);
        assertThat(r.mismatchTotal()).isEqualTo(DOCUMENTS);
        assertThat(r.equal()).isFalse();
    }

    @Test
    void namesEverythingWhenItFitsTheLimits() {
        seedSourceOnly();
        AtomicInteger sourceScans = new AtomicInteger();

        NamespaceVerification r = new HashVerifier(new HashVerifier.Limits(10_000, 2 * DOCUMENTS, 3))
                .verify(counting(source, sourceScans), counting(destination, new AtomicInteger()), Map.of(NS, NS)).get(0);

        assertThat(sourceScans.get()).isEqualTo(2);
        assertThat(r.mismatchTotal()).isEqualTo(DOCUMENTS);
        assertThat(r.otherDifferences()).isEmpty(); // every one named
    }

    private void seedSourceOnly() {
        List<BsonDocument> documents = new ArrayList<>();
        for (int i = 0; i < DOCUMENTS; i++) {
            documents.add(BsonDocument.parse("{_id: " + i + "}"));
        }
        source.client().getDatabase(NS.database()).getCollection(NS.collection(), BsonDocument.class).insertMany(documents);
    }

    /** Settings that count the whole-collection reads ({@code find} with no filter) of {@code m}. */
    private static MongoClientSettings counting(EmbeddedMongo m, AtomicInteger scans) {
        return MongoClientSettings.builder().applyConnectionString(new ConnectionString(m.connectionString()))
                .addCommandListener(new CommandListener() {
                    @Override
                    public void commandStarted(CommandStartedEvent event) {
                        if (event.getCommandName().equals("find") && event.getCommand().getDocument("filter", new BsonDocument()).isEmpty()) {
                            scans.incrementAndGet();
                        }
                    }
                }).build();
    }
}
