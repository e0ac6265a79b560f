package dev.livemigrate.validation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * {@code connectionStatus} replies with {@code showPrivileges: true} for users holding MongoDB's built-in roles.
 *
 * <p>The reply's shape: https://www.mongodb.com/docs/manual/reference/command/connectionStatus/ ("Output":
 * {@code authInfo.authenticatedUsers[n].user/db}, {@code authenticatedUserRoles[n].role/db},
 * {@code authenticatedUserPrivileges[n].resource/actions}, the actions "grouped by resource"). Resource documents:
 * https://www.mongodb.com/docs/manual/reference/resource-document/ ({@code {db: "", collection: ""}} every
 * non-system collection of every database, {@code {db: d, collection: ""}} one database, {@code {db: "",
 * collection: c}} a name in every database, {@code {cluster: true}}, {@code {anyResource: true}}); the buckets
 * pattern {@code {system_buckets: ""}} as mongosync's documented destination privileges list it.
 *
 * <p>The privileges of each role: src/mongo/db/auth/builtin_roles.yml in mongodb/mongo (7.0+; builtin_roles.cpp
 * before), where {@code any_normal} is {@code {db: "", collection: ""}}, {@code database} is {@code {db: d,
 * collection: ""}}, {@code collection} is {@code {db: "", collection: c}}, {@code any} is {@code {anyResource:
 * true}} and {@code cluster} is {@code {cluster: true}}. A role's privileges include those of the roles it holds
 * (readWriteAnyDatabase holds readAnyDatabase, backup holds __queryableBackup).
 */
final class Roles {

    static final String ANY_NORMAL = "{db: '', collection: ''}";
    static final String CLUSTER = "{cluster: true}";
    static final String ANY = "{anyResource: true}";
    static final String BUCKETS = "{system_buckets: ''}";

    /** readRoleActions. */
    static final List<String> READ = List.of("changeStream", "collStats", "dbHash", "dbStats", "find", "killCursors",
            "listCollections", "listIndexes", "listSearchIndexes", "planCacheRead");
    /** readWriteRoleActions. */
    static final List<String> READ_WRITE = concat(READ, List.of("cleanupStructuredEncryptionData", "compactStructuredEncryptionData",
            "convertToCapped", "createCollection", "createIndex", "createSearchIndexes", "dropCollection", "dropIndex",
            "dropSearchIndex", "insert", "remove", "renameCollectionSameDB", "update", "updateSearchIndex"));
    /** restoreRoleWriteActions. */
    static final List<String> RESTORE_WRITE = List.of("bypassDocumentValidation", "collMod", "convertToCapped", "createCollection",
            "createIndex", "createSearchIndexes", "dropCollection", "insert", "updateSearchIndex");
    /** userAdminRoleActions. */
    static final List<String> USER_ADMIN = List.of("changeCustomData", "changePassword", "createUser", "createRole", "dropUser",
            "dropRole", "grantRole", "revokeRole", "setAuthenticationRestriction", "viewUser", "viewRole");

    static final Map<String, List<String>> READ_ANY_DATABASE = privileges(
            ANY_NORMAL, READ, CLUSTER, List.of("listDatabases"), "{db: '', collection: 'system.js'}", READ, BUCKETS, READ);
    static final Map<String, List<String>> READ_WRITE_ANY_DATABASE = merge(READ_ANY_DATABASE, privileges(
            ANY_NORMAL, READ_WRITE, "{db: '', collection: 'system.js'}", READ_WRITE, BUCKETS, READ_WRITE));
    /** backup and the __queryableBackup role it holds. */
    static final Map<String, List<String>> BACKUP = privileges(
            ANY, List.of("collStats", "listCollections", "listIndexes", "listSearchIndexes"),
            ANY_NORMAL, List.of("find"), BUCKETS, List.of("find"),
            CLUSTER, List.of("getParameter", "listDatabases", "useUUID", "appendOplogNote", "serverStatus", "setUserWriteBlockMode"),
            "{db: 'config', collection: ''}", List.of("find"), "{db: 'local', collection: ''}", List.of("find"),
            "{db: '', collection: 'system.js'}", List.of("find"), "{db: '', collection: 'system.users'}", List.of("find"),
            "{db: 'config', collection: 'settings'}", List.of("find", "insert", "update"));
    static final Map<String, List<String>> RESTORE = privileges(
            CLUSTER, List.of("getParameter", "forceUUID", "useUUID", "bypassWriteBlockingMode", "setUserWriteBlockMode", "applyOps"),
            "{db: 'local', collection: ''}", RESTORE_WRITE, "{db: 'config', collection: ''}", RESTORE_WRITE, BUCKETS, RESTORE_WRITE,
            ANY, List.of("listCollections"), ANY_NORMAL, concat(RESTORE_WRITE, USER_ADMIN),
            "{db: '', collection: 'system.js'}", RESTORE_WRITE);
    /** clusterMonitor's own privileges, and those of the read roles on config and local it holds. */
    static final Map<String, List<String>> CLUSTER_MONITOR = privileges(
            "{db: 'config', collection: ''}", READ, "{db: 'local', collection: ''}", READ,
            CLUSTER, List.of("connPoolStats", "getCmdLineOpts", "getDefaultRWConcern", "getLog", "getParameter", "getShardMap",
                    "hostInfo", "listDatabases", "listSampledQueries", "listSessions", "listShards", "netstat", "operationMetrics",
                    "replSetGetConfig", "replSetGetStatus", "serverStatus", "top", "useUUID", "inprog", "shardingState",
                    "allCollectionStats", "shardedDataDistribution"),
            ANY_NORMAL, List.of("collStats", "dbStats", "getDatabaseVersion", "getShardVersion", "indexStats"),
            "{db: 'local', collection: ''}", List.of("collStats", "dbStats", "getDatabaseVersion", "getShardVersion", "indexStats"));
    /** clusterManager's cluster-wide actions (it holds no setUserWriteBlockMode). */
    static final Map<String, List<String>> CLUSTER_MANAGER = privileges(
            CLUSTER, List.of("appendOplogNote", "applicationMessage", "replSetConfigure", "replSetGetConfig", "replSetGetStatus",
                    "replSetStateChange", "resync", "addShard", "removeShard", "listSessions", "listShards", "flushRouterConfig",
                    "cleanupOrphaned", "getDefaultRWConcern", "runTenantMigration", "setDefaultRWConcern",
                    "setFeatureCompatibilityVersion", "setClusterParameter", "getClusterParameter", "setChangeStreamState",
                    "getChangeStreamState"),
            ANY_NORMAL, List.of("analyzeShardKey", "configureQueryAnalyzer", "clearJumboFlag", "splitChunk", "moveChunk",
                    "moveCollection", "enableSharding", "splitVector", "refineCollectionShardKey", "reshardCollection"));

    private Roles() {
    }

    /**
     * The reply for user {@code user} (of database admin) holding {@code roles} (each {@code name@db}) whose
     * privileges, merged by resource as the server groups them, are {@code privileges}.
     */
    @SafeVarargs
    static String connectionStatus(String user, List<String> roles, Map<String, List<String>>... privileges) {
        Map<String, List<String>> all = new LinkedHashMap<>();
        for (Map<String, List<String>> p : privileges) {
            all = merge(all, p);
        }
        List<String> entries = new ArrayList<>();
        all.forEach((resource, actions) -> entries.add("{resource: " + resource + ", actions: ['" + String.join("', '", actions) + "']}"));
        List<String> roleDocs = roles.stream().map(r -> "{role: '" + r.substring(0, r.indexOf('@')) + "', db: '"
                + r.substring(r.indexOf('@') + 1) + "'}").toList();
        return "{authInfo: {authenticatedUsers: [{user: '" + user + "', db: 'admin'}], authenticatedUserRoles: ["
                + String.join(", ", roleDocs) + "], authenticatedUserPrivileges: [" + String.join(", ", entries) + "]}, ok: 1.0}";
    }

    /** Resource, actions, resource, actions, ... */
    @SuppressWarnings("unchecked")
    static Map<String, List<String>> privileges(Object... resourceThenActions) {
        Map<String, List<String>> p = new LinkedHashMap<>();
        for (int i = 0; i < resourceThenActions.length; i += 2) {
            p = merge(p, Map.of((String) resourceThenActions[i], (List<String>) resourceThenActions[i + 1]));
        }
        return p;
    }

    static Map<String, List<String>> merge(Map<String, List<String>> a, Map<String, List<String>> b) {
        Map<String, List<String>> merged = new LinkedHashMap<>(a);
        b.forEach((resource, actions) -> merged.merge(resource, actions, (x, y) -> List.copyOf(new TreeSet<>(concat(x, y)))));
        return merged;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }
}
