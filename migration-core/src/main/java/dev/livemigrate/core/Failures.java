package dev.livemigrate.core;

import com.mongodb.MongoException;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.Namespace;

/** Turns what a phase threw into the migration's coded failure. */
public final class Failures {

    private Failures() {
    }

    /**
     * The failure to report for an error of the copy or the run.
     *
     * @param ns the namespace being copied, or {@code null} when the error is not about one
     */
    public static MigrationException wrap(Throwable t, Namespace ns) {
        if (t instanceof MigrationException m) {
            return m;
        }
        String where = ns == null ? "the migration" : "copying " + ns;
        if (t instanceof MongoException) {
            return new MigrationException(ErrorCode.COPY_FAILED, where + " failed: " + t.getMessage()
                    + ". Fix the cause and resume the migration with the same id", t);
        }
        return new MigrationException(ErrorCode.INTERNAL, where + " failed unexpectedly: " + t, t);
    }
}
