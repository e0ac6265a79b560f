package dev.livemigrate.core;

import com.mongodb.client.MongoClient;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.Namespace;
import dev.livemigrate.ValidationFinding;
import dev.livemigrate.ValidationReport;
import dev.livemigrate.spi.CommandRunner;
import dev.livemigrate.spi.Source;
import dev.livemigrate.spi.ValidationContext;
import dev.livemigrate.spi.Validator;
import org.bson.BsonDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/** Runs every {@link Validator} on the class path and the source's own in parallel, each within a time bound. */
final class Validation {

    private static final Logger LOG = LoggerFactory.getLogger(Validation.class);
    static final long TIME_BOUND_SECONDS = 30;

    private Validation() {
    }

    /**
     * Runs the validators on the class path and the source provider's own, in parallel, and adds the
     * engine's findings to theirs.
     *
     * @param selects  whether the spec's rules copy a source namespace
     * @param engine   findings the engine made itself (namespace conflicts, for example)
     */
    static ValidationReport run(MigrationSpec spec, Source sourceSide, MongoClient source, MongoClient destination,
                                Predicate<Namespace> selects, List<ValidationFinding> engine) {
        ValidationContext context = new ValidationContext() {
            @Override
            public MigrationSpec spec() {
                return spec;
            }

            @Override
            public CommandRunner source() {
                return (db, command) -> source.getDatabase(db).runCommand(command, BsonDocument.class);
            }

            @Override
            public CommandRunner destination() {
                return (db, command) -> destination.getDatabase(db).runCommand(command, BsonDocument.class);
            }

            @Override
            public boolean selects(Namespace sourceNamespace) {
                return selects.test(sourceNamespace);
            }

            @Override
            public List<String> sourceAccessList() {
                return sourceSide.accessList();
            }
        };
        List<Validator> validators = new ArrayList<>();
        ServiceLoader.load(Validator.class).stream().map(ServiceLoader.Provider::get).forEach(validators::add);
        validators.addAll(sourceSide.validators());
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(4, validators.size())),
                r -> Threads.daemon("livemigrate-validate", r));
        try {
            List<Future<List<ValidationFinding>>> running = new ArrayList<>();
            validators.forEach(v -> running.add(pool.submit(() -> v.validate(context))));
            List<ValidationFinding> findings = new ArrayList<>(engine);
            for (int i = 0; i < validators.size(); i++) {
                String name = validators.get(i).name();
                try {
                    findings.addAll(running.get(i).get(TIME_BOUND_SECONDS, TimeUnit.SECONDS));
                } catch (TimeoutException e) {
                    running.get(i).cancel(true);
                    findings.add(ValidationFinding.warning("CHECK_TIMED_OUT", "the check '" + name + "' did not finish within "
                            + TIME_BOUND_SECONDS + " s", "check the servers' load and network; the migration may still start"));
                } catch (ExecutionException e) {
                    LOG.debug("check {} failed", name, e.getCause());
                    findings.add(ValidationFinding.warning("CHECK_FAILED", "the check '" + name + "' could not run: " + e.getCause(),
                            "check that the user may run the commands this check needs"));
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
}
