package dev.livemigrate.core.sync;

import dev.livemigrate.core.state.MetadataStore;
import org.bson.BsonTimestamp;

import java.util.HashMap;
import java.util.Map;

/**
 * The persisted side of {@link Checkpointer}: the positions a previous run saved, and saving each
 * stream's low-water mark when it moved.
 */
final class Checkpoints {

    private final MetadataStore metadata;
    private final String migrationId;
    private final Checkpointer checkpointer;
    private final Map<String, Checkpointer.Position> saved = new HashMap<>();
    private final Map<String, Checkpointer.Position> persisted = new HashMap<>();
    private BsonTimestamp syncedThrough;

    Checkpoints(MetadataStore metadata, String migrationId, Checkpointer checkpointer) {
        this.metadata = metadata;
        this.migrationId = migrationId;
        this.checkpointer = checkpointer;
        metadata.checkpoints(migrationId).forEach((stream, d) -> saved.put(stream, new Checkpointer.Position(
                d.isDocument("resumeToken") ? d.getDocument("resumeToken") : null,
                d.isTimestamp("clusterTime") ? d.getTimestamp("clusterTime") : null)));
    }

    /** Where a previous run left a stream, or {@code null}. */
    Checkpointer.Position saved(String stream) {
        return saved.get(stream);
    }

    /** Forgets a stream that ended for good: nothing of it is saved again (the metadata's copy goes with its collection). */
    synchronized void forget(String stream) {
        checkpointer.forget(stream);
        saved.remove(stream);
        persisted.remove(stream);
    }

    /**
     * Saves how far the migration has applied, when it moved, for a verification running beside it (in this
     * process or another).
     */
    synchronized void persistSyncedThrough(BsonTimestamp through) {
        if (through != null && !through.equals(syncedThrough)) {
            metadata.saveSyncedThrough(migrationId, through);
            syncedThrough = through;
        }
    }

    /** Saves every stream's low-water mark that moved since the last save. */
    synchronized void persist() {
        checkpointer.lowWater().forEach((stream, position) -> {
            if (!position.equals(persisted.get(stream))) {
                metadata.saveCheckpoint(migrationId, stream, position.resumeToken(), position.clusterTime());
                persisted.put(stream, position);
            }
        });
    }
}
