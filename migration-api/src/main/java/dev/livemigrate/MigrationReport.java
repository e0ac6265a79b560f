package dev.livemigrate;

import java.time.Duration;
import java.time.Instant;

/**
 * What a migration session did, available once it ends.
 *
 * @param migrationId         the migration's id
 * @param state               the terminal state
 * @param startedAt           when this session started
 * @param duration            how long this session ran
 * @param copiedBytes         bytes copied in the initial copy (by this and earlier sessions of the id)
 * @param copiedDocuments     documents copied in the initial copy
 * @param collectionsCopied   collections whose copy finished
 * @param indexesCreated      secondary indexes built on the destination
 * @param viewsCreated        views created on the destination
 * @since 0.1
 */
public record MigrationReport(
        String migrationId,
        MigrationState state,
        Instant startedAt,
        Duration duration,
        long copiedBytes,
        long copiedDocuments,
        int collectionsCopied,
        int indexesCreated,
        int viewsCreated) {
}
