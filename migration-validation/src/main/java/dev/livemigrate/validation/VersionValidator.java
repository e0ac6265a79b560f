package dev.livemigrate.validation;

import com.google.auto.service.AutoService;
import dev.livemigrate.ValidationFinding;
import dev.livemigrate.spi.CommandRunner;
import dev.livemigrate.spi.ValidationContext;
import dev.livemigrate.spi.Validator;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Server versions and feature compatibility versions of both sides. The supported combinations, in one
 * place: source and destination each from MongoDB {@value #OLDEST_MAJOR}.x to {@value #NEWEST_MAJOR}.x, and
 * the destination no older than the source (data written by a newer server may not be readable by an
 * older one). A feature compatibility version below the binary version is a warning.
 */
@AutoService(Validator.class)
public final class VersionValidator implements Validator {

    static final int OLDEST_MAJOR = 4;
    static final int NEWEST_MAJOR = 8;

    @Override
    public String name() {
        return "versions";
    }

    @Override
    public List<ValidationFinding> validate(ValidationContext context) {
        List<ValidationFinding> findings = new ArrayList<>();
        int[] source = Commands.version(context.source().run("admin", Commands.command("buildInfo")));
        int[] destination = Commands.version(context.destination().run("admin", Commands.command("buildInfo")));
        findings.add(ValidationFinding.info("VERSIONS", "source MongoDB " + source[0] + "." + source[1]
                + ", destination MongoDB " + destination[0] + "." + destination[1]));
        check(findings, "source", source);
        check(findings, "destination", destination);
        if (destination[0] < source[0] || (destination[0] == source[0] && destination[1] < source[1])) {
            findings.add(ValidationFinding.error("DESTINATION_OLDER_THAN_SOURCE", "the destination (" + destination[0] + "."
                    + destination[1] + ") is older than the source (" + source[0] + "." + source[1] + ")",
                    "migrate to a destination of the source's version or newer"));
        }
        fcv(context.source()).ifPresent(f -> compare(findings, "source", f, source));
        fcv(context.destination()).ifPresent(f -> compare(findings, "destination", f, destination));
        return findings;
    }

    private static void check(List<ValidationFinding> findings, String side, int[] v) {
        if (v[0] < OLDEST_MAJOR || (v[0] == OLDEST_MAJOR && v[1] < 4) || v[0] > NEWEST_MAJOR) {
            findings.add(ValidationFinding.error("UNSUPPORTED_VERSION", "the " + side + " runs MongoDB " + v[0] + "." + v[1]
                    + ", outside the supported 4.4 to " + NEWEST_MAJOR + ".x", "upgrade (or use a supported version of) the " + side));
        }
    }

    private static Optional<String> fcv(CommandRunner runner) {
        return Commands.tryRun(runner, "admin", new BsonDocument("getParameter", new BsonInt32(1))
                        .append("featureCompatibilityVersion", new BsonInt32(1)))
                .filter(r -> r.isDocument("featureCompatibilityVersion"))
                .map(r -> r.getDocument("featureCompatibilityVersion").getString("version", new BsonString("")).getValue());
    }

    private static void compare(List<ValidationFinding> findings, String side, String fcv, int[] version) {
        if (!fcv.equals(version[0] + "." + version[1])) {
            findings.add(ValidationFinding.warning("FCV_BELOW_VERSION", "the " + side + "'s featureCompatibilityVersion is " + fcv
                    + " on MongoDB " + version[0] + "." + version[1], "set the featureCompatibilityVersion to "
                    + version[0] + "." + version[1] + " unless you plan to downgrade"));
        }
    }
}
