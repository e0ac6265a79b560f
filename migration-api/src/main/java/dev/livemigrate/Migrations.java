package dev.livemigrate;

import dev.livemigrate.spi.MigrationEngine;

import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * The entry point: start a migration from a {@link MigrationSpec}.
 *
 * <pre>{@code
 * MigrationSpec spec = MigrationSpec.builder()
 *         .source("mongodb://source-host:27017")
 *         .destination("mongodb://destination-host:27017")
 *         .include("sales.*")
 *         .build();
 * try (MigrationSession session = Migrations.start(spec)) {
 *     MigrationReport report = session.awaitCompletion(Duration.ofHours(2));
 * }
 * }</pre>
 *
 * <p>The engine is found through {@link ServiceLoader} ({@link MigrationEngine}); put
 * {@code migration-core} on the class path.
 *
 * @since 0.1
 */
public final class Migrations {

    private Migrations() {
    }

    /**
     * Checks the spec against both sides (reachable, namespaces, conflicts) and starts the migration in
     * the background. Nothing is written to the destination when a check fails.
     *
     * @throws ConfigurationException     a setting is wrong
     * @throws SourceUnavailableException a side cannot be reached within {@link MigrationSpec#connectTimeout()}
     * @throws ValidationException        the destination conflicts with the migration
     */
    public static MigrationSession start(MigrationSpec spec) {
        return engine().start(spec);
    }

    /** Starts the migration and waits for it to end; returns its report or throws its failure. */
    public static MigrationReport run(MigrationSpec spec, Duration timeout) {
        try (MigrationSession session = start(spec)) {
            return session.awaitCompletion(timeout);
        }
    }

    /**
     * Runs every pre-flight check ({@link dev.livemigrate.spi.Validator}s on the class path) against the
     * spec's source and destination and returns all findings; writes nothing. {@link #start} runs the same
     * checks and refuses to start on any ERROR.
     */
    public static ValidationReport validate(MigrationSpec spec) {
        return engine().validate(spec);
    }

    /**
     * Compares a destination with a source outside any migration, with every
     * {@link dev.livemigrate.spi.Verifier} on the class path; namespaces keep their names.
     *
     * @param includes namespace patterns ({@code db.*}, {@code db.coll}); empty for every namespace
     * @return what the verifiers found; {@link VerificationReport#equal()} is false when no verifier is on the
     *         class path
     */
    public static VerificationReport verify(String source, String destination, List<String> includes) {
        MigrationSpec.Builder spec = MigrationSpec.builder().source(source).destination(destination).continuousSync(false);
        includes.forEach(spec::include);
        return verify(spec.build());
    }

    /**
     * Compares the destination of a spec with its source: the namespaces its include, exclude and rename
     * rules select, each against the destination namespace it is migrated to, with the spec's source
     * settings (CA file and so on). Writes nothing.
     */
    public static VerificationReport verify(MigrationSpec spec) {
        return engine().verify(spec);
    }

    /** The engine found on the class path. */
    public static MigrationEngine engine() {
        List<ServiceLoader.Provider<MigrationEngine>> found = ServiceLoader.load(MigrationEngine.class).stream().toList();
        if (found.isEmpty()) {
            throw new MigrationException(ErrorCode.ENGINE_NOT_FOUND,
                    "no " + MigrationEngine.class.getName() + " implementation is on the class path: "
                            + "add the dev.livemigrate:migration-core dependency");
        }
        if (found.size() > 1) {
            throw new MigrationException(ErrorCode.ENGINE_NOT_FOUND,
                    "more than one migration engine is on the class path ("
                            + found.stream().map(p -> p.type().getName()).collect(Collectors.joining(", "))
                            + "): keep exactly one");
        }
        return found.get(0).get();
    }
}
