package dev.livemigrate.core.sync;

import com.mongodb.client.MongoClient;
import dev.livemigrate.core.state.MetadataStore;
import dev.livemigrate.core.state.SyncStatus;
import dev.livemigrate.spi.SyncWatermark;
import org.bson.BsonTimestamp;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * How far a migration syncing into a destination has applied, as it records it there (about once a second,
 * {@link LagMeter#syncedThrough}), so that a verification in any process can wait for it; the source's time
 * from {@link SourceClock}.
 */
public final class RecordedWatermark implements SyncWatermark {

    private static final long POLL_MILLIS = 200;

    private final MetadataStore metadata;
    private final String migrationId;
    private final MongoClient source;

    private RecordedWatermark(MetadataStore metadata, String migrationId, MongoClient source) {
        this.metadata = metadata;
        this.migrationId = migrationId;
        this.source = source;
    }

    /** The watermark of the migration if it is syncing into the destination, else {@link SyncWatermark#NONE}. */
    public static SyncWatermark of(MetadataStore metadata, String migrationId, MongoClient source) {
        return metadata.syncStatus(migrationId).syncing() ? new RecordedWatermark(metadata, migrationId, source) : NONE;
    }

    @Override
    public boolean isLive() {
        return true;
    }

    @Override
    public BsonTimestamp sourceTime() {
        return SourceClock.now(source);
    }

    @Override
    public boolean awaitApplied(BsonTimestamp time, Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (true) {
            SyncStatus status = metadata.syncStatus(migrationId);
            if (!status.syncing()) {
                return true; // it ended: what it applied is all there will be
            }
            if (status.through() != null && status.through().compareTo(time) >= 0) {
                return true;
            }
            if (System.nanoTime() >= end) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(Math.min(POLL_MILLIS, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
        }
    }
}
