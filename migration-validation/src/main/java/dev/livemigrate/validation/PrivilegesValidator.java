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
 * destination a role that writes every database. {@code root} covers all of them.
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
        check(findings, "source", context.source(), sourceRoles);
        check(findings, "destination", context.destination(), List.of("readWriteAnyDatabase"));
        return findings;
    }

    private static void check(List<ValidationFinding> findings, String side, CommandRunner runner, List<String> required) {
        BsonDocument auth = runner.run("admin", new BsonDocument("connectionStatus", new BsonInt32(1))
                .append("showPrivileges", org.bson.BsonBoolean.TRUE)).getDocument("authInfo", new BsonDocument());
        List<BsonValue> users = auth.getArray("authenticatedUsers", new org.bson.BsonArray());
        if (users.isEmpty()) {
            findings.add(ValidationFinding.info(side.toUpperCase() + "_AUTH", "the " + side + " is reached without authentication"));
            return;
        }
        Set<String> roles = auth.getArray("authenticatedUserRoles", new org.bson.BsonArray()).stream()
                .map(r -> r.asDocument().getString("role").getValue()).collect(Collectors.toSet());
        if (roles.contains("root") || roles.contains("__system")) {
            return;
        }
        String user = users.get(0).asDocument().getString("user").getValue();
        for (String role : required) {
            if (!roles.contains(role) && !(role.equals("readWriteAnyDatabase") && roles.contains("restore"))) {
                findings.add(ValidationFinding.error(side.toUpperCase() + "_MISSING_ROLE", "the " + side + " user '" + user
                        + "' lacks the role " + role + " (it has " + roles.stream().sorted().toList() + ")",
                        "grant it: db.getSiblingDB('admin').grantRolesToUser('" + user + "', ['" + role + "'])"));
            }
        }
    }
}
