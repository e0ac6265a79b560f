package dev.livemigrate.validation;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoTimeoutException;
import dev.livemigrate.spi.CommandRunner;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonNumber;
import org.bson.BsonValue;

import java.util.Optional;

/** Small helpers over command replies. */
final class Commands {

    private Commands() {
    }

    static BsonDocument command(String name) {
        return new BsonDocument(name, new BsonInt32(1));
    }

    /** The reply, or empty when the server refuses the command. */
    static Optional<BsonDocument> tryRun(CommandRunner runner, String database, BsonDocument command) {
        try {
            return Optional.of(runner.run(database, command));
        } catch (MongoException e) {
            return Optional.empty();
        }
    }

    static Optional<Long> number(BsonDocument reply, String field) {
        BsonValue v = reply.get(field);
        return v instanceof BsonNumber n ? Optional.of(n.longValue()) : Optional.empty();
    }

    /**
     * {@code [major, minor]} of the features a server offers: the lower of its binary version ({@code buildInfo})
     * and its featureCompatibilityVersion ({@code getParameter}), or the binary version where it reports none.
     */
    static int[] featureVersion(CommandRunner runner) {
        int[] binary = version(runner.run("admin", command("buildInfo")));
        Optional<int[]> fcv = tryRun(runner, "admin", new BsonDocument("getParameter", new BsonInt32(1))
                .append("featureCompatibilityVersion", new BsonInt32(1)))
                .filter(r -> r.isDocument("featureCompatibilityVersion") && r.getDocument("featureCompatibilityVersion").isString("version"))
                .map(r -> r.getDocument("featureCompatibilityVersion").getString("version").getValue().split("\\."))
                .map(p -> new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])});
        return fcv.filter(f -> f[0] < binary[0] || (f[0] == binary[0] && f[1] < binary[1])).orElse(binary);
    }

    /** {@code [major, minor]} of a {@code buildInfo} reply. */
    static int[] version(BsonDocument buildInfo) {
        if (buildInfo.isArray("versionArray")) {
            return new int[] {buildInfo.getArray("versionArray").get(0).asNumber().intValue(),
                    buildInfo.getArray("versionArray").get(1).asNumber().intValue()};
        }
        String[] parts = buildInfo.getString("version").getValue().split("\\.");
        return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
    }

    /** Why a command or a connection failed, in one line: the server's code name and message, or the driver's. */
    static String reason(RuntimeException e) {
        if (e instanceof MongoCommandException c) {
            return c.getErrorCodeName() + ", " + c.getErrorMessage();
        }
        if (e instanceof MongoTimeoutException) {
            return "no member answered within " + ShardConnector.SELECTION_SECONDS + " s";
        }
        return e.getMessage();
    }
}
