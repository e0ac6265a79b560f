package dev.livemigrate.core.sync;

import dev.livemigrate.MigrationProgress;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Running totals of change capture over a whole sync phase (across pauses): events read, batches applied and their time. */
final class CaptureCounters {

    private final AtomicLong eventsRead = new AtomicLong();
    private final AtomicLong applyBatches = new AtomicLong();
    private final AtomicLong applyNanos = new AtomicLong();

    void read() {
        eventsRead.incrementAndGet();
    }

    void applied(long nanos) {
        applyBatches.incrementAndGet();
        applyNanos.addAndGet(nanos);
    }

    /** The totals, without retries (the run's retry budget counts those). */
    MigrationProgress.Counters snapshot() {
        return new MigrationProgress.Counters(eventsRead.get(), applyBatches.get(), Duration.ofNanos(applyNanos.get()), Map.of());
    }
}
