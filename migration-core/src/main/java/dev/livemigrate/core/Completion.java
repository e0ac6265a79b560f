package dev.livemigrate.core;

import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.MigrationReport;
import dev.livemigrate.MigrationState;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** How a session ends, for callers waiting on it: its report, or its failure. */
final class Completion {

    private final String migrationId;
    private final CompletableFuture<MigrationReport> future = new CompletableFuture<>();

    Completion(String migrationId) {
        this.migrationId = migrationId;
    }

    void complete(MigrationReport report) {
        future.complete(report);
    }

    void fail(MigrationException failure) {
        future.completeExceptionally(failure);
    }

    /**
     * @param state the session's state now, named when the wait times out
     * @throws MigrationException the failure; {@link ErrorCode#INTERRUPTED} when the wait timed out or was interrupted
     */
    MigrationReport await(Duration timeout, Supplier<MigrationState> state) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw (MigrationException) e.getCause();
        } catch (TimeoutException e) {
            throw new MigrationException(ErrorCode.INTERRUPTED, "migration '" + migrationId
                    + "' did not finish within " + timeout + "; it is still " + state.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationException(ErrorCode.INTERRUPTED, "interrupted while waiting for migration '" + migrationId + "'", e);
        }
    }
}
