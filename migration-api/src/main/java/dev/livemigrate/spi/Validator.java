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
}
