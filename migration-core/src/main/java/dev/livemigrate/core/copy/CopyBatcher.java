package dev.livemigrate.core.copy;

import org.bson.RawBsonDocument;

import java.util.ArrayList;
import java.util.List;

/**
 * Gathers raw documents into insert batches bounded by bytes and count. Documents are kept as the
 * {@link RawBsonDocument}s the cursor produced: nothing is decoded or re-encoded, so every byte (field
 * order, numeric types, deprecated BSON types) reaches the destination as the source stored it.
 */
public final class CopyBatcher {

    /** MongoDB's {@code maxWriteBatchSize}. */
    public static final int MAX_DOCUMENTS = 100_000;

    private final int maxBytes;
    private final int maxDocuments;
    private List<RawBsonDocument> batch = new ArrayList<>();
    private long bytes;

    public CopyBatcher(int maxBytes) {
        this(maxBytes, MAX_DOCUMENTS);
    }

    public CopyBatcher(int maxBytes, int maxDocuments) {
        this.maxBytes = maxBytes;
        this.maxDocuments = maxDocuments;
    }

    /** The size of a document as it travels: its raw BSON length. */
    public static int sizeOf(RawBsonDocument document) {
        return document.getByteBuffer().remaining();
    }

    /**
     * Adds a document. Returns the batch to write when this document does not fit beside the ones already
     * held (the document then starts the next batch), or when the batch reached its count; otherwise
     * {@code null}. A single document larger than the byte bound travels alone.
     */
    public List<RawBsonDocument> add(RawBsonDocument document) {
        int size = sizeOf(document);
        List<RawBsonDocument> full = null;
        if (!batch.isEmpty() && bytes + size > maxBytes) {
            full = take();
        }
        batch.add(document);
        bytes += size;
        if (full == null && batch.size() >= maxDocuments) {
            full = take();
        }
        return full;
    }

    /** Whether no document is held. */
    public boolean isEmpty() {
        return batch.isEmpty();
    }

    /** The documents held, emptying the batcher. */
    public List<RawBsonDocument> take() {
        List<RawBsonDocument> taken = batch;
        batch = new ArrayList<>();
        bytes = 0;
        return taken;
    }
}
