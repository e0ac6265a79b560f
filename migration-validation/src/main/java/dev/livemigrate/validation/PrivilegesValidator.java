package dev.livemigrate.validation;

import com.google.auto.service.AutoService;
import com.mongodb.MongoCommandException;
import dev.livemigrate.Namespace;
import dev.livemigrate.ValidationFinding;
import dev.livemigrate.spi.CommandRunner;
import dev.livemigrate.spi.ValidationContext;
import dev.livemigrate.spi.Validator;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether the users both sides are reached with may do what the engine does, decided by the actions their
 * privileges grant ({@link Privileges}), not by role names: on the source {@code listDatabases} on the cluster,
 * {@code listCollections} on each selected database, and {@code find}, {@code listIndexes}, {@code collStats}
 * (and {@code changeStream} for a live migration) on each selected collection; on the destination
 * {@link #DESTINATION_ACTIONS} on each namespace the migration writes (after renames) and
 * {@link #METADATA_ACTIONS} on its own {@code __livemigrate} records. A sharded source (a mongos) also needs what the
 * engine reads through mongos ({@link #SHARDED_SOURCE_CLUSTER_ACTIONS} on the cluster, {@code find} on
 * {@link #SHARDING_METADATA}), which {@code clusterMonitor} grants beside {@code readAnyDatabase} (as do
 * {@code clusterManager} and, for the reads, {@code backup}). A missing action is an ERROR naming the action and the
 * namespaces. For a live migration, a source
 * before MongoDB 6.0 or a user without {@code setUserWriteBlockMode} on the cluster (what the cutover runs to
 * block writes; the built-in {@code backup} and {@code restore} roles grant it) gets a WARNING: the operator
 * then stops writes at cutover. A side reached without authentication is only noted.
 */
@AutoService(Validator.class)
public final class PrivilegesValidator implements Validator {

    static final List<String> SOURCE_ACTIONS = List.of("find", "listIndexes", "collStats");
    /** What the engine runs on a sharded source's cluster through mongos: {@code listShards}, to know its shards. */
    static final List<String> SHARDED_SOURCE_CLUSTER_ACTIONS = List.of("listShards");
    /**
     * What the engine reads through mongos on a sharded source, with {@code find}: each collection's shard key,
     * uniqueness and collation, its chunk ranges, and each database's primary shard.
     */
    static final List<Namespace> SHARDING_METADATA = List.of(new Namespace("config", "collections"),
            new Namespace("config", "chunks"), new Namespace("config", "databases"));
    static final List<String> DESTINATION_ACTIONS = List.of("insert", "update", "remove", "find", "createCollection",
            "createIndex", "dropCollection", "dropIndex", "collMod", "bypassDocumentValidation");
    /** The engine's records on the destination: any collection of its database stands for them. */
    static final Namespace METADATA = new Namespace("__livemigrate", "migrations");
    static final List<String> METADATA_ACTIONS = List.of("insert", "update", "remove", "find", "createCollection", "createIndex");
    private static final int LISTED = 5;
    /** MongoDB's Unauthorized error code (src/mongo/base/error_codes.yml). */
    private static final int UNAUTHORIZED = 13;

    @Override
    public String name() {
        return "privileges";
    }

    @Override
    public List<ValidationFinding> validate(ValidationContext context) {
        List<ValidationFinding> findings = new ArrayList<>();
        boolean live = context.spec().continuousSync();
        BsonDocument sourceAuth = authInfo(context.source());
        List<Namespace> selected;
        try {
            selected = SourceData.read(context).selectedCollections();
        } catch (MongoCommandException e) {
            if (e.getErrorCode() != UNAUTHORIZED || !authenticated(new ArrayList<>(), "source", sourceAuth)) {
                throw e;
            }
            findings.add(ValidationFinding.error("SOURCE_MISSING_PRIVILEGE", "the source user '" + user(sourceAuth) + "' may not list"
                    + " the namespaces to migrate: " + e.getErrorCodeName() + ", " + e.getErrorMessage(), "grant it listDatabases on"
                    + " the cluster and listCollections on every database to migrate, for example"
                    + " db.getSiblingDB('admin').grantRolesToUser('" + user(sourceAuth) + "', ['readAnyDatabase'])"));
            selected = List.of();
        }
        if (authenticated(findings, "source", sourceAuth)) {
            Privileges source = Privileges.of(sourceAuth);
            Map<String, Set<String>> missing = new LinkedHashMap<>();
            if (!source.onCluster("listDatabases")) {
                missing.computeIfAbsent("listDatabases", a -> new LinkedHashSet<>()).add("the cluster");
            }
            List<String> actions = new ArrayList<>(SOURCE_ACTIONS);
            if (live) {
                actions.add("changeStream");
            }
            for (Namespace ns : selected) {
                if (!source.onDatabase(ns.database(), "listCollections")) {
                    missing.computeIfAbsent("listCollections", a -> new LinkedHashSet<>()).add("database " + ns.database());
                }
                actions.stream().filter(a -> !source.onCollection(ns, a))
                        .forEach(a -> missing.computeIfAbsent(a, x -> new LinkedHashSet<>()).add(ns.toString()));
            }
            boolean sharded = Sharding.isMongos(context.source());
            if (sharded) {
                SHARDED_SOURCE_CLUSTER_ACTIONS.stream().filter(a -> !source.onCluster(a))
                        .forEach(a -> missing.computeIfAbsent(a, x -> new LinkedHashSet<>()).add("the cluster"));
                SHARDING_METADATA.stream().filter(ns -> !source.onCollection(ns, "find"))
                        .forEach(ns -> missing.computeIfAbsent("find", x -> new LinkedHashSet<>()).add(ns.toString()));
            }
            report(findings, "source", user(sourceAuth), missing, sharded ? "readAnyDatabase', 'clusterMonitor" : "readAnyDatabase");
        }
        if (live) {
            writeBlocking(context, findings, sourceAuth);
        }
        BsonDocument destinationAuth = authInfo(context.destination());
        if (authenticated(findings, "destination", destinationAuth)) {
            Privileges destination = Privileges.of(destinationAuth);
            Map<String, Set<String>> missing = new LinkedHashMap<>();
            Map<Namespace, List<String>> targets = new LinkedHashMap<>();
            selected.forEach(ns -> context.target(ns).ifPresent(t -> targets.put(t, DESTINATION_ACTIONS)));
            targets.putIfAbsent(METADATA, METADATA_ACTIONS);
            targets.forEach((ns, actions) -> actions.stream().filter(a -> !destination.onCollection(ns, a))
                    .forEach(a -> missing.computeIfAbsent(a, x -> new LinkedHashSet<>()).add(ns.toString())));
            report(findings, "destination", user(destinationAuth), missing, "readWriteAnyDatabase', 'restore");
        }
        return findings;
    }

    /** A WARNING when the engine cannot block writes on the source at cutover: before 6.0, or without the action. */
    private static void writeBlocking(ValidationContext context, List<ValidationFinding> findings, BsonDocument auth) {
        int[] version = Commands.version(context.source().run("admin", Commands.command("buildInfo")));
        String remedy = "stop the application's writes yourself before cutover";
        if (version[0] < 6) {
            findings.add(ValidationFinding.warning("SOURCE_CANNOT_BLOCK_WRITES", "the source runs MongoDB " + version[0] + "."
                    + version[1] + ", which cannot block user writes (setUserWriteBlockMode needs 6.0)", remedy));
        } else if (!auth.getArray("authenticatedUsers", new BsonArray()).isEmpty()
                && !Privileges.of(auth).onCluster("setUserWriteBlockMode")) {
            findings.add(ValidationFinding.warning("SOURCE_CANNOT_BLOCK_WRITES", "the source user '" + user(auth)
                    + "' lacks the setUserWriteBlockMode action on the cluster, so the engine cannot block writes at cutover",
                    remedy + ", or grant a role that holds it: db.getSiblingDB('admin').grantRolesToUser('" + user(auth)
                            + "', ['backup'])"));
        }
    }

    private static void report(List<ValidationFinding> findings, String side, String user, Map<String, Set<String>> missing,
                               String roles) {
        if (missing.isEmpty()) {
            return;
        }
        List<String> parts = new ArrayList<>();
        missing.forEach((action, where) -> parts.add(action + " on " + names(where)));
        findings.add(ValidationFinding.error(side.toUpperCase() + "_MISSING_PRIVILEGE", "the " + side + " user '" + user
                + "' lacks " + String.join("; ", parts), "grant roles that hold these actions, for example"
                + " db.getSiblingDB('admin').grantRolesToUser('" + user + "', ['" + roles + "']), or a custom role with them"));
    }

    private static String names(Set<String> where) {
        List<String> all = new ArrayList<>(where);
        String shown = String.join(", ", all.subList(0, Math.min(LISTED, all.size())));
        return all.size() > LISTED ? shown + " and " + (all.size() - LISTED) + " more" : shown;
    }

    private static BsonDocument authInfo(CommandRunner runner) {
        return runner.run("admin", new BsonDocument("connectionStatus", new BsonInt32(1))
                .append("showPrivileges", BsonBoolean.TRUE)).getDocument("authInfo", new BsonDocument());
    }

    private static boolean authenticated(List<ValidationFinding> findings, String side, BsonDocument auth) {
        if (auth.getArray("authenticatedUsers", new BsonArray()).isEmpty()) {
            findings.add(ValidationFinding.info(side.toUpperCase() + "_AUTH", "the " + side + " is reached without authentication"));
            return false;
        }
        return true;
    }

    private static String user(BsonDocument auth) {
        return auth.getArray("authenticatedUsers").get(0).asDocument().getString("user").getValue();
    }
}
