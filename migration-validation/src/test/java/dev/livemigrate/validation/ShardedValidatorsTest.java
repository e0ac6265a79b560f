package dev.livemigrate.validation;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoTimeoutException;
import com.mongodb.ReadPreference;
import com.mongodb.ServerAddress;
import com.mongodb.connection.ClusterConnectionMode;
import dev.livemigrate.ValidationFinding;
import dev.livemigrate.spi.CommandRunner;
import dev.livemigrate.spi.ValidationContext;
import dev.livemigrate.spi.Validator;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checks of a sharded source or destination, on recorded replies in MongoDB's shapes ({@link Replies} names the
 * source of each): both sides answer as a mongos, and each shard, which the checks reach on their own, answers
 * through a {@link ShardConnector} over recorded replies (a shard without any is unreachable, as a driver's
 * server-selection timeout says).
 */
class ShardedValidatorsTest {

    private static final String LIST_SHARDS = Replies.listShards("shard01", "shard01/h1:27018,h2:27018,h3:27018",
            "shard02", "shard02/h4:27018,h5:27018,h6:27018", "shard03", "shard03/h7:27018,h8:27018,h9:27018");

    @Test
    void theShardedChecksAreRegistered() {
        assertThat(ServiceLoader.load(Validator.class).stream().map(ServiceLoader.Provider::type))
                .contains(BalancerValidator.class, ShardVersionsValidator.class, ShardKeysValidator.class);
    }

    /**
     * Through mongos the engine runs listShards and reads config.collections, config.chunks and config.databases:
     * readAnyDatabase grants none of them (anyNormalResource never matches config), backup grants the reads (find on
     * database config) but not listShards, clusterMonitor grants all (listShards, and the read role on config).
     */
    @Test
    void aShardedSourceNeedsWhatClusterMonitorGrants() {
        Recorded readOnly = user(Roles.connectionStatus("mig", List.of("readAnyDatabase@admin"), Roles.READ_ANY_DATABASE));
        List<ValidationFinding> refused = new PrivilegesValidator().validate(Recorded.context(readOnly, noAuth(), false));
        assertThat(refused).extracting(f -> f.severity() + " " + f.code() + " " + f.message()).containsExactly(
                "ERROR SOURCE_MISSING_PRIVILEGE the source user 'mig' lacks listShards on the cluster; find on config.collections,"
                        + " config.chunks, config.databases", "INFO DESTINATION_AUTH the destination is reached without authentication");
        assertThat(refused.get(0).remedy()).contains("grantRolesToUser('mig', ['readAnyDatabase', 'clusterMonitor'])");

        Recorded backup = user(Roles.connectionStatus("mig", List.of("readAnyDatabase@admin", "backup@admin"),
                Roles.READ_ANY_DATABASE, Roles.BACKUP));
        assertThat(messages(new PrivilegesValidator(), backup, noAuth(), false)).containsExactly(
                "ERROR SOURCE_MISSING_PRIVILEGE the source user 'mig' lacks listShards on the cluster",
                "INFO DESTINATION_AUTH the destination is reached without authentication");

        Recorded monitor = user(Roles.connectionStatus("mig", List.of("readAnyDatabase@admin", "backup@admin",
                "clusterMonitor@admin"), Roles.READ_ANY_DATABASE, Roles.BACKUP, Roles.CLUSTER_MONITOR));
        assertThat(codes(new PrivilegesValidator(), monitor, noAuth(), true)).containsExactly("INFO DESTINATION_AUTH");
        // read on config alone (clusterMonitor's role on it) reads config.collections: {db: 'config', collection: ''}
        Recorded configReader = user(Roles.connectionStatus("mig", List.of("readAnyDatabase@admin", "lister@admin"),
                Roles.READ_ANY_DATABASE, Roles.privileges("{db: 'config', collection: ''}", Roles.READ, Roles.CLUSTER,
                        List.of("listShards"))));
        assertThat(codes(new PrivilegesValidator(), configReader, noAuth(), false)).containsExactly("INFO DESTINATION_AUTH");
    }

    @Test
    void aRunningBalancerOnEitherSideIsWarnedWithHowToStopIt() {
        Recorded source = mongos().reply("balancerStatus", Replies.balancerStatus("full", false));
        Recorded destination = mongos().reply("balancerStatus", Replies.balancerStatus("off", false));
        List<ValidationFinding> findings = new BalancerValidator().validate(Recorded.context(source, destination, true));
        assertThat(findings).extracting(f -> f.severity() + " " + f.code() + " " + f.message()).containsExactly("WARNING"
                + " SOURCE_BALANCER_RUNNING the source's balancer is running (mode full): chunk migrations move documents between"
                + " the source's shards while the copy reads them, slow the copy and the change stream, and leave orphaned"
                + " documents behind");
        assertThat(findings.get(0).remedy()).isEqualTo("stop it on the source's mongos for the migration with sh.stopBalancer()"
                + " (or db.adminCommand({balancerStop: 1})), and start it again after cutover with sh.startBalancer()");

        // stopped, but a round is still under way; and a user who may not read the status
        destination.reply("balancerStatus", Replies.balancerStatus("off", true));
        source.refuse("balancerStatus", Replies.unauthorized("admin", "balancerStatus: 1"));
        assertThat(messages(new BalancerValidator(), source, destination, true)).containsExactly(
                "WARNING SOURCE_BALANCER_UNKNOWN the source's balancer state could not be read: Unauthorized, not authorized on"
                        + " admin to execute command { balancerStatus: 1 }",
                "WARNING DESTINATION_BALANCER_RUNNING the destination's balancer is stopped but its last round is still moving"
                        + " chunks: chunk migrations move chunks the copy is filling, compete with its writes and undo the placement"
                        + " along the source's chunk boundaries");
        // replica sets have no balancer
        assertThat(new BalancerValidator().validate(Recorded.context(new Recorded().reply("isMaster", Replies.REPLICA_SET_PRIMARY),
                new Recorded().reply("isMaster", Replies.REPLICA_SET_PRIMARY), true))).isEmpty();
    }

    @Test
    void shardsThatDifferInFeatureCompatibilityVersionAreAnErrorAndAnUnreachableOneIsSaidPlainly() {
        Map<String, Recorded> shards = Map.of("shard01", new Recorded().reply("getParameter", Replies.fcv("7.0")),
                "shard02", new Recorded().reply("getParameter", Replies.fcv("6.0")));
        Recorded source = mongos().reply("listShards", LIST_SHARDS);
        List<ValidationFinding> findings = new ShardVersionsValidator(connector(shards)).validate(Recorded.context(source,
                new Recorded().reply("isMaster", Replies.REPLICA_SET_PRIMARY), true));

        assertThat(findings).extracting(f -> f.severity() + " " + f.code() + " " + f.message()).containsExactly(
                "WARNING SOURCE_SHARD_UNREACHABLE the source's shard shard03 (shard03/h7:27018,h8:27018,h9:27018) could not be"
                        + " reached, so its featureCompatibilityVersion is unknown: no member answered within 5 s",
                "ERROR SOURCE_SHARD_FCV_DIFFERS the source's shards differ in featureCompatibilityVersion: shard01 7.0, shard02 6.0");
        assertThat(findings.get(1).remedy()).contains("setFeatureCompatibilityVersion");

        // every shard alike is noted; one whose change is under way differs from the others
        Map<String, Recorded> alike = Map.of("shard01", new Recorded().reply("getParameter", Replies.fcv("7.0")),
                "shard02", new Recorded().reply("getParameter", Replies.fcv("7.0")),
                "shard03", new Recorded().reply("getParameter", Replies.fcv("7.0")));
        assertThat(messages(new ShardVersionsValidator(connector(alike)), source, new Recorded(), true))
                .containsExactly("INFO SOURCE_SHARDS the source's shards: shard01 7.0, shard02 7.0, shard03 7.0");
        alike.get("shard03").reply("getParameter", Replies.fcvChanging("6.0", "7.0"));
        assertThat(messages(new ShardVersionsValidator(connector(alike)), source, new Recorded(), true)).containsExactly(
                "ERROR SOURCE_SHARD_FCV_DIFFERS the source's shards differ in featureCompatibilityVersion: shard01 7.0,"
                        + " shard02 7.0, shard03 6.0 (being changed: targetVersion 7.0)");
    }

    /**
     * A mongos has no oplog: each shard's is read on the shard (replies as in ValidatorsTest's oplog helper) and
     * weighed against the copy on its own. 100 GiB at the assumed 50 MiB/s: at least 512 s with 4 partitions.
     */
    @Test
    void throughMongosEachShardsOplogWindowIsChecked() {
        Recorded source = mongos().reply("listShards", LIST_SHARDS)
                .reply("listDatabases", "{databases: [{name: 'sales'}], ok: 1.0}")
                .reply("listCollections@sales", Replies.listCollections("sales", Replies.collection("orders")))
                .reply("dbStats@sales", "{db: 'sales', dataSize: 107374182400, storageSize: 53687091200, ok: 1.0}");
        Map<String, Recorded> shards = Map.of("shard01", oplog(86_400, 1_000_000_000L), "shard02", oplog(400, 1_000_000_000L));

        List<String> findings = messages(new OplogWindowValidator(System::nanoTime, connector(shards)), source, new Recorded(), true);

        assertThat(findings).containsExactly(
                "INFO OPLOG_WINDOW shard shard01's oplog window is 86400 s, estimated copy 512 to 2048 s (assumed 50 MiB/s per cursor)",
                "ERROR OPLOG_WINDOW_TOO_SHORT shard shard02's oplog window is 400 s, copying 100.00 GiB takes at least 512 s"
                        + " (assumed 50 MiB/s per cursor, 4 partitions at once)",
                "WARNING OPLOG_WINDOW_UNKNOWN shard shard03 (shard03/h7:27018,h8:27018,h9:27018) could not be reached or its oplog"
                        + " read, so its oplog window was not checked: no member answered within 5 s");
    }

    /**
     * 10 GiB to copy (12 GiB with headroom), of which sales.lines (2 GiB, 2.4 with headroom) is unsharded on the source
     * and lands whole on one shard. Three destination shards with 16 GiB free between them: an even share is 4 GiB, the
     * primary shard of sales needs 3.2 + 2.4 = 5.6 GiB. Summed, the free space would have passed.
     */
    @Test
    void aShardedDestinationsDiskIsWeighedShardByShard() {
        Recorded source = mongos()
                .reply("listDatabases", "{databases: [{name: 'sales'}], ok: 1.0}")
                .reply("listCollections@sales", Replies.listCollections("sales", Replies.collection("orders"), Replies.collection("lines")))
                .reply("dbStats@sales", Replies.dbStats("sales", 8L << 30, 8L << 30, 2L << 30))
                .reply("find@config.collections", Replies.found("config.collections",
                        Replies.shardedCollection("sales.orders", "{customer: 1, _id: 1}", false)))
                .reply("collStats@sales", Replies.mongosCollStats("sales.lines", false, 2L << 30, 3L << 29, 1L << 29));
        Recorded destination = mongos().reply("listShards", Replies.listShards("a", "a/d1:27018", "b", "b/d2:27018", "c", "c/d3:27018"));
        Map<String, Recorded> shards = Map.of("a", new Recorded().reply("dbStats", Replies.fileSystem(100L << 30, 92L << 30)),
                "b", new Recorded().reply("dbStats", Replies.fileSystem(100L << 30, 97L << 30)),
                "c", new Recorded().reply("dbStats", Replies.fileSystem(100L << 30, 95L << 30)));

        List<String> findings = messages(new DiskSpaceValidator(connector(shards)), source, destination, true);

        assertThat(findings).containsExactly(
                "ERROR DESTINATION_SHARD_DISK_TOO_SMALL the destination's shard b has 3.00 GiB free, less than an even share"
                        + " (4.00 GiB with headroom) of the source's 10.00 GiB spread over 3 shards",
                "WARNING DESTINATION_SHARD_DISK_TIGHT the destination's shard c has 5.00 GiB free: enough for its share of the"
                        + " sharded collections, but not if the unsharded ones (2.40 GiB with headroom), which land whole on their"
                        + " database's primary shard, land there too (5.60 GiB)",
                "INFO DESTINATION_DISK free on the destination's shards: a 8.00 GiB; each needs at most 5.60 GiB of the source's 10.00 GiB");
        // a destination user who may not list the shards (readWriteAnyDatabase and restore grant no listShards)
        destination.refuse("listShards", Replies.unauthorized("admin", "listShards: 1"));
        assertThat(messages(new DiskSpaceValidator(connector(shards)), source, destination, true)).containsExactly("WARNING"
                + " DESTINATION_FREE_SPACE_UNKNOWN the destination is a sharded cluster whose shards could not be listed (Unauthorized,"
                + " not authorized on admin to execute command { listShards: 1 }), so no shard's free disk space is known; the source"
                + " holds 10.00 GiB (8.00 GiB data, 2.00 GiB indexes)");
        assertThat(messages(new ShardVersionsValidator(connector(shards)), new Recorded(), destination, true)).containsExactly(
                "WARNING DESTINATION_SHARD_UNREACHABLE the destination's shards could not be listed (Unauthorized, not authorized on"
                        + " admin to execute command { listShards: 1 }), so their featureCompatibilityVersions are unknown");
    }

    @Test
    void aDestinationShardedOnAnotherKeyIsAnErrorNamingIt() {
        Recorded source = mongos()
                .reply("listDatabases", "{databases: [{name: 'sales'}], ok: 1.0}")
                .reply("listCollections@sales", Replies.listCollections("sales", Replies.collection("orders"),
                        Replies.collection("users"), Replies.collection("lines")))
                .reply("find@config.collections", Replies.found("config.collections",
                        Replies.shardedCollection("sales.orders", "{customer: 1, _id: 1}", false),
                        Replies.shardedCollection("sales.users", "{email: 1}", true)))
                .reply("find@config.databases", Replies.found("config.databases", Replies.database("sales", "shard01")));
        Recorded destination = mongos()
                .reply("find@config.collections", Replies.found("config.collections",
                        Replies.shardedCollection("sales.orders", "{_id: 1, customer: 1}", false),
                        Replies.shardedCollection("sales.users", "{email: 1.0}", false)))
                .reply("find@config.databases", Replies.found("config.databases"));

        List<ValidationFinding> findings = new ShardKeysValidator().validate(Recorded.context(source, destination, true));

        assertThat(findings).extracting(f -> f.severity() + " " + f.code() + " " + f.message()).containsExactly(
                "ERROR DESTINATION_SHARDED_DIFFERENTLY the destination collection sales.orders is already sharded on"
                        + " {\"_id\": 1, \"customer\": 1}, the source collection sales.orders on {\"customer\": 1, \"_id\": 1}",
                "ERROR DESTINATION_SHARDED_DIFFERENTLY the destination collection sales.users is already sharded on"
                        + " {\"email\": 1.0}, the source collection sales.users on {\"email\": 1} (unique)",
                "INFO UNSHARDED_PRIMARY_SHARD_DIFFERS the 1 unsharded collection(s) of sales live on the source's shard shard01;"
                        + " on the destination they land on the primary shard the destination picks when it creates sales");
        assertThat(findings.get(0).remedy()).contains("drop sales.orders on the destination");
        // a migration that clears the destination drops them first: only the placement is left to note
        assertThat(new ShardKeysValidator().validate(Recorded.clearing(source, destination))).extracting(ValidationFinding::code)
                .containsExactly("UNSHARDED_PRIMARY_SHARD_DIFFERS");

        // the same keys (numbers by value) and the same primary shard's name: nothing to say
        destination.reply("find@config.collections", Replies.found("config.collections",
                        Replies.shardedCollection("sales.orders", "{customer: 1.0, _id: {$numberLong: '1'}}", false),
                        Replies.shardedCollection("sales.users", "{email: 1}", true)))
                .reply("find@config.databases", Replies.found("config.databases", Replies.database("sales", "shard01")));
        assertThat(new ShardKeysValidator().validate(Recorded.context(source, destination, true))).isEmpty();
        destination.reply("find@config.databases", Replies.found("config.databases", Replies.database("sales", "dst-rs-2")));
        assertThat(messages(new ShardKeysValidator(), source, destination, true)).containsExactly("INFO UNSHARDED_PRIMARY_SHARD_DIFFERS"
                + " the 1 unsharded collection(s) of sales live on the source's shard shard01; on the destination they land on shard"
                + " dst-rs-2, the primary shard of sales");
    }

    /**
     * A shard is reached with the side's own user and TLS settings, at the members listShards names, its replica set
     * required, reads from its primary; an SRV source's settings lose their SRV host for the shard's members.
     */
    @Test
    void aShardIsReachedWithTheSidesCredentialsAndTls() {
        MongoClientSettings base = MongoClientSettings.builder().applyConnectionString(new ConnectionString(
                "mongodb://mig:secret@router1:27017,router2:27017/?authSource=admin&tls=true&readPreference=secondary")).build();
        MongoClientSettings shard = ShardConnector.settings(base, new Sharding.Shard("shard02", "shard02/h4:27018,h5:27018"));

        assertThat(shard.getCredential()).isEqualTo(base.getCredential());
        assertThat(shard.getSslSettings().isEnabled()).isTrue();
        assertThat(shard.getClusterSettings().getHosts()).containsExactly(new ServerAddress("h4", 27018), new ServerAddress("h5", 27018));
        assertThat(shard.getClusterSettings().getRequiredReplicaSetName()).isEqualTo("shard02");
        assertThat(shard.getClusterSettings().getMode()).isEqualTo(ClusterConnectionMode.MULTIPLE);
        assertThat(shard.getClusterSettings().getServerSelectionTimeout(TimeUnit.SECONDS)).isEqualTo(ShardConnector.SELECTION_SECONDS);
        assertThat(shard.getReadPreference()).isEqualTo(ReadPreference.primary());

        MongoClientSettings srv = MongoClientSettings.builder().applyToClusterSettings(c -> c.srvHost("cluster0.example.net")
                .mode(ClusterConnectionMode.MULTIPLE)).build();
        assertThat(ShardConnector.settings(srv, new Sharding.Shard("s", "s/h1:27018")).getClusterSettings().getSrvHost()).isNull();
        // a context that gives no settings falls back to the spec's connection string
        assertThat(ShardConnector.settings(Recorded.context(new Recorded(), new Recorded(), true), true).orElseThrow()
                .getClusterSettings().getHosts()).containsExactly(new ServerAddress("src", 27017));
    }

    /** A shard's connection over recorded replies; a shard without replies cannot be reached. */
    static ShardConnector connector(Map<String, Recorded> shards) {
        return (context, source, shard) -> {
            CommandRunner runner = shards.get(shard.id());
            if (runner == null) {
                // the driver's message when no member of the shard answers (com.mongodb.internal.connection.BaseCluster)
                throw new MongoTimeoutException("Timed out while waiting for a server that matches ReadPreferenceServerSelector"
                        + "{readPreference=primary}. Client view of cluster state is {type=REPLICA_SET, servers=[]}");
            }
            return new ShardConnector.Connection() {
                @Override
                public BsonDocument run(String database, BsonDocument command) {
                    return runner.run(database, command);
                }

                @Override
                public void close() {
                }
            };
        };
    }

    private static Recorded mongos() {
        return new Recorded().reply("isMaster", Replies.MONGOS);
    }

    private static Recorded user(String connectionStatus) {
        return mongos().reply("connectionStatus", connectionStatus)
                .reply("buildInfo", "{version: '7.0.5', versionArray: [7, 0, 5, 0], ok: 1.0}")
                .reply("listDatabases", "{databases: [{name: 'sales'}, {name: 'admin'}], ok: 1.0}")
                .reply("listCollections@sales", Replies.listCollections("sales", Replies.collection("orders")));
    }

    private static Recorded noAuth() {
        return new Recorded().reply("connectionStatus", "{authInfo: {authenticatedUsers: [], authenticatedUserRoles: []}, ok: 1.0}");
    }

    /** A shard's oplog: full ({@code size} = maxSize), its entries {@code windowSeconds} apart. */
    private static Recorded oplog(long windowSeconds, long size) {
        return new Recorded().reply("collStats@local", "{ns: 'local.oplog.rs', size: " + size + ", maxSize: " + size
                        + ", capped: true, ok: 1.0}")
                .reply("find@local", "{cursor: {id: 0, ns: 'local.oplog.rs', firstBatch: [{ts: {$timestamp: {t: "
                        + (1_700_000_000L + windowSeconds) + ", i: 1}}}]}, ok: 1.0}")
                .firstTs(1_700_000_000L);
    }

    private static List<String> messages(Validator v, Recorded source, Recorded destination, boolean live) {
        ValidationContext context = Recorded.context(source, destination, live);
        return v.validate(context).stream().map(f -> f.severity() + " " + f.code() + " " + f.message()).toList();
    }

    private static List<String> codes(Validator v, Recorded source, Recorded destination, boolean live) {
        return v.validate(Recorded.context(source, destination, live)).stream().map(f -> f.severity() + " " + f.code()).toList();
    }
}
