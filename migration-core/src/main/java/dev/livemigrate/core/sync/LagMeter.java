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
 */
final class LagMeter {

    private final Checkpointer checkpointer;
    private volatile Duration lag;
    private volatile double eventsPerSecond;
    private long previousSampleNanos;
    private long previousApplied;

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

    /** {@code null} until the first sample. */
    Duration lag() {
        return lag;
    }

    double eventsPerSecond() {
        return eventsPerSecond;
    }
}
