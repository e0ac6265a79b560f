package dev.livemigrate.core.sync;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.Namespace;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonTimestamp;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.function.Supplier;

/** Turns a capture or apply error into the migration's coded failure. */
final class SyncFailures {

    /** ChangeStreamHistoryLost, ChangeStreamFatalError, CappedPositionLost. */
    private static final Set<Integer> HISTORY_LOST = Set.of(286, 280, 136);

    private SyncFailures() {
    }

    /** A lost change history, with the collection whose stream lost it ({@code null}: the cluster-wide stream). */
    static final class LostStream extends RuntimeException {
        final transient Namespace namespace;

        LostStream(Namespace namespace, MongoCommandException cause) {
            super(cause);
            this.namespace = namespace;
        }
    }

    /** The error of a stream's reader, marked with the stream's collection when it is a lost change history. */
    static Throwable inStream(Namespace namespace, Throwable t) {
        return t instanceof MongoCommandException c && HISTORY_LOST.contains(c.getErrorCode()) ? new LostStream(namespace, c) : t;
    }

    /** The migration's failure for an error of capture or apply, recognising a lost change history. */
    static MigrationException classify(Throwable t) {
        return classify(t, () -> "");
    }

    /**
     * @param window for a lost change history: how far the migration had got and how far back the source's oplog
     *               reaches now (asked only then)
     */
    static MigrationException classify(Throwable t, Supplier<String> window) {
        if (t instanceof MigrationException m) {
            return m;
        }
        if (t instanceof LostStream lost) {
            return lostHistory((MongoCommandException) lost.getCause(), window, lost.namespace == null ? "*" : lost.namespace.fullName());
        }
        if (t instanceof MongoCommandException c && HISTORY_LOST.contains(c.getErrorCode())) {
            return lostHistory(c, window, "*");
        }
        if (t instanceof MongoException) {
            return new MigrationException(ErrorCode.APPLY_FAILED, "following the source's changes failed: " + t.getMessage()
                    + ". Fix the cause and resume the migration with the same id", t);
        }
        return new MigrationException(ErrorCode.INTERNAL, "following the source's changes failed unexpectedly: " + t, t);
    }

    /** {@code recopy}: the collection whose stream lost its history, or {@code *} for every selected one. */
    private static MigrationException lostHistory(MongoCommandException c, Supplier<String> window, String recopy) {
        String which = recopy.equals("*") ? "every selected collection (the cluster-wide stream carries them all)" : recopy;
        return new MigrationException(ErrorCode.CHANGE_HISTORY_LOST, "the source's change history no longer reaches"
                + " back to where this migration must resume (" + c.getErrorCodeName() + ": " + c.getErrorMessage()
                + ")" + window.get() + "; changes to " + which + " may have been missed. The oplog rolled over while the"
                + " migration was behind or stopped. Resume the migration with the same id and copy again what the lost"
                + " history covered: recopy " + recopy + " (CLI --recopy '" + recopy + "', REST resume with {\"recopy\": [\""
                + recopy + "\"]}); it is dropped on the destination, copied again and followed from then on, and the rest keeps"
                + " its copy. Give the source's oplog a window longer than the copy and any pause take (replSetResizeOplog)", c);
    }

    /**
     * {@code ": the migration had applied the source's changes up to T; the source's oplog now starts at T2, a
     * window of D"}, with what could be read of it.
     */
    static String historyWindow(MongoClient source, BsonTimestamp appliedThrough) {
        StringBuilder b = new StringBuilder(": the migration had applied the source's changes up to ");
        b.append(appliedThrough == null ? "an unknown point" : Instant.ofEpochSecond(appliedThrough.getTime()));
        try {
            BsonDocument first = source.getDatabase("local").getCollection("oplog.rs", BsonDocument.class).find()
                    .sort(new BsonDocument("$natural", new BsonInt32(1))).limit(1).first();
            BsonDocument last = source.getDatabase("local").getCollection("oplog.rs", BsonDocument.class).find()
                    .sort(new BsonDocument("$natural", new BsonInt32(-1))).limit(1).first();
            if (first != null && last != null && first.isTimestamp("ts") && last.isTimestamp("ts")) {
                Instant from = Instant.ofEpochSecond(first.getTimestamp("ts").getTime());
                Instant to = Instant.ofEpochSecond(last.getTimestamp("ts").getTime());
                b.append("; the source's oplog now starts at ").append(from).append(", a window of ").append(Duration.between(from, to));
                if (appliedThrough != null) {
                    b.append(" (the migration was ").append(Duration.between(Instant.ofEpochSecond(appliedThrough.getTime()), to))
                            .append(" behind)");
                }
            }
        } catch (RuntimeException e) {
            b.append("; the source's oplog could not be read (").append(e.getMessage()).append(')');
        }
        return b.toString();
    }
}
