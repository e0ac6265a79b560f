package dev.livemigrate.benchmarks;

import dev.livemigrate.MigrationProgress;
import dev.livemigrate.MigrationReport;
import dev.livemigrate.MigrationSession;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.MigrationState;
import dev.livemigrate.Migrations;
import dev.livemigrate.VerificationReport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The scale run's engine, in a JVM started with {@code -Xmx512m}: one live migration through the public API
 * ({@code verify(true)}, every other setting the default) from the source to the destination given as
 * arguments. It reports on stdout, one {@code scale <key> <value>} line each: the copy's time, documents
 * and bytes once the session first syncs ({@code scale synced} then), the lag sampled every second between
 * the parent's {@code start} and {@code stop} lines on stdin (the writer's run) and at {@code stop}, the
 * events applied meanwhile, the time to catch up, then cutover, the verification's figures and verdict and
 * the heap ({@link HeapWatch}). Exits with status 1 when the verdict is not EQUAL, 2 when the migration fails.
 */
public final class ScaleEngine {

    private ScaleEngine() {
    }

    public static void main(String[] args) throws Exception {
        HeapWatch heap = HeapWatch.start();
        MigrationSpec spec = MigrationSpec.builder().migrationId("scale").source(args[0]).destination(args[1]).verify(true).build();
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        long started = System.nanoTime();
        try (MigrationSession session = Migrations.start(spec)) {
            MigrationProgress copied = await(session, Set.of(MigrationState.SYNCING, MigrationState.READY_TO_CUTOVER), Duration.ofHours(3));
            emit("copy.millis", (System.nanoTime() - started) / 1_000_000);
            emit("copy.documents", copied.copiedDocuments());
            emit("copy.bytes", copied.copiedBytes());
            emit("copy.heapPoolPeaks", heap.poolPeaks());
            emit("copy.heapMaxAfterFullGc", heap.maxAfterFullGc());
            emit("synced", 0);

            expect(commands, "start");
            CountDownLatch stop = new CountDownLatch(1);
            Thread reader = new Thread(() -> {
                try {
                    expect(commands, "stop");
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                } finally {
                    stop.countDown();
                }
            }, "scale-commands");
            reader.start();
            long appliedAtStart = session.progress().eventsApplied();
            long writeStart = System.nanoTime();
            long maxLag = 0;
            double maxRate = 0;
            int samples = 0;
            while (!stop.await(1, TimeUnit.SECONDS)) {
                MigrationProgress p = session.progress();
                failIfEnded(session, p);
                maxLag = Math.max(maxLag, p.lag() == null ? 0 : p.lag().toMillis());
                maxRate = Math.max(maxRate, p.eventsPerSecond());
                if (++samples % 10 == 0) {
                    System.err.println("scale engine: " + p.toJson());
                }
            }
            MigrationProgress atStop = session.progress();
            long writeNanos = System.nanoTime() - writeStart;
            emit("sync.lagMaxMillis", Math.max(maxLag, atStop.lag() == null ? 0 : atStop.lag().toMillis()));
            emit("sync.lagAtEndMillis", atStop.lag() == null ? -1 : atStop.lag().toMillis());
            emit("sync.appliedDuringWrites", atStop.eventsApplied() - appliedAtStart);
            emit("sync.appliedPerSecond", (long) ((atStop.eventsApplied() - appliedAtStart) / (writeNanos / 1e9)));
            emit("sync.maxEventsPerSecond", (long) maxRate);
            long catchUp = System.nanoTime();
            MigrationProgress caughtUp = awaitLag(session, Duration.ofMinutes(30));
            emit("sync.catchUpMillis", (System.nanoTime() - catchUp) / 1_000_000);
            emit("sync.applied", caughtUp.eventsApplied());

            await(session, Set.of(MigrationState.READY_TO_CUTOVER), Duration.ofMinutes(30));
            MigrationReport report = session.cutover(false);
            VerificationReport verification = report.verificationReport();
            emit("cutover.downtimeMillis", report.downtime() == null ? -1 : report.downtime().toMillis());
            emit("report.changesApplied", report.changesApplied());
            emit("report.copiedDocuments", report.copiedDocuments());
            emit("report.copiedBytes", report.copiedBytes());
            emit("report.durationMillis", report.duration().toMillis());
            if (verification != null) {
                emit("verify.millis", verification.duration().toMillis());
                emit("verify.documents", verification.documentsHashed());
                emit("verify.bytes", verification.bytesHashed());
            }
            emit("heap.poolPeaks", heap.poolPeaks());
            emit("heap.maxBeforeGc", heap.maxBeforeGc());
            emit("heap.maxAfterGc", heap.maxAfterGc());
            emit("heap.max", Runtime.getRuntime().maxMemory());
            emit("heap.maxAfterFullGc", heap.maxAfterFullGc());
            emit("heap.fullCollections", heap.fullCollections());
            emit("heap.collections", heap.collections());
            emit("heap.gcMillis", heap.gcMillis());
            emit("verification", report.verification());
            if (report.verification() != MigrationReport.Verification.EQUAL) {
                System.err.println("scale engine: verification " + report.verification() + ": "
                        + (verification == null ? "no report" : verification.summary()));
                System.exit(1);
            }
        }
    }

    /** Waits, polling every 100 ms, until the session is in one of the states; fails if it ends meanwhile. */
    private static MigrationProgress await(MigrationSession session, Set<MigrationState> states, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastPrinted = System.nanoTime();
        while (System.nanoTime() < deadline) {
            MigrationProgress p = session.progress();
            if (states.contains(p.state())) {
                return p;
            }
            failIfEnded(session, p);
            if (System.nanoTime() - lastPrinted > 10_000_000_000L) {
                System.err.println("scale engine: " + p.toJson());
                lastPrinted = System.nanoTime();
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new IllegalStateException("the session did not reach " + states + " within " + timeout + ": " + session.progress().toJson());
    }

    /** Waits until the engine reports a lag of zero. */
    private static MigrationProgress awaitLag(MigrationSession session, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            MigrationProgress p = session.progress();
            failIfEnded(session, p);
            if (p.lag() != null && p.lag().isZero()) {
                return p;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new IllegalStateException("the lag did not fall to zero within " + timeout + ": " + session.progress().toJson());
    }

    private static void failIfEnded(MigrationSession session, MigrationProgress p) {
        if (p.state() == MigrationState.FAILED || p.state() == MigrationState.CANCELLED || p.state() == MigrationState.STOPPED
                || p.state() == MigrationState.EXPIRED) {
            System.err.println("scale engine: the migration ended " + p.state() + ": " + session.failure().map(Throwable::toString).orElse(""));
            System.exit(2);
        }
    }

    private static void expect(BufferedReader commands, String expected) throws IOException {
        String line = commands.readLine();
        if (!expected.equals(line)) {
            throw new IllegalStateException("expected '" + expected + "' from the parent, got " + line);
        }
    }

    private static void emit(String key, Object value) {
        System.out.println("scale " + key + " " + value);
        System.out.flush();
    }
}
