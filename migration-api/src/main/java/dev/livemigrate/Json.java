package dev.livemigrate;

import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

/** Relaxed extended JSON, the form every report of the API prints. */
final class Json {

    static final JsonWriterSettings RELAXED = JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build();

    private Json() {
    }

    /** One value as relaxed JSON: {@code 4}, {@code "x"}, {@code {"$oid": "..."}}. */
    static String value(BsonValue value) {
        String json = new BsonDocument("v", value).toJson(RELAXED);
        return json.substring(json.indexOf(':') + 1, json.length() - 1).strip();
    }
}
