package dev.livemigrate.core.sync;

import org.bson.BsonTimestamp;

import java.time.Duration;

/**
 * Lag and apply rate, sampled about once a second. Lag is zero when nothing is in flight and every
 * stream came up empty since the previous sample; otherwise the source's newest operation time less
 * that of the oldest change not applied yet (or of the newest applied, or the start point).
 */
final class LagMeter {

    private final Checkpointer checkpointer;
    private final BsonTimestamp startAt;
    private volatile Duration lag;
    private volatile double eventsPerSecond;
    private long previousSampleNanos = System.nanoTime();
    private long previousApplied;

    LagMeter(Checkpointer checkpointer, BsonTimestamp startAt) {
        this.checkpointer = checkpointer;
        this.startAt = startAt;
    }

    /** When the previous sample was taken ({@link System#nanoTime()}). */
    synchronized long previousSampleNanos() {
        return previousSampleNanos;
    }

    /**
     * @param caughtUp  nothing in flight and every stream came up empty since {@link #previousSampleNanos()}
     * @param sourceNow the source's newest operation time
     * @param applied   events applied so far
     */
    synchronized void sample(boolean caughtUp, BsonTimestamp sourceNow, long applied, long nanos) {
        if (caughtUp) {
            lag = Duration.ZERO;
        } else {
            BsonTimestamp base = checkpointer.oldestUnapplied();
            if (base == null) {
                base = checkpointer.newestApplied();
            }
            if (base == null) {
                base = startAt;
            }
            lag = Duration.ofSeconds(Math.max(0, (long) sourceNow.getTime() - base.getTime()));
        }
        double seconds = Math.max(0.001, (nanos - previousSampleNanos) / 1e9);
        eventsPerSecond = (applied - previousApplied) / seconds;
        previousApplied = applied;
        previousSampleNanos = nanos;
    }

    /** {@code null} until the first sample. */
    Duration lag() {
        return lag;
    }

    double eventsPerSecond() {
        return eventsPerSecond;
    }
}
