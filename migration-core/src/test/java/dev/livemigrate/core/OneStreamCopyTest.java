package dev.livemigrate.core;

import dev.livemigrate.MigrationReport;
import dev.livemigrate.MigrationSession;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.MigrationState;
import dev.livemigrate.Migrations;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.state.MetadataStore;
import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.core.testing.RecordedCatalog;
import dev.livemigrate.core.testing.WireProxy;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.livemigrate.core.testing.DataAssertions.assertSameDocuments;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Capped and time-series collections are copied in one stream. The source's {@code listCollections}
 * reply carries options recorded from MongoDB ({@code /recorded/listCollections.json}: {@code shop.events}
 * capped at 1 MiB and 1000 documents, {@code shop.weather} time-series), which the embedded server cannot
 * hold; it rejects capped collections, so a proxy acknowledges the destination's capped and time-series
 * {@code create} with MongoDB's reply ({@code {ok: 1}}) and the copy's inserts make the collection. What
 * the engine reads and writes is observed on the wire.
 */
class OneStreamCopyTest {

    private static final int DOCUMENTS = 40;

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    private WireProxy sourceProxy;
    private WireProxy destinationProxy;
    private final AtomicInteger weatherInserts = new AtomicInteger();

    @AfterEach
    void closeProxies() {
        for (WireProxy p : new WireProxy[] {sourceProxy, destinationProxy}) {
            if (p != null) {
                p.close();
            }
        }
    }

    /**
     * Parallel partitions and unordered inserts would store a capped collection in another order, and the
     * destination would evict other documents than the source. So: one {@code find} in {@code $natural}
     * order, ordered inserts in the source's insertion order (shuffled {@code _id}s here), the original
     * size and maximum recorded while the collection is created larger for syncing, and restored at cutover
     * by {@code collMod cappedSize/cappedMax} (MongoDB 6.0+; answered here with {@code {ok: 1}} as
     * https://www.mongodb.com/docs/manual/reference/command/collMod/ shows).
     */
    @Test
    void aCappedCollectionIsCopiedInNaturalOrderInOneStreamAndGetsItsSizeBackAtCutover() {
        List<Integer> inserted = seed("events");
        proxies(true);

        MigrationReport report;
        try (MigrationSession session = Migrations.start(spec("capped-live").build())) {
            await().atMost(Duration.ofMinutes(1)).until(() -> session.state() == MigrationState.READY_TO_CUTOVER
                    || session.state().isTerminal());
            assertThat(new MetadataStore(destination.client()).relaxedCapped("capped-live"))
                    .containsExactly(Map.entry(Namespace.parse("shop.events"), recordedSizeAndMax()));
            report = session.cutover(false);
        }

        assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
        List<WireProxy.Command> finds = sourceProxy.commands("find").stream()
                .filter(c -> "shop".equals(c.database()) && c.body().getString("find").getValue().equals("events"))
                .filter(c -> !c.body().containsKey("projection")).toList(); // not the replay's check of which _ids the source holds
        assertThat(finds).singleElement().satisfies(find -> {
            assertThat(find.body().getDocument("filter", new BsonDocument())).isEmpty();
            assertThat(find.body().getDocument("sort")).isEqualTo(new BsonDocument("$natural", new BsonInt32(1)));
        });
        List<WireProxy.Command> inserts = inserts("events");
        assertThat(inserts).allSatisfy(c -> assertThat(c.body().getBoolean("ordered")).isEqualTo(BsonBoolean.TRUE));
        assertThat(insertedIds(inserts).subList(0, DOCUMENTS)).as("the copy's inserts; syncing follows").isEqualTo(inserted);
        assertThat(destinationProxy.commands("collMod").stream().map(c -> withoutDb(c.body()))).containsExactly(
                BsonDocument.parse("{collMod: 'events'}").append("cappedSize", recordedSizeAndMax().get("size"))
                        .append("cappedMax", recordedSizeAndMax().get("max")));
        assertThat(report.cappedNotRestored()).isEmpty();
        assertSameDocuments(source.client(), Namespace.parse("shop.events"), destination.client(), Namespace.parse("shop.events"));
    }

    /** A destination without {@code collMod cappedSize} (before 6.0; the embedded server has no collMod): reported, not hidden. */
    @Test
    void aCappedSizeTheDestinationRefusesToRestoreIsReported() {
        seed("events");
        proxies(false);

        MigrationReport report;
        try (MigrationSession session = Migrations.start(spec("capped-refused").build())) {
            await().atMost(Duration.ofMinutes(1)).until(() -> session.state() == MigrationState.READY_TO_CUTOVER
                    || session.state().isTerminal());
            report = session.cutover(false);
        }

        assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
        assertThat(report.cappedNotRestored()).containsOnlyKeys("shop.events");
        assertThat(report.cappedNotRestored().get("shop.events")).contains("cappedSize", "cappedMax", "6.0");
        assertThat(report.toJson()).contains("\"cappedNotRestored\": {\"shop.events\"");
    }

    /**
     * A time-series collection has no unique {@code _id}: a partition copied again after a failed attempt
     * would add its measurements twice. So it is one partition, and the destination collection is emptied
     * (dropped and created again) before each attempt. The destination's second insert into it fails once
     * with a retryable error (InterruptedDueToReplStateChange, code 11602, labelled RetryableWriteError as
     * the retryable-writes specification describes); after the last drop, every measurement is inserted
     * exactly once.
     */
    @Test
    void aTimeSeriesCollectionIsEmptiedBeforeACopyAttemptSoNoMeasurementIsCopiedTwice() {
        List<Integer> inserted = seed("weather");
        proxies(true);

        MigrationReport report = Migrations.run(spec("ts-copy").continuousSync(false).build(), Duration.ofMinutes(1));

        assertThat(report.state()).isEqualTo(MigrationState.COMPLETED);
        assertThat(weatherInserts.get()).isGreaterThan(2);
        List<WireProxy.Command> commands = destinationProxy.commands();
        int lastDrop = -1;
        for (int i = 0; i < commands.size(); i++) {
            if (commands.get(i).name().equals("drop") && commands.get(i).body().getString("drop").getValue().equals("weather")) {
                lastDrop = i;
            }
        }
        assertThat(lastDrop).as("the collection is dropped before the attempt after the failure").isPositive();
        List<WireProxy.Command> afterDrop = commands.subList(lastDrop, commands.size()).stream()
                .filter(c -> c.name().equals("insert") && c.body().getString("insert").getValue().equals("weather")).toList();
        assertThat(insertedIds(afterDrop)).containsExactlyInAnyOrderElementsOf(inserted);
        assertSameDocuments(source.client(), Namespace.parse("shop.weather"), destination.client(), Namespace.parse("shop.weather"));
    }

    /** Inserts documents of about 1 KB under shuffled {@code _id}s; returns the ids in insertion order. */
    private List<Integer> seed(String collection) {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < DOCUMENTS; i++) {
            ids.add(i);
        }
        Collections.shuffle(ids, new Random(7));
        for (int id : ids) {
            source.client().getDatabase("shop").getCollection(collection)
                    .insertOne(new Document("_id", id).append("ts", new Date(id * 1000L)).append("pad", "x".repeat(1000)));
        }
        return ids;
    }

    /** A source whose catalog reports the recorded options, and a destination that acknowledges capped and time-series creates. */
    private void proxies(boolean answerCollMod) {
        sourceProxy = WireProxy.inFrontOf(source, (command, upstream) -> command.name().equals("listCollections")
                ? RecordedCatalog.withRecordedOptions(upstream.forward()) : upstream.forward());
        destinationProxy = WireProxy.inFrontOf(destination, (command, upstream) -> {
            BsonDocument body = command.body();
            if (command.name().equals("create") && (body.containsKey("capped") || body.containsKey("timeseries"))
                    || command.name().equals("collMod") && answerCollMod) {
                return WireProxy.bytes(new BsonDocument("ok", new BsonInt32(1)));
            }
            if (command.name().equals("insert") && body.getString("insert").getValue().equals("weather")
                    && weatherInserts.incrementAndGet() == 2) {
                return WireProxy.bytes(BsonDocument.parse("{ok: 0, errmsg: 'operation was interrupted', code: 11602,"
                        + " codeName: 'InterruptedDueToReplStateChange', errorLabels: ['RetryableWriteError']}"));
            }
            return upstream.forward();
        });
    }

    private List<WireProxy.Command> inserts(String collection) {
        return destinationProxy.commands("insert").stream()
                .filter(c -> "shop".equals(c.database()) && c.body().getString("insert").getValue().equals(collection)).toList();
    }

    private static List<Integer> insertedIds(List<WireProxy.Command> inserts) {
        List<Integer> ids = new ArrayList<>();
        inserts.forEach(c -> c.documents().forEach(d -> ids.add(new RawBsonDocument(d).getInt32("_id").getValue())));
        return ids;
    }

    private static BsonDocument withoutDb(BsonDocument body) {
        BsonDocument copy = new BsonDocument();
        copy.putAll(body);
        copy.remove("$db");
        copy.remove("lsid");
        return copy;
    }

    private MigrationSpec.Builder spec(String id) {
        return MigrationSpec.builder().migrationId(id).source(sourceProxy.connectionString())
                .destination(destinationProxy.connectionString()).partitionSizeBytes(4 * 1024).batchSizeBytes(16 * 1024);
    }

    private static BsonDocument recordedSizeAndMax() {
        BsonDocument options = RecordedCatalog.entry("events").getDocument("options");
        return new BsonDocument("size", options.get("size")).append("max", options.get("max"));
    }
}
