package dev.livemigrate.benchmarks;

import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;

import java.util.ArrayList;
import java.util.List;

/**
 * The scale run's data set: {@code documents} small documents in database {@value #DATABASE}, of which
 * {@value #HOT_DOCUMENTS} in collection {@value #HOT} (the writer's updates go there) and the rest spread
 * by {@code _id} over {@code collections} collections {@code c0, c1, ...} ({@code _id} i in {@code c(i mod
 * collections)}). A document is {@code {_id: int, s: string}}, the string sized so that the document has
 * {@code documentBytes} bytes of BSON: two fields, because the embedded server keeps every field of every
 * document as a map entry with a key string of its own (about 100 bytes of heap a field), and both servers
 * must hold 10 million documents in one machine's memory.
 *
 * @param documents     documents in all
 * @param collections   collections holding all but the hot set
 * @param documentBytes BSON bytes per document (at least 48)
 */
record ScaleData(int documents, int collections, int documentBytes) {

    static final String DATABASE = "scale";
    static final String HOT = "hot";
    static final int HOT_DOCUMENTS = 10_000;
    /** BSON bytes of a document whose string is empty. */
    private static final int FIXED_BYTES = 22;

    ScaleData {
        if (documents <= HOT_DOCUMENTS || collections < 1 || documentBytes < FIXED_BYTES + 4) {
            throw new IllegalArgumentException("need more than " + HOT_DOCUMENTS + " documents, a collection and "
                    + (FIXED_BYTES + 4) + " bytes per document");
        }
    }

    /** The ids {@code first, first + step, ...} below {@code end} that one collection holds when seeded. */
    record Ids(int first, int end, int step) {
    }

    /** Documents outside the hot set; their ids are {@code 0 .. bulk() - 1}. */
    int bulk() {
        return documents - HOT_DOCUMENTS;
    }

    List<String> collectionNames() {
        List<String> names = new ArrayList<>();
        for (int c = 0; c < collections; c++) {
            names.add("c" + c);
        }
        return names;
    }

    /** The collection that holds (or will hold) a bulk document's id. */
    String collectionOf(int id) {
        return "c" + (id % collections);
    }

    Ids idsOf(String collection) {
        return collection.equals(HOT) ? new Ids(0, HOT_DOCUMENTS, 1) : new Ids(Integer.parseInt(collection.substring(1)), bulk(), collections);
    }

    /** The filter {@code {_id: id}}. */
    static BsonDocument byId(int id) {
        return new BsonDocument("_id", new BsonInt32(id));
    }

    /** The document with this id. */
    RawBsonDocument document(int id) {
        return new RawBsonDocument(new BsonDocument("_id", new BsonInt32(id)).append("s", text(0)), new BsonDocumentCodec());
    }

    /** The string field's value for a version of a document: its number, padded to the document's size. */
    BsonString text(long version) {
        String number = Long.toString(version);
        return new BsonString("s".repeat(Math.max(0, documentBytes - FIXED_BYTES - number.length())) + number);
    }
}
