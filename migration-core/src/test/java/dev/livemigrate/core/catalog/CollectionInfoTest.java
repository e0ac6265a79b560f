package dev.livemigrate.core.catalog;

import dev.livemigrate.Namespace;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Collection options the embedded server cannot report (it lists every collection with empty options
 * and rejects capped ones), read from a recorded {@code listCollections} reply shaped like MongoDB's
 * (recorded/listCollections.json: entries with {@code type}, {@code info} and {@code idIndex} as the
 * listCollections manual page shows them; a capped {@code size} below 2^30 is an Int32, as mongod's
 * {@code CollectionOptions::toBSON} writes it with {@code appendNumber}; collations with all their fields).
 * That the engine sends these commands is shown on the wire by {@code CollectionCreateOnTheWireTest}.
 */
class CollectionInfoTest {

    private final Map<String, CollectionInfo> recorded = recorded();

    @Test
    void aCappedCollectionIsCreatedWithItsSizeAndMax() {
        assertThat(recorded.get("events").isCapped()).isTrue();
        assertThat(recorded.get("events").createCommand(new Namespace("shop", "events"))).isEqualTo(BsonDocument.parse(
                "{create: 'events', capped: true, size: 1048576, max: 1000}"));
    }

    @Test
    void validatorAndCollationArePassedToCreate() {
        BsonDocument command = recorded.get("contacts").createCommand(new Namespace("crm", "people"));

        assertThat(command.getString("create").getValue()).isEqualTo("people");
        assertThat(command.getDocument("validator")).isEqualTo(recordedOptions("contacts").getDocument("validator"));
        assertThat(command.getString("validationLevel").getValue()).isEqualTo("moderate");
        assertThat(command.getString("validationAction").getValue()).isEqualTo("warn");
        assertThat(command.getDocument("collation")).isEqualTo(recordedOptions("contacts").getDocument("collation"));
    }

    @Test
    void timeSeriesViewsAndClusteredCollectionsKeepTheirDefinition() {
        assertThat(recorded.get("weather").isTimeSeries()).isTrue();
        assertThat(recorded.get("weather").createCommand(new Namespace("iot", "weather"))).isEqualTo(
                new BsonDocument("create", new org.bson.BsonString("weather")).append("timeseries",
                        recordedOptions("weather").getDocument("timeseries")).append("expireAfterSeconds",
                        recordedOptions("weather").get("expireAfterSeconds")));
        assertThat(recorded.get("orders_by_day").isView()).isTrue();
        assertThat(recorded.get("orders_by_day").createCommand(new Namespace("shop", "orders_by_day")))
                .isEqualTo(new BsonDocument("create", new org.bson.BsonString("orders_by_day"))
                        .append("viewOn", new org.bson.BsonString("orders"))
                        .append("pipeline", recordedOptions("orders_by_day").getArray("pipeline")));
        assertThat(recorded.get("clustered").createCommand(new Namespace("shop", "clustered"))).isEqualTo(BsonDocument.parse(
                "{create: 'clustered', clusteredIndex: {key: {_id: 1}, name: '_id_', unique: true},"
                        + " changeStreamPreAndPostImages: {enabled: true}}"));
    }

    private static BsonDocument recordedOptions(String name) {
        return reply().getDocument("cursor").getArray("firstBatch").stream().map(BsonValue::asDocument)
                .filter(d -> d.getString("name").getValue().equals(name)).findFirst().orElseThrow().getDocument("options");
    }

    private static Map<String, CollectionInfo> recorded() {
        return reply().getDocument("cursor").getArray("firstBatch").stream()
                .map(v -> CollectionInfo.fromListCollections("shop", v.asDocument()))
                .collect(Collectors.toMap(i -> i.namespace().collection(), i -> i));
    }

    static BsonDocument reply() {
        try (InputStream in = CollectionInfoTest.class.getResourceAsStream("/recorded/listCollections.json")) {
            return BsonDocument.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
