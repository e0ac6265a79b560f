package dev.livemigrate.core;

import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.Namespace;
import dev.livemigrate.ValidationFinding;
import dev.livemigrate.ValidationReport;
import dev.livemigrate.spi.CommandRunner;
import dev.livemigrate.spi.ValidationContext;
import dev.livemigrate.spi.Validator;
import org.bson.BsonDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Runs every {@link Validator} on the class path and the source's own in parallel, all within one time bound
 * ({@value #TIME_BOUND_SECONDS} s from the start, not per check). Catalog commands are answered once for all
 * validators ({@link OnceReplies}). A check that throws or runs out of time is reported as {@code CHECK_FAILED}
 * or {@code CHECK_TIMED_OUT}: an ERROR when the check {@link Validator#canFindErrors() can find ERRORs} (the
 * migration must not start on a check that could not say no), unless the spec names it among its
 * {@link MigrationSpec#acceptedUnfinishedChecks() accepted unfinished checks}; a WARNING otherwise.
 */
final class Validation {

    private static final Logger LOG = LoggerFactory.getLogger(Validation.class);
    static final long TIME_BOUND_SECONDS = 30;

    private Validation() {
    }

    /**
     * Runs the validators on the class path and the source provider's own, in parallel, and adds the
     * engine's findings to theirs.
     *
     * @param target   where the spec's rules write a source namespace; empty when they do not copy it
     * @param engine   findings the engine made itself (namespace conflicts, for example)
     */
    static ValidationReport run(MigrationSpec spec, Sides sides, MongoClient source, MongoClient destination,
                                Function<Namespace, Optional<Namespace>> target, List<ValidationFinding> engine) {
        CommandRunner sourceRunner = new OnceReplies((db, command) -> source.getDatabase(db).runCommand(command, BsonDocument.class));
        CommandRunner destinationRunner = new OnceReplies((db, command) -> destination.getDatabase(db).runCommand(command,
                BsonDocument.class));
        ValidationContext context = new ValidationContext() {
            @Override
            public MigrationSpec spec() {
                return spec;
            }

            @Override
            public CommandRunner source() {
                return sourceRunner;
            }

            @Override
            public CommandRunner destination() {
                return destinationRunner;
            }

            @Override
            public boolean selects(Namespace sourceNamespace) {
                return target.apply(sourceNamespace).isPresent();
            }

            @Override
            public Optional<Namespace> target(Namespace sourceNamespace) {
                return target.apply(sourceNamespace);
            }

            @Override
            public List<String> sourceAccessList() {
                return sides.source().accessList();
            }

            @Override
            public Optional<MongoClientSettings> sourceClientSettings() {
                return Optional.of(sides.sourceSettings());
            }

            @Override
            public Optional<MongoClientSettings> destinationClientSettings() {
                return Optional.of(sides.destinationSettings());
            }
        };
        List<Validator> validators = new ArrayList<>();
        ServiceLoader.load(Validator.class).stream().map(ServiceLoader.Provider::get).forEach(validators::add);
        validators.addAll(sides.source().validators());
        return run(context, validators, Duration.ofSeconds(TIME_BOUND_SECONDS), engine);
    }

    /** Runs {@code validators} at once, each on its own thread, and waits for them until {@code bound} has passed. */
    static ValidationReport run(ValidationContext context, List<Validator> validators, Duration bound, List<ValidationFinding> engine) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, validators.size()), r -> Threads.daemon("livemigrate-validate", r));
        try {
            List<Future<List<ValidationFinding>>> running = new ArrayList<>();
            validators.forEach(v -> running.add(pool.submit(() -> v.validate(context))));
            long deadline = System.nanoTime() + bound.toNanos();
            List<ValidationFinding> findings = new ArrayList<>(engine);
            for (int i = 0; i < validators.size(); i++) {
                Validator validator = validators.get(i);
                try {
                    findings.addAll(running.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                } catch (TimeoutException e) {
                    running.get(i).cancel(true);
                    findings.add(unfinished(context.spec(), validator, "CHECK_TIMED_OUT", "the check '" + validator.name()
                            + "' did not finish within " + bound.toSeconds() + " s", "check the servers' load and network"));
                } catch (ExecutionException e) {
                    LOG.debug("check {} failed", validator.name(), e.getCause());
                    findings.add(unfinished(context.spec(), validator, "CHECK_FAILED", "the check '" + validator.name()
                            + "' could not run: " + e.getCause(), "check that the user may run the commands this check needs"));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            return new ValidationReport(findings);
        } finally {
            pool.shutdownNow();
        }
    }

    private static ValidationFinding unfinished(MigrationSpec spec, Validator validator, String code, String message, String remedy) {
        if (!validator.canFindErrors()) {
            return ValidationFinding.warning(code, message, remedy + "; the migration may still start");
        }
        if (spec.acceptedUnfinishedChecks().contains(validator.name())) {
            return ValidationFinding.warning(code, message + " (accepted by the spec: the migration may start unchecked)", remedy);
        }
        return ValidationFinding.error(code, message, remedy + ", then validate again; or, knowing what the check guards"
                + " against, accept it: acceptUnfinishedCheck(\"" + validator.name() + "\") in the spec, --accept-unfinished-check "
                + validator.name() + " on the command line");
    }
}
