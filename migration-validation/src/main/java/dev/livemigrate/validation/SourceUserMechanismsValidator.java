package dev.livemigrate.validation;

import com.google.auto.service.AutoService;
import dev.livemigrate.ValidationFinding;
import dev.livemigrate.spi.ValidationContext;
import dev.livemigrate.spi.Validator;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;

import java.util.List;
import java.util.Optional;

/**
 * For a source reached through Ops Manager or Cloud Manager (the push flow), the user the migration host connects with
 * must be able to authenticate with both SCRAM-SHA-1 and SCRAM-SHA-256, as the push flow asks of its source users. The
 * user is the one the source connection is authenticated as ({@code connectionStatus}'s {@code authenticatedUsers},
 * https://www.mongodb.com/docs/manual/reference/command/connectionStatus/), and its mechanisms are {@code usersInfo}'s
 * {@code mechanisms} (https://www.mongodb.com/docs/manual/reference/command/usersInfo/: a user may always view its own
 * information). Its privileges are judged by {@link PrivilegesValidator}; a connection without a user is not checked.
 */
@AutoService(Validator.class)
public final class SourceUserMechanismsValidator implements Validator {

    static final String OPS_MANAGER = "ops-manager";
    static final List<String> REQUIRED = List.of("SCRAM-SHA-1", "SCRAM-SHA-256");

    @Override
    public String name() {
        return "source-user-mechanisms";
    }

    @Override
    public List<ValidationFinding> validate(ValidationContext context) {
        if (!OPS_MANAGER.equals(context.spec().source().kind())) {
            return List.of();
        }
        BsonArray users = Commands.tryRun(context.source(), "admin", Commands.command("connectionStatus"))
                .map(r -> r.getDocument("authInfo", new BsonDocument()).getArray("authenticatedUsers", new BsonArray()))
                .orElse(new BsonArray());
        if (users.isEmpty()) {
            return List.of();
        }
        BsonDocument user = users.get(0).asDocument();
        String name = user.getString("user", new BsonString("")).getValue();
        String db = user.getString("db", new BsonString("admin")).getValue();
        Optional<List<String>> mechanisms = Commands.tryRun(context.source(), db, new BsonDocument("usersInfo",
                        new BsonDocument("user", new BsonString(name)).append("db", new BsonString(db))))
                .map(r -> r.getArray("users", new BsonArray()))
                .filter(found -> !found.isEmpty())
                .map(found -> found.get(0).asDocument().getArray("mechanisms", new BsonArray()).stream()
                        .filter(BsonValue::isString).map(m -> m.asString().getValue()).toList());
        if (mechanisms.isEmpty()) {
            return List.of(ValidationFinding.warning("SOURCE_USER_MECHANISMS_UNKNOWN", "the source did not tell which mechanisms"
                    + " user " + name + "@" + db + " authenticates with (usersInfo)", "check that the user has both "
                    + String.join(" and ", REQUIRED) + " credentials (db.getUser(\"" + name + "\").mechanisms)"));
        }
        List<String> missing = REQUIRED.stream().filter(m -> !mechanisms.get().contains(m)).toList();
        if (missing.isEmpty()) {
            return List.of(ValidationFinding.info("SOURCE_USER_MECHANISMS", "user " + name + "@" + db + " authenticates with "
                    + String.join(", ", mechanisms.get())));
        }
        return List.of(ValidationFinding.error("SOURCE_USER_MECHANISMS_MISSING", "user " + name + "@" + db + " on the source has no "
                + String.join(" or ", missing) + " credentials (it has " + (mechanisms.get().isEmpty() ? "none" : String.join(", ", mechanisms.get()))
                + ")", "give it both: db.getSiblingDB(\"" + db + "\").updateUser(\"" + name + "\", {pwd: <its password>, mechanisms: [\""
                + String.join("\", \"", REQUIRED) + "\"]}) (a new SCRAM-SHA-256 credential needs the password again)"));
    }
}
