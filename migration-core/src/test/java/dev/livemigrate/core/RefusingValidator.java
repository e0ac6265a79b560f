package dev.livemigrate.core;

import dev.livemigrate.ValidationFinding;
import dev.livemigrate.spi.ValidationContext;
import dev.livemigrate.spi.Validator;

import java.util.List;

/**
 * A user's own validator, found on the class path like any other: it objects to migrations named refuse-*.
 * Registered only for migration-core's own tests (src/test/plugins, see the POM), so it stays out of the test jar
 * that other modules use.
 */
public final class RefusingValidator implements Validator {

    @Override
    public String name() {
        return "refusing";
    }

    @Override
    public List<ValidationFinding> validate(ValidationContext context) {
        if (!context.spec().migrationId().startsWith("refuse-")) {
            return List.of(ValidationFinding.info("TEST_OK", "nothing to object to"));
        }
        context.source().run("admin", new org.bson.BsonDocument("ping", new org.bson.BsonInt32(1)));
        return List.of(
                ValidationFinding.error("TEST_FIRST", "the first problem", "fix the first"),
                ValidationFinding.warning("TEST_WARNING", "a warning", "consider it"),
                ValidationFinding.error("TEST_SECOND", "the second problem", "fix the second"));
    }
}
