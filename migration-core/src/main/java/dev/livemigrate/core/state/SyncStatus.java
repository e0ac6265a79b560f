package dev.livemigrate.core.state;

import org.bson.BsonTimestamp;

/**
 * Where a migration syncing into a destination stands, as its record there says ({@link MetadataStore#syncStatus}).
 *
 * @param syncing whether the migration follows the source's changes and has not ended (completed, cancelled or
 *                expired): what is read on the destination may still be on its way
 * @param through how far it has applied them, as it last recorded; {@code null} until it has
 */
public record SyncStatus(boolean syncing, BsonTimestamp through) {
}
