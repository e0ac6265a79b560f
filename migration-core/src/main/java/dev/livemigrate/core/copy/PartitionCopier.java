package dev.livemigrate.core.copy;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.FindIterable;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.InsertManyOptions;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.RawBsonDocument;

import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Copies one partition: reads it from the source as raw documents and writes it to the destination in
 * byte-bounded, unordered batches. A partition may be copied again after a crash: documents already on
 * the destination are recognised by their duplicate-key error and skipped, never written twice.
 *
 * <p>In natural order (a capped collection, copied as one partition) the source is read in insertion
 * order ({@code $natural}) and the batches are ordered inserts, so the destination holds the documents in
 * the source's order and evicts the same ones. Such a copy is not idempotent: the caller empties the
 * destination collection before each attempt.
 */
public final class PartitionCopier {

    /** MongoDB's duplicate-key error. */
    static final int DUPLICATE_KEY = 11000;

    private static final InsertManyOptions INSERT_OPTIONS =
            new InsertManyOptions().ordered(false).bypassDocumentValidation(true);

    private static final InsertManyOptions ORDERED_INSERT_OPTIONS =
            new InsertManyOptions().ordered(true).bypassDocumentValidation(true);
    private static final BsonDocument NATURAL_ORDER = new BsonDocument("$natural", new BsonInt32(1));

    private final int batchSizeBytes;
    private final boolean naturalOrder;

    public PartitionCopier(int batchSizeBytes) {
        this(batchSizeBytes, false);
    }

    /** @param naturalOrder read in {@code $natural} order and insert in that order */
    public PartitionCopier(int batchSizeBytes, boolean naturalOrder) {
        this.batchSizeBytes = batchSizeBytes;
        this.naturalOrder = naturalOrder;
    }

    /** Counts what a copy moved. */
    public interface Progress {
        void copied(long documents, long bytes);
    }

    /** What a partition copy read. */
    public record Result(long documents, long bytes, boolean completed) {
    }

    /**
     * Copies the partition.
     *
     * @param stopRequested polled between batches; when true the copy ends early, not completed
     */
    public Result copy(MongoCollection<RawBsonDocument> source, MongoCollection<RawBsonDocument> destination,
                       Partition partition, int cursorBatchSize, BooleanSupplier stopRequested, Progress progress) {
        CopyBatcher batcher = new CopyBatcher(batchSizeBytes);
        long documents = 0;
        long bytes = 0;
        FindIterable<RawBsonDocument> find = source.find(partition.filter()).batchSize(cursorBatchSize);
        try (MongoCursor<RawBsonDocument> cursor = (naturalOrder ? find.sort(NATURAL_ORDER) : find).cursor()) {
            while (cursor.hasNext()) {
                RawBsonDocument document = cursor.next();
                List<RawBsonDocument> full = batcher.add(document);
                if (full != null) {
                    long batchBytes = write(destination, full, naturalOrder);
                    documents += full.size();
                    bytes += batchBytes;
                    progress.copied(full.size(), batchBytes);
                    if (stopRequested.getAsBoolean()) {
                        return new Result(documents, bytes, false);
                    }
                }
            }
        }
        if (!batcher.isEmpty()) {
            List<RawBsonDocument> rest = batcher.take();
            long batchBytes = write(destination, rest, naturalOrder);
            documents += rest.size();
            bytes += batchBytes;
            progress.copied(rest.size(), batchBytes);
        }
        return new Result(documents, bytes, true);
    }

    /** Inserts a batch, tolerating documents that are already there; returns the batch's bytes. */
    static long write(MongoCollection<RawBsonDocument> destination, List<RawBsonDocument> batch) {
        return write(destination, batch, false);
    }

    /** Inserts a batch; unordered, it tolerates documents that are already there; returns the batch's bytes. */
    private static long write(MongoCollection<RawBsonDocument> destination, List<RawBsonDocument> batch, boolean ordered) {
        try {
            destination.insertMany(batch, ordered ? ORDERED_INSERT_OPTIONS : INSERT_OPTIONS);
        } catch (MongoBulkWriteException e) {
            if (ordered) {
                throw e; // the rest of the batch was not written: the caller copies the collection again
            }
            for (BulkWriteError error : e.getWriteErrors()) {
                if (error.getCode() != DUPLICATE_KEY) {
                    throw e;
                }
            }
            if (e.getWriteConcernError() != null) {
                throw e;
            }
        }
        long bytes = 0;
        for (RawBsonDocument d : batch) {
            bytes += CopyBatcher.sizeOf(d);
        }
        return bytes;
    }
}
