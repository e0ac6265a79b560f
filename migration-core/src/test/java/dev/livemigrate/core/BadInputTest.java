package dev.livemigrate.core;

import dev.livemigrate.ConfigurationException;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.Migrations;
import dev.livemigrate.SourceSettings;
import dev.livemigrate.SourceUnavailableException;
import dev.livemigrate.ValidationException;
import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.core.testing.HeldPort;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every input a user can get wrong fails with its own code, a remedy, and nothing written to the destination. */
class BadInputTest {

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    void malformedSourceConnectionString() {
        seed();
        assertFailsWith(MigrationSpec.builder().source("mongodb://alice:s3cret@host:notaport").destination(destination.connectionString()),
                ConfigurationException.class, ErrorCode.INVALID_CONNECTION_STRING, "source connection string");
    }

    @Test
    void malformedDestinationConnectionStringFailsWhenTheSpecIsBuilt() {
        assertThatThrownBy(() -> MigrationSpec.builder().source(source.connectionString()).destination("postgres://alice:s3cret@x").build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_CONNECTION_STRING))
                .hasMessageContaining("destination connection string")
                .hasMessageContaining("<hidden>")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    @Timeout(60)
    void unreachableSourceFailsWithinTheConnectTimeout() throws Exception {
        seed();
        try (HeldPort refusing = HeldPort.refusing()) { // held by this test, so no one else can answer on it
            assertFailsWith(MigrationSpec.builder().source(refusing.connectionString() + "/?connectTimeoutMS=500")
                            .destination(destination.connectionString()).connectTimeout(Duration.ofSeconds(2)),
                    SourceUnavailableException.class, ErrorCode.SOURCE_UNREACHABLE, "127.0.0.1:" + refusing.port());
        }
    }

    @Test
    @Timeout(60)
    void unreachableDestinationFailsWithinTheConnectTimeout() throws Exception {
        seed();
        try (HeldPort silent = HeldPort.silent()) { // accepts and never answers: only the timeout ends the wait
            assertThatThrownBy(() -> Migrations.start(MigrationSpec.builder().source(source.connectionString())
                    .destination(silent.connectionString()).connectTimeout(Duration.ofSeconds(2)).build()))
                    .isInstanceOfSatisfying(SourceUnavailableException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.DESTINATION_UNREACHABLE))
                    .hasMessageContaining("127.0.0.1:" + silent.port());
        }
    }

    @Test
    void identicalSourceAndDestination() {
        seed();
        String sameServerOtherSpelling = source.connectionString().replace("127.0.0.1", "localhost");
        assertFailsWith(MigrationSpec.builder().source(source.connectionString()).destination(sameServerOtherSpelling),
                ConfigurationException.class, ErrorCode.SAME_SOURCE_AND_DESTINATION, "share");
        assertThat(source.client().listDatabaseNames().into(new ArrayList<>())).doesNotContain("__livemigrate");
    }

    @Test
    void aPatternThatMatchesNothing() {
        seed();
        assertFailsWith(spec().include("app.*").include("shop.ordres"),
                ConfigurationException.class, ErrorCode.PATTERN_MATCHES_NOTHING, "include 'shop.ordres'");
        assertFailsWith(spec().exclude("nope.*"),
                ConfigurationException.class, ErrorCode.PATTERN_MATCHES_NOTHING, "exclude 'nope.*'");
        assertFailsWith(spec().rename("app.missing", "app.other"),
                ConfigurationException.class, ErrorCode.PATTERN_MATCHES_NOTHING, "rename 'app.missing'");
    }

    @Test
    void malformedPatternsAndRenames() {
        seed();
        assertFailsWith(spec().include("app"), ConfigurationException.class, ErrorCode.INVALID_PATTERN, "database.collection");
        assertFailsWith(spec().rename("app.*", "other.things"), ConfigurationException.class, ErrorCode.INVALID_PATTERN, "db.*=newdb.*");
        assertFailsWith(spec().rename("app.*", "admin.*"), ConfigurationException.class, ErrorCode.INVALID_PATTERN, "reserved");
    }

    @Test
    void twoNamespacesRenamedOntoOne() {
        seed();
        source.client().getDatabase("app").getCollection("other").insertOne(new Document("_id", 1));
        assertFailsWith(spec().rename("app.things", "x.y").rename("app.other", "x.y"),
                ConfigurationException.class, ErrorCode.RENAME_CONFLICT, "x.y");
    }

    @Test
    void anUnknownSourceKind() {
        seed();
        assertFailsWith(MigrationSpec.builder().source(SourceSettings.builder().kind("carrier-pigeon").build())
                        .destination(destination.connectionString()),
                ConfigurationException.class, ErrorCode.UNKNOWN_SOURCE_PROVIDER, "self-managed");
    }

    @Test
    void conflictingDestinationNamespacesAreAllNamed() {
        seed();
        source.client().getDatabase("app").getCollection("more").insertOne(new Document("_id", 1));
        destination.client().getDatabase("app").getCollection("things").insertOne(new Document("_id", "keep me"));
        destination.client().getDatabase("app").getCollection("more").insertOne(new Document("_id", "keep me too"));

        assertThatThrownBy(() -> Migrations.start(spec().build()))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.DESTINATION_NAMESPACE_CONFLICT))
                .hasMessageContaining("app.more, app.things")
                .hasMessageContaining("clear-destination");
        assertThat(destination.client().listDatabaseNames().into(new ArrayList<>())).doesNotContain("__livemigrate");
        assertThat(destination.client().getDatabase("app").getCollection("things").find().into(new ArrayList<>()))
                .containsExactly(new Document("_id", "keep me"));
    }

    @Test
    void clearDestinationDropsConflictsAndCopies() {
        seed();
        destination.client().getDatabase("app").getCollection("things").insertOne(new Document("_id", "stale"));
        destination.client().getDatabase("app").getCollection("unrelated").insertOne(new Document("_id", "stays"));

        Migrations.run(spec().clearDestination(true).build(), Duration.ofMinutes(1));

        assertThat(destination.client().getDatabase("app").getCollection("things").find().into(new ArrayList<>()))
                .containsExactlyInAnyOrderElementsOf(source.client().getDatabase("app").getCollection("things").find().into(new ArrayList<>()));
        assertThat(destination.client().getDatabase("app").getCollection("unrelated").countDocuments()).isEqualTo(1);
    }

    private MigrationSpec.Builder spec() {
        return MigrationSpec.builder().source(source.connectionString()).destination(destination.connectionString()).continuousSync(false);
    }

    private void seed() {
        source.client().getDatabase("app").getCollection("things").insertMany(List.of(new Document("_id", 1), new Document("_id", 2)));
    }

    private void assertFailsWith(MigrationSpec.Builder spec, Class<? extends MigrationException> type, ErrorCode code, String named) {
        List<String> before = destination.client().listDatabaseNames().into(new ArrayList<>());
        assertThatThrownBy(() -> Migrations.start(spec.build()))
                .isInstanceOfSatisfying(type, e -> assertThat(e.errorCode()).isEqualTo(code))
                .hasMessageContaining(named)
                .hasMessageNotContaining("s3cret");
        assertThat(destination.client().listDatabaseNames().into(new ArrayList<>())).as("destination untouched").isEqualTo(before);
    }
}
