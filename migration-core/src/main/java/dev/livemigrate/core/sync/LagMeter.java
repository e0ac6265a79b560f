package dev.livemigrate.core.sync;

import org.bson.BsonTimestamp;

import java.time.Duration;
import java.util.Collection;

/**
 * Lag and apply rate, sampled about once a second. Lag is the slowest stream's: the source's newest
 * operation time less the oldest of (a) each stream's position, for every stream that has not come back
 * empty since the previous sample (one that has holds nothing older), and (b) the oldest change read and
 * not applied yet. Zero when every stream came back empty and everything read is applied. A stream that
 * delivers nothing and never comes back empty (stalled) keeps its position and so keeps lag up, however
 * quiet the others are.
 *
 * <p>Each sample also says how far the migration has applied ({@link #syncedThrough}): every source change up to
 * a time before the oldest of (a) and (b), and, for the streams that came back empty, up to the source time read
 * two samples ago (one read before the empty reply was asked for, with a second to spare for the network).
 */
final class LagMeter {

    private final Checkpointer checkpointer;
    private volatile Duration lag;
    private volatile double eventsPerSecond;
    private long previousSampleNanos;
    private long previousApplied;
    private BsonTimestamp previousClock;
    private BsonTimestamp olderClock;
    private volatile BsonTimestamp syncedThrough;

    LagMeter(Checkpointer checkpointer, long startNanos) {
        this.checkpointer = checkpointer;
        this.previousSampleNanos = startNanos;
    }

    /**
     * @param streams   the streams read now
     * @param sourceNow the source's newest (majority-committed) operation time
     * @param applied   events applied so far
     * @param nanos     when this sample is taken ({@link System#nanoTime()})
     */
    synchronized void sample(Collection<? extends StreamProgress> streams, BsonTimestamp sourceNow, long applied, long nanos) {
        BsonTimestamp behind = checkpointer.oldestUnapplied();
        for (StreamProgress s : streams) {
            if (!s.caughtUpSince(previousSampleNanos)) {
                behind = older(behind, s.position());
            }
        }
        lag = behind == null ? Duration.ZERO : Duration.ofSeconds(Math.max(0, (long) sourceNow.getTime() - behind.getTime()));
        syncedThrough = olderClock == null || behind == null ? olderClock : older(olderClock, justBefore(behind));
        olderClock = previousClock;
        previousClock = sourceNow;
        double seconds = Math.max(0.001, (nanos - previousSampleNanos) / 1e9);
        eventsPerSecond = (applied - previousApplied) / seconds;
        previousApplied = applied;
        previousSampleNanos = nanos;
    }

    private static BsonTimestamp older(BsonTimestamp a, BsonTimestamp b) {
        if (a == null) {
            return b;
        }
        return b == null || a.compareTo(b) <= 0 ? a : b;
    }

    /** The operation time just before {@code t}. */
    private static BsonTimestamp justBefore(BsonTimestamp t) {
        return t.getInc() != 0 ? new BsonTimestamp(t.getTime(), t.getInc() - 1) : new BsonTimestamp(t.getTime() - 1, -1);
    }

    /**
     * A source time up to which every change the streams follow has been applied, or {@code null} until the
     * third sample.
     */
    BsonTimestamp syncedThrough() {
        return syncedThrough;
    }

    /** {@code null} until the first sample. */
    Duration lag() {
        return lag;
    }

    double eventsPerSecond() {
        return eventsPerSecond;
    }
}
