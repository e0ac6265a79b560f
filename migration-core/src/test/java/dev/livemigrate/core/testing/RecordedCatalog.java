package dev.livemigrate.core.testing;

import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The recorded {@code listCollections} reply (/recorded/listCollections.json, MongoDB's shapes; see
 * {@code CollectionInfoTest}), for proxies that make the embedded server's catalog report real options.
 */
public final class RecordedCatalog {

    private RecordedCatalog() {
    }

    /** The recorded entry of a collection, or {@code null}. */
    public static BsonDocument entry(String name) {
        try (InputStream in = RecordedCatalog.class.getResourceAsStream("/recorded/listCollections.json")) {
            BsonDocument recorded = BsonDocument.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            return recorded.getDocument("cursor").getArray("firstBatch").stream().map(BsonValue::asDocument)
                    .filter(d -> d.getString("name").getValue().equals(name)).findFirst().orElse(null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An upstream {@code listCollections} reply with each recorded entry's type and options in place of its own. */
    public static byte[] withRecordedOptions(byte[] reply) {
        BsonDocument document = new RawBsonDocument(reply).decode(new BsonDocumentCodec());
        BsonArray batch = document.getDocument("cursor").getArray("firstBatch");
        for (BsonValue entry : batch) {
            BsonDocument e = entry.asDocument();
            BsonDocument recorded = entry(e.getString("name").getValue());
            if (recorded != null) {
                e.put("type", recorded.get("type"));
                e.put("options", recorded.getDocument("options"));
            }
        }
        return WireProxy.bytes(document);
    }
}
