package dev.livemigrate.core.copy;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.InsertManyOptions;
import org.bson.RawBsonDocument;

import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Copies one partition: reads it from the source as raw documents and writes it to the destination in
 * byte-bounded, unordered batches. A partition may be copied again after a crash: documents already on
 * the destination are recognised by their duplicate-key error and skipped, never written twice.
 */
public final class PartitionCopier {

    /** MongoDB's duplicate-key error. */
    static final int DUPLICATE_KEY = 11000;

    private static final InsertManyOptions INSERT_OPTIONS =
            new InsertManyOptions().ordered(false).bypassDocumentValidation(true);

    private final int batchSizeBytes;

    public PartitionCopier(int batchSizeBytes) {
        this.batchSizeBytes = batchSizeBytes;
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
        try (MongoCursor<RawBsonDocument> cursor = source.find(partition.filter()).batchSize(cursorBatchSize).cursor()) {
            while (cursor.hasNext()) {
                RawBsonDocument document = cursor.next();
                List<RawBsonDocument> full = batcher.add(document);
                if (full != null) {
                    long batchBytes = write(destination, full);
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
            long batchBytes = write(destination, rest);
            documents += rest.size();
            bytes += batchBytes;
            progress.copied(rest.size(), batchBytes);
        }
        return new Result(documents, bytes, true);
    }

    /** Inserts a batch, tolerating documents that are already there; returns the batch's bytes. */
    static long write(MongoCollection<RawBsonDocument> destination, List<RawBsonDocument> batch) {
        try {
            destination.insertMany(batch, INSERT_OPTIONS);
        } catch (MongoBulkWriteException e) {
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
