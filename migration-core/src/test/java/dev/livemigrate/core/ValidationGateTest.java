package dev.livemigrate.core;

import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.Migrations;
import dev.livemigrate.ValidationException;
import dev.livemigrate.ValidationReport;
import dev.livemigrate.core.testing.EmbeddedMongo;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValidationGateTest {

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    void aSessionRefusesToStartOnAnyErrorAndNamesThemAll() {
        source.client().getDatabase("app").getCollection("c").insertOne(new Document("_id", 1));

        assertThatThrownBy(() -> Migrations.start(spec("refuse-me")))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.VALIDATION_FAILED))
                .hasMessageContaining("2 pre-flight check(s) failed")
                .hasMessageContaining("TEST_FIRST: the first problem (fix the first)")
                .hasMessageContaining("TEST_SECOND: the second problem (fix the second)")
                .hasMessageNotContaining("TEST_WARNING");
        assertThat(destination.client().listDatabaseNames().into(new ArrayList<>())).doesNotContain("__livemigrate");
    }

    @Test
    void validateReportsEveryFindingWithoutWriting() {
        ValidationReport report = Migrations.validate(spec("refuse-too"));

        assertThat(report.hasErrors()).isTrue();
        assertThat(report.findings()).extracting(f -> f.code()).containsExactly("TEST_FIRST", "TEST_WARNING", "TEST_SECOND");
        assertThat(report.toJson()).contains("\"severity\": \"ERROR\"", "fix the second");
        assertThat(destination.client().listDatabaseNames().into(new ArrayList<>())).doesNotContain("__livemigrate");
    }

    @Test
    void anUnreachableSideIsAFindingOfValidate() {
        ValidationReport report = Migrations.validate(MigrationSpec.builder().source(source.connectionString())
                .destination("mongodb://127.0.0.1:1").connectTimeout(java.time.Duration.ofSeconds(1)).build());

        assertThat(report.errors()).extracting(f -> f.code()).containsExactly("DESTINATION_CONNECTION_REFUSED");
    }

    private MigrationSpec spec(String id) {
        return MigrationSpec.builder().migrationId(id).source(source.connectionString()).destination(destination.connectionString()).build();
    }
}
