package dev.livemigrate;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void copiesEverySettingThroughTheBuilderOfAnExistingSpec() {
        MigrationSpec spec = valid().migrationId("m1").include("a.*").exclude("a.tmp").rename("a.*", "b.*")
                .clearDestination(true).verify(true).copyParallelism(3).batchSizeBytes(1 << 20)
                .partitionSizeBytes(1 << 25).connectTimeout(Duration.ofSeconds(3)).build();
        MigrationSpec copy = MigrationSpec.builder(spec).build();
        assertThat(copy.toString()).isEqualTo(spec.toString());
    }

    @Test
    void rejectsOutOfRangeSettingsWithTheValueAndARemedy() {
        assertInvalid(valid().copyParallelism(0), "copyParallelism 0");
        assertInvalid(valid().batchSizeBytes(10), "batchSizeBytes 10");
        assertInvalid(valid().partitionSizeBytes(0), "partitionSizeBytes 0");
        assertInvalid(valid().connectTimeout(Duration.ZERO), "connectTimeout PT0S");
        assertInvalid(valid().migrationId("no spaces"), "migrationId 'no spaces'");
        assertInvalid(MigrationSpec.builder().destination("mongodb://d"), "no source");
        assertInvalid(MigrationSpec.builder().source("mongodb://s"), "no destination");
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
