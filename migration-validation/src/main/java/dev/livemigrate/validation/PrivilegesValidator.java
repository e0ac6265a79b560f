package dev.livemigrate.validation;

import com.google.auto.service.AutoService;
import dev.livemigrate.ValidationFinding;
import dev.livemigrate.spi.CommandRunner;
import dev.livemigrate.spi.ValidationContext;
import dev.livemigrate.spi.Validator;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The roles of the users both sides are reached with ({@code connectionStatus}): on the source
 * {@code readAnyDatabase} and {@code backup} (and {@code clusterMonitor} for a sharded source), on the
 * destination a role that writes every database. {@code root} covers all of them. Without the
 * {@code bypassWriteBlockingMode} action on the cluster, the source user cannot have the engine block
 * writes at cutover (a warning: the operator can stop writes instead).
 */
@AutoService(Validator.class)
public final class PrivilegesValidator implements Validator {

    @Override
    public String name() {
        return "privileges";
    }

    @Override
    public List<ValidationFinding> validate(ValidationContext context) {
        List<ValidationFinding> findings = new ArrayList<>();
        boolean sharded = "isdbgrid".equals(context.source().run("admin", new BsonDocument("isMaster", new BsonInt32(1)))
                .getString("msg", new BsonString("")).getValue());
        List<String> sourceRoles = sharded ? List.of("readAnyDatabase", "backup", "clusterMonitor") : List.of("readAnyDatabase", "backup");
        BsonDocument sourceAuth = authInfo(context.source());
        if (check(findings, "source", sourceAuth, sourceRoles) && !mayBypassWriteBlocking(sourceAuth)) {
            findings.add(ValidationFinding.warning("SOURCE_CANNOT_BLOCK_WRITES", "the source user '" + user(sourceAuth)
                    + "' lacks the bypassWriteBlockingMode action on the cluster, so the engine cannot block writes at cutover",
                    "stop the application's writes yourself at cutover, or grant a role with bypassWriteBlockingMode (for"
                            + " example restore, or a custom role)"));
        }
        check(findings, "destination", authInfo(context.destination()), List.of("readWriteAnyDatabase"));
        return findings;
    }

    private static BsonDocument authInfo(CommandRunner runner) {
        return runner.run("admin", new BsonDocument("connectionStatus", new BsonInt32(1))
                .append("showPrivileges", org.bson.BsonBoolean.TRUE)).getDocument("authInfo", new BsonDocument());
    }

    private static String user(BsonDocument auth) {
        return auth.getArray("authenticatedUsers").get(0).asDocument().getString("user").getValue();
    }

    private static boolean mayBypassWriteBlocking(BsonDocument auth) {
        return auth.getArray("authenticatedUserPrivileges", new org.bson.BsonArray()).stream()
                .map(BsonValue::asDocument)
                .filter(p -> p.getDocument("resource", new BsonDocument()).getBoolean("cluster", org.bson.BsonBoolean.FALSE).getValue())
                .flatMap(p -> p.getArray("actions", new org.bson.BsonArray()).stream())
                .anyMatch(a -> a.asString().getValue().equals("bypassWriteBlockingMode"));
    }

    /** Reports missing roles; returns whether the side is reached as a user without {@code root}. */
    private static boolean check(List<ValidationFinding> findings, String side, BsonDocument auth, List<String> required) {
        List<BsonValue> users = auth.getArray("authenticatedUsers", new org.bson.BsonArray());
        if (users.isEmpty()) {
            findings.add(ValidationFinding.info(side.toUpperCase() + "_AUTH", "the " + side + " is reached without authentication"));
            return false;
        }
        Set<String> roles = auth.getArray("authenticatedUserRoles", new org.bson.BsonArray()).stream()
                .map(r -> r.asDocument().getString("role").getValue()).collect(Collectors.toSet());
        if (roles.contains("root") || roles.contains("__system")) {
            return false;
        }
        String user = user(auth);
        for (String role : required) {
            if (!roles.contains(role) && !(role.equals("readWriteAnyDatabase") && roles.contains("restore"))) {
                findings.add(ValidationFinding.error(side.toUpperCase() + "_MISSING_ROLE", "the " + side + " user '" + user
                        + "' lacks the role " + role + " (it has " + roles.stream().sorted().toList() + ")",
                        "grant it: db.getSiblingDB('admin').grantRolesToUser('" + user + "', ['" + role + "'])"));
            }
        }
        return true;
    }
}
