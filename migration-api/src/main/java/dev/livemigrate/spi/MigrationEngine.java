package dev.livemigrate.spi;

import dev.livemigrate.MigrationSession;
import dev.livemigrate.MigrationSpec;

/**
 * The bootstrap interface behind {@link dev.livemigrate.Migrations}: the engine module implements it and
 * registers it for {@link java.util.ServiceLoader}. Users call {@code Migrations}, not this.
 *
 * @since 0.1
 */
public interface MigrationEngine {

    /** Checks the spec against both sides and starts the migration; see {@link dev.livemigrate.Migrations#start}. */
    MigrationSession start(MigrationSpec spec);

    /** Runs every validator on the class path; see {@link dev.livemigrate.Migrations#validate}. */
    dev.livemigrate.ValidationReport validate(MigrationSpec spec);

    /** Runs every verifier on the class path; see {@link dev.livemigrate.Migrations#verify}. */
    dev.livemigrate.VerificationReport verify(MigrationSpec spec);
}
