package dev.livemigrate.verify;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoCollection;
import dev.livemigrate.Namespace;
import dev.livemigrate.NamespaceVerification;
import dev.livemigrate.NamespaceVerification.Mismatch;
import dev.livemigrate.NamespaceVerification.Mismatch.Kind;
import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.spi.SyncWatermark;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonTimestamp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Verification beside a migration that is still syncing: a difference is read again only once the migration has
 * applied past the source's time, however long that takes, and a difference whose source did not change
 * meanwhile is reported after one such wait.
 */
@Timeout(60)
class LiveRecheckTest {

    private static final Namespace NS = new Namespace("shop", "orders");

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    void aChangeTheMigrationAppliesLateIsWaitedForNotReported() {
        seed();
        collection(source).updateOne(BsonDocument.parse("{_id: 7}"), BsonDocument.parse("{$set: {v: 2}}"));
        // the migration applies the change only when asked to reach the source's time: later than any fixed pause
        Watermark live = new Watermark(() -> collection(destination).updateOne(BsonDocument.parse("{_id: 7}"),
                BsonDocument.parse("{$set: {v: 2}}")));

        NamespaceVerification n = verify(live);

        assertThat(n.mismatches()).isEmpty();
        assertThat(n.equal()).isTrue();
        assertThat(live.waits).containsExactly(Watermark.NOW);
    }

    @Test
    void withoutAMigrationSyncingTheSameDifferenceIsReported() {
        seed();
        collection(source).updateOne(BsonDocument.parse("{_id: 7}"), BsonDocument.parse("{$set: {v: 2}}"));

        NamespaceVerification n = verify(SyncWatermark.NONE);

        assertThat(n.mismatches()).containsExactly(new Mismatch(Kind.DIFFERENT, new BsonInt32(7)));
        assertThat(n.equal()).isFalse();
    }

    @Test
    void aDifferenceThatStaysOnceTheMigrationHasCaughtUpIsReportedAfterOneWait() {
        seed();
        collection(destination).deleteOne(BsonDocument.parse("{_id: 3}")); // lost: no change will bring it
        Watermark live = new Watermark(() -> { });

        NamespaceVerification n = verify(live);

        assertThat(n.mismatches()).containsExactly(new Mismatch(Kind.MISSING, new BsonInt32(3)));
        assertThat(live.waits).hasSize(1);
    }

    @Test
    void aDocumentStillChangingIsReadAgainUntilItSettles() {
        seed();
        collection(source).updateOne(BsonDocument.parse("{_id: 5}"), BsonDocument.parse("{$set: {v: 1}}"));
        // during each of the first two waits the application writes again and the migration applies that write too,
        // so the destination is read ahead of the source's view; from the third the writes have stopped
        int[] round = {0};
        Watermark live = new Watermark(() -> {
            int r = ++round[0];
            if (r < 3) {
                BsonDocument update = BsonDocument.parse("{$set: {v: " + (r + 1) + "}}");
                collection(source).updateOne(BsonDocument.parse("{_id: 5}"), update);
                collection(destination).updateOne(BsonDocument.parse("{_id: 5}"), update);
            }
        });

        NamespaceVerification n = verify(live);

        assertThat(n.mismatches()).isEmpty();
        assertThat(live.waits).hasSize(3);
    }

    private NamespaceVerification verify(SyncWatermark live) {
        return new HashVerifier().verify(settings(source), settings(destination), Map.of(NS, NS), live).get(0);
    }

    private void seed() {
        for (int i = 0; i < 10; i++) {
            collection(source).insertOne(new BsonDocument("_id", new BsonInt32(i)).append("v", new BsonInt32(0)));
            collection(destination).insertOne(new BsonDocument("_id", new BsonInt32(i)).append("v", new BsonInt32(0)));
        }
    }

    private static MongoCollection<BsonDocument> collection(EmbeddedMongo m) {
        return m.client().getDatabase(NS.database()).getCollection(NS.collection(), BsonDocument.class);
    }

    private static MongoClientSettings settings(EmbeddedMongo m) {
        return MongoClientSettings.builder().applyConnectionString(new ConnectionString(m.connectionString())).build();
    }

    /** A migration that has applied everything up to the source's time once asked to wait for it. */
    private static final class Watermark implements SyncWatermark {
        static final BsonTimestamp NOW = new BsonTimestamp(1_700_000_000, 1);
        final List<BsonTimestamp> waits = new ArrayList<>();
        private final Runnable applies;

        Watermark(Runnable applies) {
            this.applies = applies;
        }

        @Override
        public boolean isLive() {
            return true;
        }

        @Override
        public BsonTimestamp sourceTime() {
            return NOW;
        }

        @Override
        public boolean awaitApplied(BsonTimestamp time, Duration limit) {
            waits.add(time);
            applies.run();
            return true;
        }
    }
}
