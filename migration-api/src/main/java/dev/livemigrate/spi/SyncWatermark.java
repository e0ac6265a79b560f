package dev.livemigrate.spi;

import org.bson.BsonTimestamp;

import java.time.Duration;

/**
 * How far a migration that is still syncing has applied the source's changes, for a {@link Verifier} that
 * compares while it runs: a document read on the source at some time can only be expected on the destination
 * once the migration has applied every change up to that time. {@link #NONE} stands for "no migration is
 * writing to the destination" (after cutover, or a plain comparison), where there is nothing to wait for.
 *
 * @since 0.1
 */
public interface SyncWatermark {

    /** No migration is syncing into the destination. */
    SyncWatermark NONE = new SyncWatermark() {
        @Override
        public boolean isLive() {
            return false;
        }

        @Override
        public BsonTimestamp sourceTime() {
            throw new UnsupportedOperationException("no migration is syncing");
        }

        @Override
        public boolean awaitApplied(BsonTimestamp time, Duration limit) {
            return true;
        }
    };

    /** Whether a migration is syncing into the destination, so that what is read there may still be on its way. */
    boolean isLive();

    /** The source's newest majority-committed operation time, read now. */
    BsonTimestamp sourceTime();

    /**
     * Waits until the migration has applied every change the source made up to and including {@code time}, for at
     * most {@code limit}.
     *
     * @return whether it got there in time
     */
    boolean awaitApplied(BsonTimestamp time, Duration limit) throws InterruptedException;
}
