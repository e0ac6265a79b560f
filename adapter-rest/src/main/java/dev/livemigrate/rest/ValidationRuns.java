package dev.livemigrate.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.Migrations;
import dev.livemigrate.ValidationFinding;
import dev.livemigrate.ValidationReport;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Pre-flight validations ({@link Migrations#validate}) by id: {@code {id, status: PENDING|SUCCESS|FAILED, findings}}.
 * A validation runs in the background; the request that starts it waits for it up to a bound and answers PENDING
 * when it is still running, to be asked again by id. SUCCESS means no ERROR finding (WARNINGs may be there);
 * a check that could not run at all is an ERROR finding with the library's code. Kept in memory, the last
 * {@value #KEPT} only: a restart forgets them.
 */
final class ValidationRuns {

    static final int KEPT = 100;

    private final Map<String, CompletableFuture<ValidationReport>> runs = new LinkedHashMap<>();
    private final ExecutorService background;
    private final Duration wait;

    ValidationRuns(ExecutorService background, Duration wait) {
        this.background = background;
        this.wait = wait;
    }

    /** Starts a validation of the spec and returns its view once done, or PENDING after the wait. */
    ObjectNode start(MigrationSpec spec) {
        return start(CompletableFuture.supplyAsync(() -> validate(spec), background));
    }

    /** Keeps a validation run elsewhere (on a migration host) and returns its view once done, or PENDING after the wait. */
    ObjectNode start(CompletableFuture<ValidationReport> run) {
        String id = "v-" + UUID.randomUUID().toString().substring(0, 8);
        synchronized (this) {
            runs.put(id, run);
            if (runs.size() > KEPT) {
                runs.remove(runs.keySet().iterator().next());
            }
        }
        try {
            run.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // still running: PENDING
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        return view(id, run);
    }

    /** @throws ApiException 404 for an unknown (or forgotten) id */
    ObjectNode get(String id) {
        CompletableFuture<ValidationReport> run;
        synchronized (this) {
            run = runs.get(id);
        }
        if (run == null) {
            throw ApiException.notFound("no validation '" + id + "' is known: the server keeps the last " + KEPT
                    + " until it restarts; POST /api/v1/migrations/validate runs a new one");
        }
        return view(id, run);
    }

    private static ValidationReport validate(MigrationSpec spec) {
        try {
            return Migrations.validate(spec);
        } catch (MigrationException e) {
            return new ValidationReport(List.of(ValidationFinding.error(e.errorCode().name(), e.getMessage(),
                    "correct the migration body and validate again")));
        }
    }

    private static ObjectNode view(String id, CompletableFuture<ValidationReport> run) {
        ObjectNode view = JsonSupport.object().put("id", id);
        ValidationReport report = run.getNow(null);
        if (report == null) {
            view.put("status", "PENDING").putArray("findings");
        } else {
            view.put("status", report.hasErrors() ? "FAILED" : "SUCCESS").set("findings", Errors.findings(report.findings()));
        }
        return view;
    }
}
