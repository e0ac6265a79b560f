package dev.livemigrate;

import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class MigrationSpecTest {

    private static MigrationSpec.Builder valid() {
        return MigrationSpec.builder().source("mongodb://src:27017").destination("mongodb://dst:27017");
    }

    @Test
    void defaultsAreSane() {
        MigrationSpec spec = valid().build();
        assertThat(spec.migrationId()).matches("m-[0-9a-f]{8}");
        assertThat(spec.source().kind()).isEqualTo(SourceSettings.SELF_MANAGED);
        assertThat(spec.copyParallelism()).isEqualTo(MigrationSpec.DEFAULT_COPY_PARALLELISM);
        assertThat(spec.batchSizeBytes()).isEqualTo(MigrationSpec.DEFAULT_BATCH_SIZE_BYTES);
        assertThat(spec.clearDestination()).isFalse();
        assertThat(spec.includes()).isEmpty();
    }

    /** Every setting at a value other than its default; the passwords and the API key must never print. */
    private static MigrationSpec everySettingSet() {
        return MigrationSpec.builder()
                .migrationId("m1")
                .source(SourceSettings.builder().connectionString("mongodb://alice:s3cret@src:27017/?replicaSet=rs0")
                        .caFile(Path.of("/etc/ca.pem")).property("apiKey", "key-123").build())
                .destination("mongodb://bob:hunter2@dst:27017")
                .include("a.*").include("c.d")
                .exclude("a.tmp")
                .rename("a.*", "b.*")
                .clearDestination(true)
                .verify(true)
                .copyParallelism(3)
                .batchSizeBytes(1 << 20)
                .partitionSizeBytes(1 << 25)
                .connectTimeout(Duration.ofSeconds(3))
                .continuousSync(false)
                .updateMode(UpdateMode.DIFF)
                .applyLanes(5)
                .lagThreshold(Duration.ofSeconds(7))
                .cutoverWindow(Duration.ofHours(50))
                .cutoverWindowExtension(Duration.ofHours(6))
                .expiryWarning(Duration.ofHours(2))
                .cutoverDrainTimeout(Duration.ofMinutes(3))
                .retryBudget(Duration.ofMinutes(5))
                .stallTimeout(Duration.ofSeconds(90))
                .applyBufferBytes(1 << 24)
                .clock(Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC))
                .listener(new MigrationListener() { })
                .acceptUnfinishedCheck("oplog-window")
                .sharding(Sharding.of(true, List.of(Sharding.parseEntry("a.x={\"k\": 1}"))))
                .build();
    }

    @Test
    void printsEverySettingWithTheSecretsHidden() {
        assertThat(everySettingSet().toString()).isEqualTo("MigrationSpec{migrationId=m1, source=SourceSettings{kind=self-managed,"
                + " connectionString=mongodb://alice:<hidden>@src:27017/?replicaSet=rs0, caFile=/etc/ca.pem,"
                + " properties={apiKey=<hidden>}}, destination=mongodb://bob:<hidden>@dst:27017, includes=[a.*, c.d], excludes=[a.tmp], renames={a.*=b.*},"
                + " clearDestination=true, verify=true, copyParallelism=3, batchSizeBytes=1048576, partitionSizeBytes=33554432,"
                + " connectTimeout=PT3S, continuousSync=false, updateMode=DIFF, applyLanes=5, lagThreshold=PT7S,"
                + " cutoverWindow=PT50H, cutoverWindowExtension=PT6H, expiryWarning=PT2H, cutoverDrainTimeout=PT3M,"
                + " retryBudget=PT5M, stallTimeout=PT1M30S, applyBufferBytes=16777216,"
                + " acceptedUnfinishedChecks=[oplog-window], sharding=Sharding{createSupportingIndexes=true, entries=[a.x={\"k\": 1}]}}");
    }

    @Test
    void copiesEverySettingThroughTheBuilderOfAnExistingSpec() {
        MigrationSpec spec = everySettingSet();

        MigrationSpec copy = MigrationSpec.builder(spec).build();

        // field by field, the clock and the listeners (which toString leaves out) included
        assertThat(copy).usingRecursiveComparison().isEqualTo(spec);
        assertThat(copy.clock()).isSameAs(spec.clock());
        assertThat(copy.listeners()).containsExactlyElementsOf(spec.listeners());
    }

    @Test
    void theExpiryWarningDefaultsToADayOrTheWholeWindowWhenShorter() {
        assertThat(valid().build().expiryWarning()).isEqualTo(MigrationSpec.DEFAULT_EXPIRY_WARNING);
        assertThat(valid().cutoverWindow(Duration.ofSeconds(2)).build().expiryWarning()).isEqualTo(Duration.ofSeconds(2));
        assertThat(valid().cutoverWindow(Duration.ofHours(2)).expiryWarning(Duration.ZERO).build().expiryWarning()).isZero();
        assertThat(valid().cutoverWindow(Duration.ofHours(2)).expiryWarning(Duration.ofHours(2)).build().expiryWarning())
                .isEqualTo(Duration.ofHours(2));
    }

    @Test
    void zeroLagThresholdIsAllowed() { // ready only when nothing is left to apply: tests use it to stay in SYNCING
        assertThat(valid().lagThreshold(Duration.ZERO).build().lagThreshold()).isZero();
    }

    static Stream<Arguments> badSyncAndWindowSettings() {
        return Stream.of(
                arguments(valid().applyLanes(0), "applyLanes 0 is out of range: use a value from 1 to 256."),
                arguments(valid().applyLanes(-3), "applyLanes -3 is out of range: use a value from 1 to 256."),
                arguments(valid().applyLanes(257), "applyLanes 257 is out of range: use a value from 1 to 256."),
                arguments(valid().lagThreshold(Duration.ofMillis(-1)), "lagThreshold PT-0.001S is negative: use zero or a positive duration."),
                arguments(valid().lagThreshold(null), "lagThreshold is not set: use zero or a positive duration."),
                arguments(valid().cutoverWindow(Duration.ZERO), "cutoverWindow PT0S is not positive: use a positive duration."),
                arguments(valid().cutoverWindow(Duration.ofHours(-1)), "cutoverWindow PT-1H is not positive: use a positive duration."),
                arguments(valid().cutoverWindow(null), "cutoverWindow is not set: use a positive duration."),
                arguments(valid().cutoverWindowExtension(Duration.ZERO),
                        "cutoverWindowExtension PT0S is not positive: use a positive duration."),
                arguments(valid().cutoverWindowExtension(Duration.ofMinutes(-5)),
                        "cutoverWindowExtension PT-5M is not positive: use a positive duration."),
                arguments(valid().expiryWarning(Duration.ofSeconds(-1)), "expiryWarning PT-1S is negative: use zero or a positive duration."),
                arguments(valid().cutoverWindow(Duration.ofHours(2)).expiryWarning(Duration.ofHours(3)),
                        "expiryWarning PT3H is longer than the cutoverWindow PT2H: use at most the window, or leave expiryWarning"
                                + " unset (24 h, or the whole window when shorter)."),
                arguments(valid().expiryWarning(Duration.ofHours(121)),
                        "expiryWarning PT121H is longer than the cutoverWindow PT120H: use at most the window, or leave"
                                + " expiryWarning unset (24 h, or the whole window when shorter)."),
                arguments(valid().cutoverDrainTimeout(Duration.ZERO), "cutoverDrainTimeout PT0S is not positive: use a positive duration."),
                arguments(valid().cutoverDrainTimeout(Duration.ofSeconds(-30)),
                        "cutoverDrainTimeout PT-30S is not positive: use a positive duration."),
                arguments(valid().retryBudget(Duration.ofSeconds(-1)), "retryBudget PT-1S is not valid: use zero or a positive duration."),
                arguments(valid().retryBudget(null), "retryBudget null is not valid: use zero or a positive duration."),
                arguments(valid().stallTimeout(Duration.ofMillis(999)), "stallTimeout PT0.999S is not valid: use zero (wait forever)"
                        + " or at least 1 second: an idle change stream waits up to half a second for events."),
                arguments(valid().stallTimeout(Duration.ofSeconds(-1)), "stallTimeout PT-1S is not valid: use zero (wait forever)"
                        + " or at least 1 second: an idle change stream waits up to half a second for events."),
                arguments(valid().applyBufferBytes(1000), "applyBufferBytes 1000 is out of range: use at least 1048576 (1 MiB)."));
    }

    @ParameterizedTest
    @MethodSource("badSyncAndWindowSettings")
    void refusesBadSyncAndWindowSettingsNamingTheFieldAndTheValue(MigrationSpec.Builder builder, String message) {
        assertThatThrownBy(builder::build)
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_SPEC))
                .hasMessage("[INVALID_SPEC] " + message);
    }

    /**
     * mongosync's {@code sharding} start option, as its manual's example "Start Sync from Replica Set to Sharded
     * Cluster" gives it (https://www.mongodb.com/docs/cluster-to-cluster-sync/current/reference/api/start/).
     */
    @Test
    void readsMongosyncsShardingOptionAndWritesItBackTheSame() {
        BsonDocument mongosync = BsonDocument.parse("{createSupportingIndexes: true, shardingEntries: [{database: 'accounts',"
                + " collection: 'us_east', shardCollection: {key: [{location: 1}, {region: 1}]}}]}");

        Sharding sharding = Sharding.fromDocument(mongosync);

        assertThat(sharding.createSupportingIndexes()).isTrue();
        assertThat(sharding.entries()).containsExactly(Sharding.parseEntry("accounts.us_east={\"location\": 1, \"region\": 1}"));
        assertThat(sharding.entry(Namespace.parse("accounts.us_east")).key()).isEqualTo(BsonDocument.parse("{location: 1, region: 1}"));
        assertThat(sharding.toDocument()).isEqualTo(mongosync);
        assertThat(Sharding.fromDocument(new BsonDocument())).isEqualTo(Sharding.NONE);
        assertThat(Sharding.parseEntry("db.coll.with.dots={\"k\": \"hashed\", \"n\": 1.0}").namespace())
                .isEqualTo(Namespace.parse("db.coll.with.dots"));
    }

    static Stream<Arguments> badShardingEntries() {
        return Stream.of(
                arguments("shop.orders", "sharding entry shop.orders: it is not of the form db.collection={key}; write it as db.coll={\"field\": 1}."),
                arguments("orders={\"k\": 1}", "sharding entry orders={\"k\": 1}: it is not of the form db.collection={key}; write it as"
                        + " db.coll={\"field\": 1}."),
                arguments("shop.orders={k: }", "sharding entry shop.orders={k: }: the key is not a JSON document (JSON reader was expecting a"
                        + " value but found '}'.); write the key as {\"field\": 1}."),
                arguments("shop.orders={}", "sharding entry shop.orders={}: the shard key is empty; give at least one field, for example"
                        + " {\"customerId\": 1}."),
                arguments("shop.orders={\"k\": -1}", "sharding entry shop.orders={\"k\": -1}: field 'k' is BsonInt32{value=-1}; use 1 (ranged)"
                        + " or \"hashed\" for each field."),
                arguments("shop.orders={\"k\": \"2d\"}", "sharding entry shop.orders={\"k\": \"2d\"}: field 'k' is BsonString{value='2d'};"
                        + " use 1 (ranged) or \"hashed\" for each field."),
                arguments("shop.orders={\"a\": \"hashed\", \"b\": \"hashed\"}", "sharding entry shop.orders={\"a\": \"hashed\","
                        + " \"b\": \"hashed\"}: the key has 2 hashed fields; hash at most one field."),
                arguments("shop.orders={\"$k\": 1}", "sharding entry shop.orders={\"$k\": 1}: '$k' is not a field name a shard key may use;"
                        + " use a document field."),
                arguments("config.chunks={\"k\": 1}", "sharding entry config.chunks={\"k\": 1}: config.chunks is a system namespace, never"
                        + " migrated; name a collection of your own."));
    }

    @ParameterizedTest
    @MethodSource("badShardingEntries")
    void refusesABadShardingEntryNamingIt(String text, String message) {
        assertThatThrownBy(() -> Sharding.parseEntry(text))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_SHARDING_ENTRY))
                .hasMessage("[INVALID_SHARDING_ENTRY] " + message);
    }

    @Test
    void refusesMalformedMongosyncEntriesAndTwoEntriesForOneCollection() {
        assertThatThrownBy(() -> Sharding.fromDocument(BsonDocument.parse("{shardingEntries: [{database: 'shop', collection: 'orders',"
                + " shardCollection: {key: {k: 1}}}]}")))
                .hasMessage("[INVALID_SHARDING_ENTRY] sharding entry shardingEntries[0] {\"database\": \"shop\", \"collection\": \"orders\","
                        + " \"shardCollection\": {\"key\": {\"k\": 1}}}: shardCollection.key is missing or not an array; give the key as an"
                        + " array of fields, for example [{\"location\": 1}, {\"region\": 1}].");
        assertThatThrownBy(() -> Sharding.fromDocument(BsonDocument.parse("{shardingEntries: [{database: 'shop'}]}")))
                .hasMessageContaining("shardingEntries[0]").hasMessageContaining("database or collection is missing or not a string");
        assertThatThrownBy(() -> Sharding.fromDocument(BsonDocument.parse("{createSupportingIndexes: 'yes'}")))
                .hasMessage("[INVALID_SHARDING_ENTRY] sharding entry createSupportingIndexes: it is BsonString{value='yes'}; use true or false.");
        assertThatThrownBy(() -> Sharding.of(false, List.of(Sharding.parseEntry("a.b={\"k\": 1}"), Sharding.parseEntry("a.b={\"j\": 1}"))))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_SHARDING_ENTRY))
                .hasMessage("[INVALID_SHARDING_ENTRY] sharding entry a.b={\"j\": 1}: a second entry for a.b; give one entry per collection.");
    }

    @Test
    void secretsNeverPrint() {
        MigrationSpec spec = MigrationSpec.builder()
                .source(SourceSettings.builder().connectionString("mongodb+srv://alice:pa%40ss@cluster0.example.net/?tls=true")
                        .caFile(Path.of("/etc/ca.pem")).property("apiKey", "abc123").property("region", "eu").build())
                .destination("mongodb://bob:hunter2@dst1:27017,dst2:27017/admin?replicaSet=rs0")
                .build();

        assertThat(spec.toString())
                .contains("mongodb+srv://alice:<hidden>@cluster0.example.net", "mongodb://bob:<hidden>@dst1:27017,dst2:27017/admin",
                        "apiKey=<hidden>", "region=eu")
                .doesNotContain("pa%40ss", "hunter2", "abc123");
    }

    @Test
    void redactsOnlyThePassword() {
        assertThat(Secrets.redactConnectionString("mongodb://u:p@h/db?authSource=admin")).isEqualTo("mongodb://u:<hidden>@h/db?authSource=admin");
        assertThat(Secrets.redactConnectionString("mongodb://u@h")).isEqualTo("mongodb://u@h");
        assertThat(Secrets.redactConnectionString("mongodb://h:27017")).isEqualTo("mongodb://h:27017");
        assertThat(Secrets.redactConnectionString(null)).isNull();
    }

    @Test
    void withoutAnEngineOnTheClassPathTheErrorSaysWhatToAdd() {
        assertThatThrownBy(Migrations::engine)
                .isInstanceOfSatisfying(MigrationException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.ENGINE_NOT_FOUND))
                .hasMessageContaining("migration-core");
    }

    @Test
    void namespacesParseAndRejectNonsense() {
        assertThat(Namespace.parse("db.coll.with.dots")).isEqualTo(new Namespace("db", "coll.with.dots"));
        assertThatThrownBy(() -> Namespace.parse("nodot")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Namespace.parse(".x")).isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertInvalid(MigrationSpec.Builder builder, String named) {
        assertThatThrownBy(builder::build)
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_SPEC))
                .hasMessageContaining(named);
    }
}
