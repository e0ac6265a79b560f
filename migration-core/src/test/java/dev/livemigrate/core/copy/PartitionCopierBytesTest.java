package dev.livemigrate.core.copy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.core.testing.WireProxy;
import org.bson.BsonBinary;
import org.bson.BsonDbPointer;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonJavaScriptWithScope;
import org.bson.BsonString;
import org.bson.BsonSymbol;
import org.bson.BsonUndefined;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The copy path ({@link PartitionCopier#copy}) for the BSON types the embedded server cannot store (it
 * drops the connection on Symbol, DBPointer, code with scope and binary subtypes 1, 2, 5-9, and silently
 * turns {@code undefined} into {@code null} and subtype 0x80 into 0): the source's documents arrive in a
 * {@code find}/{@code getMore} reply assembled byte by byte here, go through a real driver cursor and the
 * real insert, and the documents of the {@code insert} commands are captured on the wire. They must be
 * the reply's bytes, unchanged.
 */
class PartitionCopierBytesTest {

    private static final String NS = "shop.odd";
    private static final long CURSOR_ID = 4242L;

    @RegisterExtension
    final EmbeddedMongo sourceServer = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destinationServer = new EmbeddedMongo();

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    @Test
    void passesTypesTheEmbeddedServerCannotStoreToTheInsertByteForByte() {
        List<byte[]> originals = oddDocuments();
        // find answers with the first half and an open cursor, getMore with the rest and cursor id 0
        List<byte[]> first = originals.subList(0, originals.size() / 2);
        List<byte[]> rest = originals.subList(originals.size() / 2, originals.size());
        WireProxy source = proxy(WireProxy.inFrontOf(sourceServer, (command, upstream) -> switch (command.name()) {
            case "find" -> cursorReply("firstBatch", first, CURSOR_ID);
            case "getMore" -> cursorReply("nextBatch", rest, 0);
            default -> upstream.forward();
        }));
        // the destination acknowledges every insert as MongoDB does ({n, ok}), so nothing reaches the server
        WireProxy destination = proxy(WireProxy.inFrontOf(destinationServer, (command, upstream) -> command.name().equals("insert")
                ? WireProxy.bytes(new BsonDocument("n", new BsonInt32(command.documents().size())).append("ok", new BsonInt32(1)))
                : upstream.forward()));

        PartitionCopier.Result result = new PartitionCopier(200).copy(collection(source), collection(destination),
                Partition.whole(), first.size(), () -> false, (documents, bytes) -> { });

        List<byte[]> inserted = new ArrayList<>();
        destination.commands("insert").forEach(c -> inserted.addAll(c.documents()));
        assertThat(destination.commands("insert")).as("the 200-byte batch bound splits the inserts").hasSizeGreaterThan(2);
        assertThat(source.commands("getMore")).hasSize(1);
        assertThat(inserted).hasSameSizeAs(originals);
        for (int i = 0; i < originals.size(); i++) {
            assertThat(inserted.get(i)).as("bytes of document %d: %s", i, new RawBsonDocument(originals.get(i)).toJson())
                    .isEqualTo(originals.get(i));
        }
        long totalBytes = originals.stream().mapToLong(b -> b.length).sum();
        assertThat(result).isEqualTo(new PartitionCopier.Result(originals.size(), totalBytes, true));
    }

    /** Documents with {@code _id}, a value of each odd type and a field after it, encoded as BSON. */
    private static List<byte[]> oddDocuments() {
        List<BsonValue> values = new ArrayList<>(List.of(
                new BsonSymbol("sym"),
                new BsonDbPointer("db.coll", new ObjectId("65f000000000000000000002")),
                new BsonJavaScriptWithScope("function () { return x; }", new BsonDocument("x", new BsonInt32(1))),
                new BsonUndefined()));
        for (byte subtype : new byte[] {1, 2, 5, 6, 7, 8, 9, (byte) 0x80}) {
            values.add(new BsonBinary(subtype, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}));
        }
        List<byte[]> documents = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            documents.add(WireProxy.bytes(new BsonDocument("_id", new BsonInt32(i)).append("v", values.get(i))
                    .append("after", new BsonString("x"))));
        }
        assertThat(documents.get(3)).as("undefined is BSON type 0x06").contains((byte) 0x06);
        return documents;
    }

    /**
     * A cursor reply in the shape of MongoDB's {@code find} and {@code getMore} output
     * ({@code {cursor: {firstBatch|nextBatch: [...], id, ns}, ok: 1}}, see
     * https://www.mongodb.com/docs/manual/reference/command/find/#output), written byte by byte so that the
     * documents are the original bytes and nothing of the driver's encoder is involved.
     */
    static byte[] cursorReply(String batchField, List<byte[]> documents, long cursorId) {
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        for (int i = 0; i < documents.size(); i++) {
            element(batch, 0x03, String.valueOf(i), documents.get(i));
        }
        ByteArrayOutputStream cursor = new ByteArrayOutputStream();
        element(cursor, 0x04, batchField, document(batch));
        element(cursor, 0x12, "id", littleEndian(8).putLong(cursorId).array());
        byte[] ns = NS.getBytes(StandardCharsets.UTF_8);
        element(cursor, 0x02, "ns", littleEndian(4 + ns.length + 1).putInt(ns.length + 1).put(ns).put((byte) 0).array());
        ByteArrayOutputStream reply = new ByteArrayOutputStream();
        element(reply, 0x03, "cursor", document(cursor));
        element(reply, 0x01, "ok", littleEndian(8).putDouble(1.0).array());
        return document(reply);
    }

    private static void element(ByteArrayOutputStream out, int type, String name, byte[] value) {
        out.write(type);
        out.writeBytes(name.getBytes(StandardCharsets.UTF_8));
        out.write(0);
        out.writeBytes(value);
    }

    private static byte[] document(ByteArrayOutputStream elements) {
        byte[] e = elements.toByteArray();
        return littleEndian(4 + e.length + 1).putInt(4 + e.length + 1).put(e).put((byte) 0).array();
    }

    private static ByteBuffer littleEndian(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private WireProxy proxy(WireProxy proxy) {
        open.add(proxy);
        return proxy;
    }

    private MongoCollection<RawBsonDocument> collection(WireProxy proxy) {
        MongoClient client = MongoClients.create(proxy.connectionString());
        open.add(0, client);
        return client.getDatabase("shop").getCollection("odd", RawBsonDocument.class);
    }
}
