package dev.livemigrate.core.cutover;

import com.mongodb.MongoCommandException;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.MigrationState;
import dev.livemigrate.Namespace;
import dev.livemigrate.VerificationReport;
import dev.livemigrate.core.RunContext;
import dev.livemigrate.core.Verification;
import dev.livemigrate.core.sync.ChangeSync;
import dev.livemigrate.core.sync.CutPoint;
import dev.livemigrate.core.catalog.IndexRelaxation;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The steps of one cutover, in the order the session runs them: writes stop (the operator says so, or
 * the source blocks user writes), every change up to a {@link CutPoint} taken then is applied
 * ({@link #drain}), and {@link #finish} restores the index definitions relaxed for syncing and verifies.
 * A cutover that fails is undone ({@link #undo}): writes are unblocked first. One that fails in the drain or
 * on a unique index the destination's documents break ({@link ErrorCode#UNIQUE_INDEX_CONFLICT}, with the
 * keys in {@link #indexConflicts}) leaves the session in sync, to try again.
 */
public final class Cutover {

    private static final Logger LOG = LoggerFactory.getLogger(Cutover.class);

    private final RunContext run;
    private final Instant writesStopped;
    private final Map<String, List<String>> indexConflicts = new ConcurrentHashMap<>();
    private final Map<String, String> cappedNotRestored = new ConcurrentHashMap<>();
    private volatile boolean writesBlocked;
    private volatile Duration downtime;
    private volatile VerificationReport verification;
    private volatile CutPoint cutPoint;

    /** A cutover starting now: the application's writes have stopped, or {@link #blockWrites} is next. */
    public Cutover(RunContext run) {
        this.run = run;
        this.writesStopped = run.clock().instant();
    }

    /** Blocks user writes on the source ({@code setUserWriteBlockMode}, MongoDB 6.0+). */
    public void blockWrites() {
        setUserWriteBlockMode(true);
        writesBlocked = true;
    }

    /**
     * Waits until every change up to a cut point taken now (writes have stopped) is applied.
     *
     * @throws MigrationException {@link ErrorCode#CUTOVER_FAILED} when that takes longer than the spec's
     *                            drain timeout (writes are still coming)
     */
    public void drain(ChangeSync sync) throws InterruptedException {
        CutPoint cut = CutPoint.take(run.source(), run.connections().sourceSettings(), run.id());
        LOG.info("migration {}: draining every change up to {}", run.id(), cut);
        Duration timeout = run.spec().cutoverDrainTimeout();
        if (!sync.awaitCaughtUp(cut, timeout)) {
            throw new MigrationException(ErrorCode.CUTOVER_FAILED, "the destination did not catch up with the source's "
                    + cut + " within " + timeout + ": make sure writes to the source have stopped, then cut over again");
        }
        cutPoint = cut;
    }

    /** Where the drain ended (and how that point was taken); {@code null} before a drain succeeded. */
    public CutPoint cutPoint() {
        return cutPoint;
    }

    /** After a cutover that did not go through: unblocks the source's writes if this cutover blocked them. */
    public void undo(MigrationException cause) {
        if (writesBlocked) {
            try {
                setUserWriteBlockMode(false);
                writesBlocked = false;
            } catch (MigrationException unblock) {
                cause.addSuppressed(unblock);
            }
        }
        LOG.warn("migration {}: cutover did not complete: {}", run.id(), cause.getMessage());
    }

    /**
     * After the drain: restores the relaxed index definitions (a unique index the data breaks fails the
     * cutover with change capture still running), stops change capture (everything up to the cutover
     * point is applied), gives capped collections their size and maximum back ({@link CappedRestore}),
     * verifies when the spec asks, and records the migration completed.
     *
     * @param enter             moves the session to a later state of the cutover (FINALIZING, VERIFYING)
     * @param checkNotCancelled throws {@link ErrorCode#CANCELLED} when the migration was cancelled meanwhile
     */
    public void finish(ChangeSync sync, Consumer<MigrationState> enter, Runnable checkNotCancelled) {
        enter.accept(MigrationState.FINALIZING);
        restoreIndexes(); // still syncing: a conflict goes back to READY_TO_CUTOVER
        sync.close();
        cappedNotRestored.putAll(CappedRestore.restore(run));
        downtime = downtime();
        checkNotCancelled.run();
        if (run.spec().verify()) {
            enter.accept(MigrationState.VERIFYING);
            VerificationReport report = Verification.ofMigration(run);
            verification = report;
            LOG.info("migration {}: verification {}", run.id(), report.verifiers().isEmpty()
                    ? "asked for, but no verifier is on the class path: not verified" : report.summary());
            checkNotCancelled.run();
        }
        run.metadata().setMigrationState(run.id(), "COMPLETED");
    }

    /** The application's downtime: from when writes stopped to the end of finalizing; {@code null} before. */
    public Duration finalDowntime() {
        return downtime;
    }

    /** What verification found, when the spec asked for it; {@code null} otherwise. */
    public VerificationReport verification() {
        return verification;
    }

    /**
     * Restores the unique and TTL definitions relaxed for syncing: first every unique index, made unique
     * by the destination itself; when one of them is broken by the data, the unique indexes restored so
     * far are relaxed again (syncing goes on and must not collide on them) and the cutover fails with the
     * conflicts, before any TTL index starts deleting. Then the TTL indexes.
     *
     * @throws MigrationException {@link ErrorCode#UNIQUE_INDEX_CONFLICT} naming the conflicting keys
     */
    private void restoreIndexes() {
        Map<Namespace, List<BsonDocument>> relaxed = new LinkedHashMap<>();
        run.metadata().relaxedIndexes(run.id()).forEach((target, originals) -> {
            if (!originals.isEmpty() && run.destination().getDatabase(target.database()).listCollectionNames()
                    .into(new HashSet<>()).contains(target.collection())) {
                relaxed.put(target, originals); // else the collection is gone: a restore would create it again
            }
        });
        Map<Namespace, List<BsonDocument>> restoredUnique = new LinkedHashMap<>();
        relaxed.forEach((target, originals) -> {
            List<BsonDocument> unique = originals.stream().filter(Cutover::unique).toList();
            IndexRelaxation.RestoreReport r = IndexRelaxation.restore(run.destination(), target, unique);
            restoredUnique.put(target, unique.stream().filter(o -> r.restored().contains(o.getString("name").getValue())).toList());
            r.conflicts().forEach((index, found) -> {
                indexConflicts.put(target + "." + index, found.stream().map(BsonDocument::toJson).toList());
                LOG.warn("migration {}: unique index {} on {} not restored: the destination's documents break it: {}",
                        run.id(), index, target, found.get(0).toJson());
            });
        });
        if (!indexConflicts.isEmpty()) {
            restoredUnique.forEach((target, restored) -> restored.forEach(o -> IndexRelaxation.relaxAgain(run.destination(), target, o)));
            throw new MigrationException(ErrorCode.UNIQUE_INDEX_CONFLICT, "the destination's documents break " + indexConflicts.size()
                    + " unique index(es) of the source: " + indexConflicts + ". Writes to the source are unblocked and the"
                    + " migration goes on syncing: fix the documents the keys name (on the source, or on the destination"
                    + " if something else wrote there), then cut over again");
        }
        relaxed.forEach((target, originals) -> IndexRelaxation.restore(run.destination(), target,
                originals.stream().filter(o -> !unique(o)).toList()));
    }

    private static boolean unique(BsonDocument index) {
        return index.getBoolean("unique", BsonBoolean.FALSE).getValue();
    }

    /** Unique indexes that could not be restored, by {@code namespace.index}, with the keys that break them. */
    public Map<String, List<String>> indexConflicts() {
        return indexConflicts;
    }

    /** Capped collections whose size and maximum could not be restored, by namespace, with the reason. */
    public Map<String, String> cappedNotRestored() {
        return cappedNotRestored;
    }

    private Duration downtime() {
        return Duration.between(writesStopped, run.clock().instant());
    }

    public boolean writesBlocked() {
        return writesBlocked;
    }

    private void setUserWriteBlockMode(boolean block) {
        try {
            run.source().getDatabase("admin").runCommand(new BsonDocument("setUserWriteBlockMode", new BsonInt32(1))
                    .append("global", BsonBoolean.valueOf(block)));
            LOG.info("migration {}: user writes on the source {}", run.id(), block ? "blocked" : "unblocked");
        } catch (MongoCommandException e) {
            throw new MigrationException(ErrorCode.WRITE_BLOCKING_UNSUPPORTED, "the source refused setUserWriteBlockMode ("
                    + e.getErrorCodeName() + ": " + e.getErrorMessage() + "): blocking writes needs MongoDB 6.0 or newer and"
                    + " the setUserWriteBlockMode privilege. Stop the application's writes yourself and cut over without"
                    + " blocking writes", e);
        }
    }
}
