package dev.livemigrate.validation;

import dev.livemigrate.Namespace;
import dev.livemigrate.ValidationFinding;
import dev.livemigrate.spi.CommandRunner;
import dev.livemigrate.spi.ValidationContext;
import dev.livemigrate.spi.Validator;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** Every check, both outcomes, on recorded replies in MongoDB's shapes ({@link Replies} names the source of each). */
class ValidatorsTest {

    private static final String REPLICA_SET = Replies.REPLICA_SET_PRIMARY;
    private static final String STANDALONE = Replies.STANDALONE;
    private static final String MONGOS = Replies.MONGOS;

    @Test
    void theValidatorsAreRegistered() {
        assertThat(ServiceLoader.load(Validator.class).stream().map(ServiceLoader.Provider::type)).contains(TopologyValidator.class,
                VersionValidator.class, DiskSpaceValidator.class, OplogWindowValidator.class, PrivilegesValidator.class,
                CollectionKindsValidator.class, AccessListValidator.class);
    }

    @Test
    void topologyAcceptsReplicaSetsAndShardedClustersAndRejectsAStandalone() {
        assertThat(findings(new TopologyValidator(), new Recorded().reply("isMaster", REPLICA_SET), new Recorded(), true))
                .containsExactly("INFO SOURCE_TOPOLOGY the source is replica set rs0 with members [a:27017, b:27017, c:27017]");
        // a mongos does not say which router answered: the routers are the ones the connection string names
        assertThat(findings(new TopologyValidator(), new Recorded().reply("isMaster", MONGOS), new Recorded(), true))
                .containsExactly("INFO SOURCE_TOPOLOGY the source is a sharded cluster, reached through mongos src:27017");
        assertThat(codes(new TopologyValidator(), new Recorded().reply("isMaster", STANDALONE), new Recorded(), true))
                .containsExactly("ERROR SOURCE_STANDALONE");
        assertThat(codes(new TopologyValidator(), new Recorded().reply("isMaster", STANDALONE), new Recorded(), false))
                .containsExactly("INFO SOURCE_TOPOLOGY");
    }

    @Test
    void versionsMustBeSupportedAndTheDestinationNoOlder() {
        Recorded v60 = new Recorded().reply("buildInfo", "{version: '6.0.14', versionArray: [6, 0, 14, 0], ok: 1}")
                .reply("getParameter", "{featureCompatibilityVersion: {version: '6.0'}, ok: 1}");
        Recorded v70 = new Recorded().reply("buildInfo", "{version: '7.0.5', versionArray: [7, 0, 5, 0], ok: 1}")
                .reply("getParameter", "{featureCompatibilityVersion: {version: '6.0'}, ok: 1}");
        Recorded v42 = new Recorded().reply("buildInfo", "{version: '4.2.24', versionArray: [4, 2, 24, 0], ok: 1}");

        assertThat(codes(new VersionValidator(), v60, v70, true)).containsExactly("INFO VERSIONS", "WARNING FCV_BELOW_VERSION");
        assertThat(codes(new VersionValidator(), v70, v60, true)).contains("ERROR DESTINATION_OLDER_THAN_SOURCE");
        assertThat(codes(new VersionValidator(), v42, v70, true)).contains("ERROR UNSUPPORTED_VERSION");
    }

    @Test
    void theDestinationMustHaveRoomForTheSourceData() {
        Recorded source = new Recorded()
                .reply("listDatabases", "{databases: [{name: 'sales'}, {name: 'admin'}], ok: 1}")
                .reply("listCollections@sales", Replies.listCollections("sales", Replies.collection("orders")))
                .reply("dbStats@sales", "{db: 'sales', dataSize: 10737418240, storageSize: 4294967296, ok: 1}");
        Recorded roomy = new Recorded().reply("dbStats", "{db: 'admin', fsTotalSize: 107374182400, fsUsedSize: 10737418240, ok: 1}");
        Recorded tight = new Recorded().reply("dbStats", "{db: 'admin', fsTotalSize: 10737418240, fsUsedSize: 6442450944, ok: 1}");
        Recorded unknown = new Recorded().reply("dbStats", "{db: 'admin', dataSize: 0, ok: 1}");

        assertThat(codes(new DiskSpaceValidator(), source, roomy, true)).containsExactly("INFO DESTINATION_DISK");
        List<ValidationFinding> tooSmall = new DiskSpaceValidator().validate(Recorded.context(source, tight, true));
        assertThat(tooSmall).extracting(ValidationFinding::code).containsExactly("DESTINATION_DISK_TOO_SMALL");
        assertThat(tooSmall.get(0).message()).contains("4.00 GiB free", "source holds 4.00 GiB"); // compressed: storageSize counts
        assertThat(codes(new DiskSpaceValidator(), source, unknown, true)).containsExactly("WARNING DESTINATION_FREE_SPACE_UNKNOWN");
    }

    @Test
    void theIndexesCountAgainstTheDestinationDisk() {
        // 4 GiB stored + 2 GiB of indexes (dbStats indexSize), 20% headroom: 7.2 GiB needed, 6 GiB free; data alone would fit
        Recorded source = new Recorded()
                .reply("listDatabases", "{databases: [{name: 'sales'}, {name: 'admin'}], ok: 1.0}")
                .reply("listCollections@sales", Replies.listCollections("sales", Replies.collection("orders")))
                .reply("dbStats@sales", Replies.dbStats("sales", 10L << 30, 4L << 30, 2L << 30));
        Recorded destination = new Recorded().reply("dbStats", Replies.fileSystem(16L << 30, 10L << 30));

        assertThat(findings(new DiskSpaceValidator(), source, destination, true)).containsExactly("ERROR DESTINATION_DISK_TOO_SMALL the"
                + " destination has 6.00 GiB free, the source holds 6.00 GiB (4.00 GiB data, 2.00 GiB indexes) (7.20 GiB with headroom)");
    }

    @Test
    void anOplogThatCannotBeReadIsWarnedNotSkipped() {
        String dbs = "{databases: [{name: 'sales'}], ok: 1.0}";
        // a mongos has no local.oplog.rs: collStats there fails, as does any read of it
        // (each shard's oplog is read on the shard: ShardedValidatorsTest); a user who may not list the shards is told so
        Recorded mongos = oplog(dbs, 400, 1, 1).reply("isMaster", MONGOS)
                .refuse("collStats@local", Replies.unauthorized("local", "collStats: \"oplog.rs\""))
                .refuse("listShards", Replies.unauthorized("admin", "listShards: 1"));
        assertThat(findings(new OplogWindowValidator(), mongos, new Recorded(), true)).containsExactly("WARNING OPLOG_WINDOW_UNKNOWN"
                + " the source is reached through mongos, which has no oplog, and its shards could not be listed (Unauthorized,"
                + " not authorized on admin to execute command { listShards: 1 }): no shard's oplog window was checked");
        // a replica-set member whose user may not read local
        Recorded denied = oplog(dbs, 400, 1, 1).reply("isMaster", REPLICA_SET)
                .refuse("collStats@local", Replies.unauthorized("local", "collStats: \"oplog.rs\""));
        assertThat(findings(new OplogWindowValidator(), denied, new Recorded(), true)).containsExactly("WARNING OPLOG_WINDOW_UNKNOWN"
                + " the source's oplog (local.oplog.rs) could not be read: Unauthorized, not authorized on local to execute command"
                + " { collStats: \"oplog.rs\" }");
        // a standalone without an oplog is the topology check's to report
        Recorded standalone = oplog(dbs, 400, 1, 1).reply("isMaster", STANDALONE).refuse("collStats@local", Replies.unauthorized("local", "x"));
        assertThat(codes(new OplogWindowValidator(), standalone, new Recorded(), true)).isEmpty();
    }

    @Test
    void aFillingOplogIsWeighedByTheWindowItSettlesAt() {
        // a quarter full after 400 s: at that write rate it holds 1600 s once full, under twice the 2048 s one cursor takes
        String dbs = "{databases: [{name: 'sales'}], ok: 1.0}";
        assertThat(findings(new OplogWindowValidator(), oplog(dbs, 400, 250_000_000L, 1_000_000_000L), new Recorded(), true))
                .containsExactly("WARNING OPLOG_WINDOW_TIGHT the source's oplog is not full yet (250000000 of 1000000000 bytes in 400 s);"
                        + " at that write rate its window settles at 1600 s, less than twice the 2048 s copying 100.00 GiB takes at"
                        + " assumed 50 MiB/s per cursor");
        // a tenth full after 40 s settles at 400 s: shorter than the fastest copy
        assertThat(codes(new OplogWindowValidator(), oplog(dbs, 40, 100_000_000L, 1_000_000_000L), new Recorded(), true))
                .containsExactly("ERROR OPLOG_WINDOW_TOO_SHORT");
    }

    @Test
    void queryableEncryptionNeedsTheDestinationsFeatureCompatibilityVersion() {
        Recorded source = new Recorded().reply("listDatabases", "{databases: [{name: 'hr'}], ok: 1.0}")
                .reply("listCollections@hr", Replies.listCollections("hr", Replies.encrypted("patients")));
        Recorded v70 = new Recorded().reply("buildInfo", "{version: '7.0.5', versionArray: [7, 0, 5, 0], ok: 1.0}");

        assertThat(codes(new CollectionKindsValidator(), source, v70.reply("getParameter", Replies.fcv("6.0")), true))
                .containsExactly("ERROR UNSUPPORTED_QUERYABLE_ENCRYPTION");
        assertThat(codes(new CollectionKindsValidator(), source, v70.reply("getParameter", Replies.fcv("7.0")), true)).isEmpty();
    }

    @Test
    void theOplogWindowMustOutlastTheCopy() {
        // 100 GiB at the assumed 50 MiB/s: 512 s with 4 partitions at once, 2048 s with one cursor
        String dbs = "{databases: [{name: 'sales'}], ok: 1}";
        assertThat(codes(new OplogWindowValidator(), oplog(dbs, 400, 1_000_000_000L, 1_000_000_000L), new Recorded(), true))
                .containsExactly("ERROR OPLOG_WINDOW_TOO_SHORT");
        assertThat(codes(new OplogWindowValidator(), oplog(dbs, 3000, 1_000_000_000L, 1_000_000_000L), new Recorded(), true))
                .containsExactly("WARNING OPLOG_WINDOW_TIGHT");
        assertThat(codes(new OplogWindowValidator(), oplog(dbs, 86_400, 1_000_000_000L, 1_000_000_000L), new Recorded(), true))
                .containsExactly("INFO OPLOG_WINDOW");
        assertThat(new OplogWindowValidator().validate(Recorded.context(oplog(dbs, 400, 1_000_000_000L, 1_000_000_000L), new Recorded(), true))
                .get(0).message()).contains("assumed 50 MiB/s", "100.00 GiB");
        assertThat(new OplogWindowValidator().validate(Recorded.context(oplog(dbs, 10, 1_000L, 1_000_000_000L), new Recorded(), true))
                .get(0).message()).contains("not full yet");
        assertThat(codes(new OplogWindowValidator(), oplog(dbs, 10, 1_000_000_000L, 1_000_000_000L), new Recorded(), false)).isEmpty();
    }

    @Test
    void theCopyTimeIsEstimatedFromAMeasuredReadRate() {
        // a source that hands out 1,000 documents of 1 KiB per batch, each batch taking 10 ms on the validator's clock
        Recorded recorded = oplog("{databases: [{name: 'sales'}], ok: 1}", 1500, 1_000_000_000L, 1_000_000_000L)
                .reply("collStats@sales", "{ns: 'sales.orders', size: {$numberLong: '107374182400'}, count: {$numberLong: '104857600'},"
                        + " avgObjSize: 1024, storageSize: {$numberLong: '53687091200'}, capped: false, nindexes: 1, ok: 1.0}");
        BsonArray batch = new BsonArray();
        for (int i = 0; i < 1000; i++) {
            batch.add(new BsonDocument("_id", new BsonInt32(i)));
        }
        AtomicLong nanos = new AtomicLong();
        List<String> reads = new ArrayList<>();
        CommandRunner tenMillisPerBatch = (db, command) -> {
            String name = command.getFirstKey();
            if (db.equals("sales") && (name.equals("find") || name.equals("getMore"))) {
                reads.add(name);
                nanos.addAndGet(10_000_000);
                return new BsonDocument("cursor", new BsonDocument("id", new BsonInt64(42)).append("ns", new BsonString("sales.orders"))
                        .append(name.equals("find") ? "firstBatch" : "nextBatch", batch)).append("ok", new BsonDouble(1));
            }
            return recorded.run(db, command);
        };

        List<ValidationFinding> findings = new OplogWindowValidator(nanos::get).validate(Recorded.context(tenMillisPerBatch,
                new Recorded(), true, ns -> !ns.isSystem(), List.of()));

        // reads stop once the measuring second is up: one find and 99 getMores, 100,000 documents of 1 KiB in 1.0 s
        assertThat(reads).hasSize(100).startsWith("find").containsOnlyOnce("find");
        // 97 MiB/s per cursor: 4 cursors copy 100 GiB in 262 s (under the 1500 s window), one in 1048 s (over half of it)
        assertThat(findings).extracting(f -> f.severity() + " " + f.code() + " " + f.message()).containsExactly("WARNING OPLOG_WINDOW_TIGHT"
                + " the source's oplog window is 1500 s, less than twice the 1048 s copying 100.00 GiB takes at measured 97 MiB/s per cursor");
    }

    @Test
    void privilegesAreDecidedByTheActionsTheRolesGrantNotByTheirNames() {
        // readWriteAnyDatabase + backup holds every source action and setUserWriteBlockMode: nothing to report
        assertThat(codes(new PrivilegesValidator(), user(REPLICA_SET, Roles.connectionStatus("mig", List.of("readWriteAnyDatabase@admin",
                "backup@admin"), Roles.READ_WRITE_ANY_DATABASE, Roles.BACKUP)), destination(Roles.READ_WRITE_ANY_DATABASE, Roles.RESTORE),
                true)).isEmpty();
        // clusterAdmin (clusterMonitor + clusterManager) on a sharded source is no missing clusterMonitor; it grants no
        // setUserWriteBlockMode, so the engine could not block writes
        assertThat(findings(new PrivilegesValidator(), user(MONGOS, Roles.connectionStatus("mig", List.of("readAnyDatabase@admin",
                "clusterAdmin@admin"), Roles.READ_ANY_DATABASE, Roles.CLUSTER_MONITOR, Roles.CLUSTER_MANAGER)),
                destination(Roles.READ_WRITE_ANY_DATABASE, Roles.RESTORE), true)).containsExactly("WARNING SOURCE_CANNOT_BLOCK_WRITES the"
                + " source user 'mig' lacks the setUserWriteBlockMode action on the cluster, so the engine cannot block writes at cutover");
        // custom roles that merely carry the built-in names, defined in database app with find and listCollections on app
        Recorded impostor = user(REPLICA_SET, Roles.connectionStatus("mig", List.of("readAnyDatabase@app", "backup@app"),
                Roles.privileges("{db: 'app', collection: ''}", List.of("find", "listCollections"))));
        List<ValidationFinding> refused = new PrivilegesValidator().validate(Recorded.context(impostor,
                destination(Roles.READ_WRITE_ANY_DATABASE, Roles.RESTORE), true));
        assertThat(refused).extracting(f -> f.severity() + " " + f.code() + " " + f.message()).containsExactly(
                "ERROR SOURCE_MISSING_PRIVILEGE the source user 'mig' lacks listDatabases on the cluster; listCollections on database"
                        + " sales; find on sales.orders, sales.lines; listIndexes on sales.orders, sales.lines; collStats on sales.orders,"
                        + " sales.lines; changeStream on sales.orders, sales.lines",
                "WARNING SOURCE_CANNOT_BLOCK_WRITES the source user 'mig' lacks the setUserWriteBlockMode action on the cluster, so the"
                        + " engine cannot block writes at cutover");
        assertThat(refused.get(0).remedy()).contains("grantRolesToUser('mig', ['readAnyDatabase'])");
        // a user who may not even list a database's collections is told so, not left with a check that could not run
        impostor.refuse("listCollections@sales", Replies.unauthorized("sales", "listCollections: 1, filter: {}"));
        assertThat(findings(new PrivilegesValidator(), impostor, destination(Roles.READ_WRITE_ANY_DATABASE, Roles.RESTORE), true))
                .startsWith("ERROR SOURCE_MISSING_PRIVILEGE the source user 'mig' may not list the namespaces to migrate: Unauthorized,"
                        + " not authorized on sales to execute command { listCollections: 1, filter: {} }",
                        "ERROR SOURCE_MISSING_PRIVILEGE the source user 'mig' lacks listDatabases on the cluster");
    }

    @Test
    void theDestinationUserNeedsEveryWriteTheEngineMakes() {
        Recorded source = user(REPLICA_SET, Roles.connectionStatus("mig", List.of("backup@admin", "readAnyDatabase@admin"),
                Roles.BACKUP, Roles.READ_ANY_DATABASE));
        // readWriteAnyDatabase grants no collMod (dbAdmin does) and no bypassDocumentValidation (restore, dbAdmin do)
        assertThat(findings(new PrivilegesValidator(), source, destination(Roles.READ_WRITE_ANY_DATABASE), true)).containsExactly(
                "ERROR DESTINATION_MISSING_PRIVILEGE the destination user 'w' lacks collMod on sales.orders, sales.lines;"
                        + " bypassDocumentValidation on sales.orders, sales.lines");
        // restore alone cannot update, remove, read or drop an index
        assertThat(findings(new PrivilegesValidator(), source, destination(Roles.RESTORE), true)).containsExactly(
                "ERROR DESTINATION_MISSING_PRIVILEGE the destination user 'w' lacks update on sales.orders, sales.lines,"
                        + " __livemigrate.migrations; remove on sales.orders, sales.lines, __livemigrate.migrations; find on"
                        + " sales.orders, sales.lines, __livemigrate.migrations; dropIndex on sales.orders, sales.lines");
        // the namespaces written are the renamed ones: readWrite + dbAdmin on database shop covers them, not __livemigrate
        Recorded shopOnly = destination(Roles.privileges("{db: 'shop', collection: ''}", Roles.READ_WRITE,
                "{db: 'shop', collection: ''}", List.of("bypassDocumentValidation", "collMod")));
        ValidationContext renamed = Recorded.renaming(source, shopOnly, "sales", "shop");
        assertThat(new PrivilegesValidator().validate(renamed)).extracting(ValidationFinding::message).containsExactly("the destination"
                + " user 'w' lacks insert on __livemigrate.migrations; update on __livemigrate.migrations; remove on"
                + " __livemigrate.migrations; find on __livemigrate.migrations; createCollection on __livemigrate.migrations;"
                + " createIndex on __livemigrate.migrations");
    }

    @Test
    void writeBlockingNeedsSetUserWriteBlockModeAndMongoDb60() {
        Recorded noAuth = new Recorded().reply("connectionStatus", "{authInfo: {authenticatedUsers: [], authenticatedUserRoles: []}, ok: 1}");
        // a custom role with only bypassWriteBlockingMode may write while blocked, but cannot block
        Recorded bypassOnly = user(REPLICA_SET, Roles.connectionStatus("mig", List.of("readAnyDatabase@admin", "blocker@admin"),
                Roles.READ_ANY_DATABASE, Roles.privileges(Roles.CLUSTER, List.of("bypassWriteBlockingMode"))));
        assertThat(codes(new PrivilegesValidator(), bypassOnly, noAuth, true)).containsExactly("WARNING SOURCE_CANNOT_BLOCK_WRITES",
                "INFO DESTINATION_AUTH");
        // restore grants setUserWriteBlockMode
        Recorded restore = user(REPLICA_SET, Roles.connectionStatus("mig", List.of("readAnyDatabase@admin", "restore@admin"),
                Roles.READ_ANY_DATABASE, Roles.RESTORE));
        assertThat(codes(new PrivilegesValidator(), restore, noAuth, true)).containsExactly("INFO DESTINATION_AUTH");
        // before 6.0 no user can block writes
        restore.reply("buildInfo", "{version: '5.0.26', versionArray: [5, 0, 26, 0], ok: 1.0}");
        assertThat(findings(new PrivilegesValidator(), restore, noAuth, true)).containsExactly("WARNING SOURCE_CANNOT_BLOCK_WRITES the"
                + " source runs MongoDB 5.0, which cannot block user writes (setUserWriteBlockMode needs 6.0)", "INFO DESTINATION_AUTH the"
                + " destination is reached without authentication");
        // a one-time copy has no cutover, and needs no changeStream
        assertThat(codes(new PrivilegesValidator(), bypassOnly, noAuth, false)).containsExactly("INFO DESTINATION_AUTH");
    }

    /** A source of two collections in sales, reached as the user {@code connectionStatus} describes. */
    private static Recorded user(String hello, String connectionStatus) {
        return new Recorded().reply("isMaster", hello).reply("connectionStatus", connectionStatus)
                .reply("buildInfo", "{version: '7.0.5', versionArray: [7, 0, 5, 0], ok: 1.0}")
                .reply("listDatabases", "{databases: [{name: 'sales'}, {name: 'admin'}], ok: 1.0}")
                .reply("listCollections@sales", Replies.listCollections("sales", Replies.collection("orders"), Replies.collection("lines")));
    }

    @SafeVarargs
    private static Recorded destination(Map<String, List<String>>... privileges) {
        return new Recorded().reply("connectionStatus", Roles.connectionStatus("w", List.of("writer@admin"), privileges));
    }

    @Test
    void namesCollectionsTheDestinationCannotHold() {
        Recorded source = new Recorded()
                .reply("listDatabases", "{databases: [{name: 'iot'}], ok: 1.0}")
                .reply("listCollections@iot", Replies.listCollections("iot",
                        Replies.timeSeries("weather", "ts"),
                        Replies.collection("system.buckets.weather", "{validator: {$jsonSchema: {bsonType: 'object'}},"
                                + " clusteredIndex: true, timeseries: {timeField: 'ts', granularity: 'seconds', bucketMaxSpanSeconds: 3600}}"),
                        Replies.encrypted("patients"),
                        Replies.collection("enxcol_.patients.esc"),
                        Replies.collection("enxcol_.patients.ecoc", "{clusteredIndex: {v: 2, key: {_id: 1}, name: '_id_', unique: true}}"),
                        Replies.collection("readings", "{collation: " + Replies.FRENCH_COLLATION + "}"),
                        Replies.collection("events", Replies.CAPPED_1_MIB),
                        Replies.view("recent", "readings"),
                        Replies.view("orphan", "gone"),
                        Replies.collection("system.views")));
        Recorded old = new Recorded().reply("buildInfo", "{version: '4.4.29', versionArray: [4, 4, 29, 0], ok: 1}");
        Recorded v8 = new Recorded().reply("buildInfo", "{version: '8.0.4', versionArray: [8, 0, 4, 0], ok: 1}");

        List<ValidationFinding> findings = new CollectionKindsValidator().validate(Recorded.context(source, old, true));
        assertThat(findings).extracting(f -> f.severity() + " " + f.code()).containsExactly("ERROR UNSUPPORTED_TIME_SERIES",
                "ERROR UNSUPPORTED_QUERYABLE_ENCRYPTION", "WARNING VIEW_WITHOUT_SOURCE");
        assertThat(findings).extracting(ValidationFinding::message).anySatisfy(m -> assertThat(m).contains("iot.weather"))
                .anySatisfy(m -> assertThat(m).contains("iot.patients")).anySatisfy(m -> assertThat(m).contains("iot.orphan", "iot.gone"));
        // change streams do not report writes to time-series collections (they land in system.buckets.*):
        // a live migration is refused, naming each; a one-time copy takes them with a warning
        List<ValidationFinding> live = new CollectionKindsValidator().validate(Recorded.context(source, v8, true));
        assertThat(live).extracting(f -> f.severity() + " " + f.code())
                .containsExactly("ERROR TIME_SERIES_NOT_SYNCED", "WARNING VIEW_WITHOUT_SOURCE");
        assertThat(live.get(0).message()).contains("iot.weather").doesNotContain("system.buckets");
        assertThat(live.get(0).remedy()).contains("exclude iot.weather", "one-time copy");
        List<ValidationFinding> once = new CollectionKindsValidator().validate(Recorded.context(source, v8, false));
        assertThat(once).extracting(f -> f.severity() + " " + f.code())
                .containsExactly("WARNING TIME_SERIES_COPIED_ONCE", "WARNING VIEW_WITHOUT_SOURCE");
        assertThat(once.get(0).message()).contains("iot.weather");
    }

    @Test
    void onlyTheSelectedNamespacesAreWeighed() {
        Recorded source = new Recorded()
                .reply("listDatabases", "{databases: [{name: 'iot'}], ok: 1.0}")
                .reply("listCollections@iot", Replies.listCollections("iot", Replies.timeSeries("weather", "ts"),
                        Replies.collection("system.buckets.weather", "{clusteredIndex: true, timeseries: {timeField: 'ts',"
                                + " granularity: 'seconds', bucketMaxSpanSeconds: 3600}}"),
                        Replies.collection("readings")))
                .reply("collStats@iot", Replies.collStats("iot.readings", 1073741824L, 536870912L, 100L << 20, 156L << 20));
        Recorded old = new Recorded().reply("buildInfo", "{version: '4.4.29', versionArray: [4, 4, 29, 0], ok: 1}")
                .reply("dbStats", "{db: 'admin', fsTotalSize: 10737418240, fsUsedSize: 9663676416, ok: 1}");
        Predicate<Namespace> withoutWeather = ns -> !ns.isSystem() && !ns.collection().equals("weather");

        assertThat(new CollectionKindsValidator().validate(Recorded.context(source, old, true, withoutWeather, List.of()))).isEmpty();
        // dbStats of iot would be refused (not recorded): a database copied in part is weighed by collStats
        List<ValidationFinding> disk = new DiskSpaceValidator().validate(Recorded.context(source, old, true, withoutWeather, List.of()));
        assertThat(disk).extracting(ValidationFinding::code).containsExactly("DESTINATION_DISK");
        // its indexes (totalIndexSize) count too: 0.90 GiB with headroom fits the 1 GiB free
        assertThat(disk.get(0).message()).isEqualTo("1.00 GiB free on the destination for the source's 0.75 GiB (0.50 GiB data,"
                + " 0.25 GiB indexes)");
    }

    @Test
    void anAccessListOpenToEveryAddressIsRefused() {
        assertThat(new AccessListValidator().validate(Recorded.context(new Recorded(), new Recorded(), true, ns -> true,
                List.of("10.0.0.0/8", "0.0.0.0/0")))).extracting(f -> f.severity() + " " + f.code() + " " + f.message())
                .containsExactly("ERROR SOURCE_ACCESS_LIST_OPEN the source's access list holds 0.0.0.0/0, which lets every address"
                        + " on the internet connect");
        assertThat(codes(new AccessListValidator(), new Recorded(), new Recorded(), true)).isEmpty();
        assertThat(new AccessListValidator().validate(Recorded.context(new Recorded(), new Recorded(), true, ns -> true,
                List.of("203.0.113.7/32")))).extracting(f -> f.severity() + " " + f.code()).containsExactly("INFO SOURCE_ACCESS_LIST");
        assertThat(AccessListValidator.opensEverything("::/0")).isTrue();
        assertThat(AccessListValidator.opensEverything("0.0.0.0/8")).isFalse();
    }

    private static Recorded oplog(String databases, long windowSeconds, long size, long maxSize) {
        return new Recorded().reply("listDatabases", databases)
                .reply("listCollections@sales", Replies.listCollections("sales", Replies.collection("orders")))
                .reply("dbStats@sales", "{db: 'sales', dataSize: 107374182400, storageSize: 53687091200, ok: 1}")
                .reply("collStats@local", "{ns: 'local.oplog.rs', size: " + size + ", maxSize: " + maxSize + ", capped: true, ok: 1}")
                .reply("find@local", "{cursor: {id: 0, ns: 'local.oplog.rs', firstBatch: [{ts: {$timestamp: {t: "
                        + (1_700_000_000L + windowSeconds) + ", i: 1}}}]}, ok: 1}")
                .firstTs(1_700_000_000L);
    }

    private static List<String> findings(Validator v, Recorded source, Recorded destination, boolean live) {
        return v.validate(Recorded.context(source, destination, live)).stream().map(f -> f.severity() + " " + f.code() + " " + f.message())
                .toList();
    }

    private static List<String> codes(Validator v, Recorded source, Recorded destination, boolean live) {
        return v.validate(Recorded.context(source, destination, live)).stream().map(f -> f.severity() + " " + f.code()).toList();
    }

    /*
     * connectionStatus as https://www.mongodb.com/docs/manual/reference/command/connectionStatus/ shows it ("Output");
     * usersInfo's user document as https://www.mongodb.com/docs/manual/reference/command/usersInfo/ shows it (_id, userId,
     * user, db, roles, mechanisms).
     */
    private static Recorded sourceUser(String mechanisms) {
        return new Recorded()
                .reply("connectionStatus", "{authInfo: {authenticatedUsers: [{user: 'migrator', db: 'admin'}],"
                        + " authenticatedUserRoles: [{role: 'backup', db: 'admin'}, {role: 'readAnyDatabase', db: 'admin'}]}, ok: 1}")
                .reply("usersInfo@admin", "{users: [{_id: 'admin.migrator', userId: {$binary: {base64: 'ZbSxfUmbRq+0yfx0AYrSAw==',"
                        + " subType: '04'}}, user: 'migrator', db: 'admin', roles: [{role: 'backup', db: 'admin'},"
                        + " {role: 'readAnyDatabase', db: 'admin'}], mechanisms: " + mechanisms + "}], ok: 1}");
    }

    @Test
    void aPushSourceUserNeedsBothScramMechanisms() {
        assertThat(new SourceUserMechanismsValidator().validate(Recorded.opsManager(sourceUser("['SCRAM-SHA-1', 'SCRAM-SHA-256']"))))
                .extracting(ValidationFinding::code).containsExactly("SOURCE_USER_MECHANISMS");
        List<ValidationFinding> onlySha1 = new SourceUserMechanismsValidator().validate(Recorded.opsManager(sourceUser("['SCRAM-SHA-1']")));
        assertThat(onlySha1).singleElement().satisfies(f -> {
            assertThat(f.code()).isEqualTo("SOURCE_USER_MECHANISMS_MISSING");
            assertThat(f.severity()).isEqualTo(ValidationFinding.Severity.ERROR);
            assertThat(f.message()).isEqualTo("user migrator@admin on the source has no SCRAM-SHA-256 credentials (it has SCRAM-SHA-1)");
            assertThat(f.remedy()).contains("updateUser(\"migrator\", {pwd: <its password>, mechanisms: [\"SCRAM-SHA-1\", \"SCRAM-SHA-256\"]})");
        });
        // a connection string source is not the push flow's; a connection without a user has nothing to check
        assertThat(new SourceUserMechanismsValidator().validate(Recorded.context(sourceUser("['SCRAM-SHA-1']"), new Recorded(), true))).isEmpty();
        assertThat(new SourceUserMechanismsValidator().validate(Recorded.opsManager(new Recorded()
                .reply("connectionStatus", "{authInfo: {authenticatedUsers: [], authenticatedUserRoles: []}, ok: 1}")))).isEmpty();
    }
}
