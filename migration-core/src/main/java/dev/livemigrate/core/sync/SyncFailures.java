package dev.livemigrate.core.sync;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;

import java.util.Set;

/** Turns a capture or apply error into the migration's coded failure. */
final class SyncFailures {

    /** ChangeStreamHistoryLost, ChangeStreamFatalError, CappedPositionLost. */
    private static final Set<Integer> HISTORY_LOST = Set.of(286, 280, 136);

    private SyncFailures() {
    }

    /** The migration's failure for an error of capture or apply, recognising a lost change history. */
    static MigrationException classify(Throwable t) {
        if (t instanceof MigrationException m) {
            return m;
        }
        if (t instanceof MongoCommandException c && HISTORY_LOST.contains(c.getErrorCode())) {
            return new MigrationException(ErrorCode.CHANGE_HISTORY_LOST, "the source's change history no longer reaches"
                    + " back to where this migration must resume (" + c.getErrorCodeName() + ": " + c.getErrorMessage()
                    + "). The oplog rolled over while the migration was behind or stopped. Start the migration again"
                    + " with a new id and clear-destination, and give the source's oplog a window longer than the copy"
                    + " takes (replSetResizeOplog)", t);
        }
        if (t instanceof MongoException) {
            return new MigrationException(ErrorCode.APPLY_FAILED, "following the source's changes failed: " + t.getMessage()
                    + ". Fix the cause and resume the migration with the same id", t);
        }
        return new MigrationException(ErrorCode.INTERNAL, "following the source's changes failed unexpectedly: " + t, t);
    }
}
