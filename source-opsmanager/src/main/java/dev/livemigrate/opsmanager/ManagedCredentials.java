package dev.livemigrate.opsmanager;

import dev.livemigrate.ConfigurationException;
import dev.livemigrate.ErrorCode;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The credentials automation manages for a cluster it runs: the automation user of the project's automation
 * configuration ({@code auth.autoUser}, {@code auth.autoPwd}, {@code auth.autoAuthMechanisms}, {@code auth.disabled};
 * https://www.mongodb.com/docs/ops-manager/current/reference/api/automation-config/automation-config-parameters/,
 * "Authentication"), which the MongoDB Agents themselves connect as. Used when the operator types no user for a managed
 * cluster. Empty where authentication is off. The user connects with SCRAM ({@code MONGODB-CR} is SCRAM-SHA-1 from MongoDB
 * 3.0); an automation user that authenticates another way (X.509, LDAP, Kerberos) is refused with the remedy. The
 * password never leaves the connection string, whose description hides it.
 */
record ManagedCredentials(String user, String password) {

    private static final Logger LOG = LoggerFactory.getLogger(ManagedCredentials.class);
    private static final List<String> SCRAM = List.of("SCRAM-SHA-256", "SCRAM-SHA-1", "MONGODB-CR");

    static Optional<ManagedCredentials> of(Document automation, String clusterName) {
        Document auth = automation.get("auth", Document.class);
        if (auth == null || Boolean.TRUE.equals(auth.getBoolean("disabled")) || auth.getString("autoUser") == null) {
            LOG.info("cluster {}: automation manages it without authentication; no credentials needed", clusterName);
            return Optional.empty();
        }
        List<String> mechanisms = new ArrayList<>(auth.getList("autoAuthMechanisms", String.class, List.of()));
        if (mechanisms.isEmpty() && auth.getString("autoAuthMechanism") != null) {
            mechanisms.add(auth.getString("autoAuthMechanism"));
        }
        if (!mechanisms.isEmpty() && mechanisms.stream().noneMatch(SCRAM::contains) || auth.getString("autoPwd") == null) {
            throw new ConfigurationException(ErrorCode.INVALID_SPEC, "cluster " + clusterName + " is managed by automation, whose user "
                    + auth.getString("autoUser") + " authenticates with " + (mechanisms.isEmpty() ? "no password" : String.join(", ", mechanisms))
                    + ", which the migration host cannot use: give the source a username and password (a SCRAM user with the backup"
                    + " and readAnyDatabase roles)");
        }
        LOG.info("cluster {}: connecting as {}, the user automation manages", clusterName, auth.getString("autoUser"));
        return Optional.of(new ManagedCredentials(auth.getString("autoUser"), auth.getString("autoPwd")));
    }

    @Override
    public String toString() {
        return "ManagedCredentials[user=" + user + ", password=<hidden>]";
    }
}
