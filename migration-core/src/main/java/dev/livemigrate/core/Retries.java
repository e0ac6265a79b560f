package dev.livemigrate.core;

import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.spi.TransientErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Supplier;

/** Retries idempotent work on transient driver errors, with exponential backoff. */
public final class Retries {

    private static final Logger LOG = LoggerFactory.getLogger(Retries.class);

    private Retries() {
    }

    /** Whether an error is one a retry can outlive ({@link TransientErrors}). */
    public static boolean isTransient(Throwable t) {
        return TransientErrors.isTransient(t);
    }

    /**
     * Runs idempotent work, retrying transient errors up to {@code attempts} times in all.
     *
     * @param what names the work in logs
     */
    public static <T> T run(String what, int attempts, Supplier<T> work) {
        long backoffMillis = 200;
        for (int attempt = 1; ; attempt++) {
            try {
                return work.get();
            } catch (RuntimeException e) {
                if (attempt >= attempts || !isTransient(e)) {
                    throw e;
                }
                LOG.warn("{} failed ({}); retrying in {} ms, attempt {} of {}", what, e.toString(), backoffMillis,
                        attempt + 1, attempts);
                try {
                    Thread.sleep(backoffMillis);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new MigrationException(ErrorCode.INTERRUPTED, what + " was interrupted while waiting to retry", e);
                }
                backoffMillis = Math.min(10_000, backoffMillis * 2);
            }
        }
    }
}
