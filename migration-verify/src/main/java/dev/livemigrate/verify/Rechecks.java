package dev.livemigrate.verify;

import dev.livemigrate.spi.SyncWatermark;

import java.time.Duration;
import java.util.List;

/**
 * How the documents a comparison found different are read again before they are reported, so that changes
 * still on their way to the destination are not reported as differences.
 *
 * <p>With no migration syncing ({@link SyncWatermark#NONE}): a few rounds, half a second apart. While one
 * syncs: each round reads the source, takes the source's time, waits until the migration has applied every
 * change up to that time, and only then reads the destination. A difference that remains although neither
 * side changed since the round before is real and reported at once; one where either side keeps changing is
 * read again, until the time spent waiting, summed over every namespace of one verification, reaches the
 * budget ({@link #LIVE_BUDGET}), and is then reported as it stands.
 */
final class Rechecks {

    static final Duration LIVE_BUDGET = Duration.ofMinutes(2);
    private static final int SETTLED_ROUNDS = 5;
    private static final long SETTLED_PAUSE_MILLIS = 500;

    /**
     * One round over what still differs: reads the source's side, runs {@code betweenSides}, reads the
     * destination's side.
     */
    interface Round<M> {
        Outcome<M> again(List<M> differing, Runnable betweenSides);
    }

    /**
     * @param still what differs after the round
     * @param read  what the round read on both sides, comparable between rounds (equal when neither changed)
     */
    record Outcome<M>(List<M> still, Object read) {
    }

    private final SyncWatermark live;
    private final Duration budget;
    private long waitedNanos;

    Rechecks(SyncWatermark live) {
        this(live, LIVE_BUDGET);
    }

    Rechecks(SyncWatermark live, Duration budget) {
        this.live = live;
        this.budget = budget;
    }

    /** Reads what differs again until nothing does, or until what still differs is known to, or the rounds are spent. */
    <M> List<M> until(List<M> differing, Round<M> round) {
        Outcome<M> last = round.again(differing, () -> { });
        if (!live.isLive()) {
            for (int r = 1; r < SETTLED_ROUNDS && !last.still().isEmpty(); r++) {
                pause();
                last = round.again(last.still(), () -> { });
            }
            return last.still();
        }
        while (!last.still().isEmpty() && waitedNanos < budget.toNanos()) {
            boolean[] applied = {false};
            Outcome<M> next = round.again(last.still(), () -> applied[0] = awaitSourceNow());
            boolean settled = applied[0] && next.read().equals(last.read());
            last = next;
            if (settled) {
                break;
            }
        }
        return last.still();
    }

    /** Waits until the migration has applied up to the source's time now; whether it did within the budget. */
    private boolean awaitSourceNow() {
        long started = System.nanoTime();
        try {
            return live.awaitApplied(live.sourceTime(), budget.minusNanos(waitedNanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            waitedNanos = budget.toNanos();
            return false;
        } catch (RuntimeException e) {
            waitedNanos = budget.toNanos(); // the migration cannot say how far it is: report what differs now
            return false;
        } finally {
            waitedNanos += System.nanoTime() - started;
        }
    }

    private static void pause() {
        try {
            Thread.sleep(SETTLED_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
