package dev.livemigrate.validation;

import dev.livemigrate.Namespace;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a user may do, decided the way MongoDB decides it: from the privileges {@code connectionStatus} lists
 * with {@code showPrivileges: true} ({@code authInfo.authenticatedUserPrivileges}, every role already expanded
 * into its actions), never from role names. A resource pattern matches a target as the server's
 * {@code buildResourceSearchList} (src/mongo/db/auth/authorization_session_impl.cpp) says: the cluster by
 * {@code {cluster: true}}; a database by {@code {db: d, collection: ""}} or {@code {db: "", collection: ""}};
 * a collection by {@code {db: "", collection: c}} and its exact namespace; a collection outside {@code system.*} also
 * by its database's {@code {db: d, collection: ""}}, and, outside {@code local} and {@code config}, by
 * {@code {db: "", collection: ""}} (so {@code read} on {@code config}, which clusterMonitor holds, reads
 * {@code config.collections}, while {@code readAnyDatabase} does not);
 * {@code {anyResource: true}} and the action {@code anyAction} match everything.
 */
final class Privileges {

    private record Grant(BsonDocument resource, Set<String> actions) {

        boolean grants(String action) {
            return actions.contains(action) || actions.contains("anyAction");
        }
    }

    private final List<Grant> grants;

    private Privileges(List<Grant> grants) {
        this.grants = grants;
    }

    /** The privileges of an {@code authInfo} document. */
    static Privileges of(BsonDocument authInfo) {
        List<Grant> grants = new ArrayList<>();
        for (BsonValue p : authInfo.getArray("authenticatedUserPrivileges", new BsonArray())) {
            Set<String> actions = new HashSet<>();
            p.asDocument().getArray("actions", new BsonArray()).forEach(a -> actions.add(a.asString().getValue()));
            grants.add(new Grant(p.asDocument().getDocument("resource", new BsonDocument()), actions));
        }
        return new Privileges(grants);
    }

    boolean onCluster(String action) {
        return grants.stream().anyMatch(g -> g.grants(action) && (any(g) || flag(g.resource(), "cluster")));
    }

    boolean onDatabase(String database, String action) {
        return grants.stream().anyMatch(g -> g.grants(action) && (any(g)
                || (collection(g).isEmpty() && (db(g).equals(database) || (db(g).isEmpty() && normalDatabase(database))))));
    }

    boolean onCollection(Namespace ns, String action) {
        boolean system = ns.collection().startsWith("system.");
        return grants.stream().anyMatch(g -> g.grants(action) && (any(g)
                || (db(g).equals(ns.database()) && collection(g).equals(ns.collection()))
                || (db(g).isEmpty() && collection(g).equals(ns.collection()))
                || (!system && collection(g).isEmpty() && (db(g).equals(ns.database())
                        || (db(g).isEmpty() && normalDatabase(ns.database()))))));
    }

    private static boolean normalDatabase(String database) {
        return !database.equals("local") && !database.equals("config");
    }

    private static boolean any(Grant g) {
        return flag(g.resource(), "anyResource");
    }

    private static boolean flag(BsonDocument resource, String field) {
        return resource.getBoolean(field, BsonBoolean.FALSE).getValue();
    }

    /** The grant's database, or {@code "\0"} when it names none (a cluster or buckets pattern). */
    private static String db(Grant g) {
        return g.resource().isString("db") ? g.resource().getString("db").getValue() : "\0";
    }

    private static String collection(Grant g) {
        return g.resource().getString("collection", new BsonString("\0")).getValue();
    }
}
