package dev.livemigrate.spi;

import com.mongodb.MongoConnectionPoolClearedException;
import com.mongodb.MongoException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;

/**
 * Which driver errors a retry can outlive: network errors (and the connection pool paused after one), no
 * primary or a node recovering (elections), server selection timeouts, and errors the server labels
 * {@code RetryableWriteError}, {@code ResumableChangeStreamError} or {@code TransientTransactionError}. Shared by
 * the engine and by plug-ins (verifiers, validators) that retry their own reads.
 *
 * @since 0.1
 */
public final class TransientErrors {

    private TransientErrors() {
    }

    /** Whether retrying the same idempotent work may succeed. */
    public static boolean isTransient(Throwable t) {
        if (t instanceof MongoSocketException || t instanceof MongoNotPrimaryException
                || t instanceof MongoNodeIsRecoveringException || t instanceof MongoTimeoutException
                || t instanceof MongoConnectionPoolClearedException) {
            return true;
        }
        return t instanceof MongoException e && (e.hasErrorLabel(MongoException.TRANSIENT_TRANSACTION_ERROR_LABEL)
                || e.hasErrorLabel("RetryableWriteError") || e.hasErrorLabel("ResumableChangeStreamError"));
    }
}
