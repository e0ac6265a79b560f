package dev.livemigrate.spi;

import dev.livemigrate.ValidationFinding;

import java.util.List;

/**
 * A pre-flight check. Discovered through {@link java.util.ServiceLoader}; register an implementation with
 * {@code @AutoService(Validator.class)}. Every validator found runs before a migration starts and in
 * {@link dev.livemigrate.Migrations#validate}; each is given a bounded time.
 *
 * @since 0.1
 */
public interface Validator {

    /** A short name for reports. */
    String name();

    /** Every problem found, at once; an empty list when all is well. */
    List<ValidationFinding> validate(ValidationContext context);

    /**
     * Whether this check can find ERRORs. When one that can throws or runs out of time, the engine reports an
     * ERROR ({@code CHECK_FAILED}, {@code CHECK_TIMED_OUT}): a migration does not start on a check that could not
     * say no, unless the operator accepts it by name ({@link dev.livemigrate.MigrationSpec#acceptedUnfinishedChecks()}).
     * A check that only warns answers {@code false}; its failure is a WARNING.
     *
     * @since 0.1
     */
    default boolean canFindErrors() {
        return true;
    }
}
