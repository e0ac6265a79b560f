package dev.livemigrate.core.copy;

import com.mongodb.MongoClientSettings;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the copy path cuts a partition into insert batches. That the batches carry the cursor's bytes
 * unchanged is proven on the wire by {@link PartitionCopierBytesTest}.
 */
class CopyBatcherTest {

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
}
