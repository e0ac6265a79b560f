package dev.livemigrate.core.copy;

import com.mongodb.MongoClientSettings;
import org.bson.BsonBinary;
import org.bson.BsonBinaryReader;
import org.bson.BsonBinaryWriter;
import org.bson.BsonDbPointer;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonJavaScriptWithScope;
import org.bson.BsonString;
import org.bson.BsonSymbol;
import org.bson.BsonUndefined;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.bson.codecs.DecoderContext;
import org.bson.codecs.EncoderContext;
import org.bson.codecs.RawBsonDocumentCodec;
import org.bson.io.BasicOutputBuffer;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The copy path at the codec level, for the BSON types the embedded server cannot store: the bytes a
 * cursor reply carries reach the insert command unchanged.
 */
class CopyBatcherTest {

    private static final RawBsonDocumentCodec CODEC = new RawBsonDocumentCodec();

    @Test
    void passesTypesTheEmbeddedServerCannotStoreThroughUnchanged() {
        List<BsonValue> values = new ArrayList<>(List.of(
                new BsonSymbol("sym"),
                new BsonDbPointer("db.coll", new ObjectId("65f000000000000000000002")),
                new BsonJavaScriptWithScope("function () { return x; }", new BsonDocument("x", new BsonInt32(1))),
                new BsonUndefined()));
        for (byte subtype : new byte[] {1, 2, 5, 6, 7, 8, 9, (byte) 0x80}) {
            values.add(new BsonBinary(subtype, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}));
        }
        BsonDocument firstBatch = new BsonDocument();
        List<byte[]> originals = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            RawBsonDocument doc = RawBsonDocument.parse("{}");
            BsonDocument d = new BsonDocument("_id", new BsonInt32(i)).append("v", values.get(i)).append("after", new BsonString("x"));
            doc = new RawBsonDocument(d, MongoClientSettings.getDefaultCodecRegistry().get(BsonDocument.class));
            originals.add(bytes(doc));
            firstBatch.append(String.valueOf(i), doc);
        }
        // the documents as a cursor reply delivers them, decoded the way the driver decodes raw documents
        List<RawBsonDocument> fromCursor = new ArrayList<>();
        for (byte[] b : originals) {
            fromCursor.add(CODEC.decode(new BsonBinaryReader(ByteBuffer.wrap(b)), DecoderContext.builder().build()));
        }

        CopyBatcher batcher = new CopyBatcher(1 << 20);
        List<List<RawBsonDocument>> batches = new ArrayList<>();
        for (RawBsonDocument d : fromCursor) {
            List<RawBsonDocument> full = batcher.add(d);
            if (full != null) {
                batches.add(full);
            }
        }
        batches.add(batcher.take());

        List<byte[]> written = new ArrayList<>();
        for (List<RawBsonDocument> batch : batches) {
            for (RawBsonDocument d : batch) { // encoded the way the insert command encodes them
                BasicOutputBuffer out = new BasicOutputBuffer();
                CODEC.encode(new BsonBinaryWriter(out), d, EncoderContext.builder().isEncodingCollectibleDocument(true).build());
                written.add(out.toByteArray());
            }
        }
        assertThat(written).hasSameSizeAs(originals);
        for (int i = 0; i < originals.size(); i++) {
            assertThat(Arrays.equals(written.get(i), originals.get(i))).as("bytes of %s", values.get(i)).isTrue();
        }
    }

    @Test
    void boundsBatchesByBytesAndLetsAnOversizedDocumentTravelAlone() {
        CopyBatcher batcher = new CopyBatcher(100);
        RawBsonDocument small = doc(40);
        RawBsonDocument huge = doc(500);

        assertThat(batcher.add(small)).isNull();
        assertThat(batcher.add(small)).isNull();
        assertThat(batcher.add(small)).hasSize(2);   // the third does not fit beside two
        assertThat(batcher.add(huge)).hasSize(1);    // the held one leaves, the huge one starts a batch
        assertThat(batcher.add(small)).containsExactly(huge);
        assertThat(batcher.take()).containsExactly(small);
        assertThat(batcher.isEmpty()).isTrue();
    }

    @Test
    void boundsBatchesByCount() {
        CopyBatcher batcher = new CopyBatcher(1 << 20, 3);
        assertThat(batcher.add(doc(30))).isNull();
        assertThat(batcher.add(doc(30))).isNull();
        assertThat(batcher.add(doc(30))).hasSize(3);
        assertThat(batcher.isEmpty()).isTrue();
    }

    private static RawBsonDocument doc(int size) {
        BsonDocument d = new BsonDocument("p", new BsonString("x".repeat(size - 13)));
        RawBsonDocument raw = new RawBsonDocument(d, MongoClientSettings.getDefaultCodecRegistry().get(BsonDocument.class));
        assertThat(CopyBatcher.sizeOf(raw)).isEqualTo(size);
        return raw;
    }

    private static byte[] bytes(RawBsonDocument d) {
        byte[] b = new byte[d.getByteBuffer().remaining()];
        d.getByteBuffer().get(b);
        return b;
    }
}
