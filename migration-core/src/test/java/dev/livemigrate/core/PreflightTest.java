package dev.livemigrate.core;

import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.Migrations;
import dev.livemigrate.Namespace;
import dev.livemigrate.SourceSettings;
import dev.livemigrate.SourceUnavailableException;
import dev.livemigrate.ValidationFinding;
import dev.livemigrate.ValidationReport;
import dev.livemigrate.core.testing.DataAssertions;
import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.core.testing.HeldPort;
import dev.livemigrate.core.testing.TestCertificate;
import org.bson.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The checks the engine makes itself before any validator runs: each side reachable (with the driver's
 * reason classified), TLS with a CA file, destination namespaces free; and what a provider contributes.
 */
@Timeout(120)
class PreflightTest {

    @TempDir
    static Path certificates;
    static TestCertificate serverCertificate;
    static TestCertificate otherCertificate;

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @BeforeAll
    static void certificates() {
        serverCertificate = TestCertificate.generate(certificates, "server");
        otherCertificate = TestCertificate.generate(certificates, "other");
    }

    /** Names resolve from src/test/hosts alone (see the pom), so this one fails at once, on any resolver. */
    @Test
    void aHostThatDoesNotResolve() {
        assertThat(errors(validate("mongodb://no-such-host.invalid:27017", destination.connectionString())))
                .containsExactly("SOURCE_HOST_NOT_FOUND");
    }

    @Test
    void aRefusedConnection() throws Exception {
        try (HeldPort refusing = HeldPort.refusing()) {
            assertThat(errors(validate(source.connectionString(), refusing.connectionString())))
                    .containsExactly("DESTINATION_CONNECTION_REFUSED");
        }
    }

    @Test
    void aServerThatNeverAnswers() throws Exception {
        try (HeldPort silent = HeldPort.silent()) {
            ValidationReport report = validate(silent.connectionString(), destination.connectionString());
            assertThat(errors(report)).containsExactly("SOURCE_UNREACHABLE");
            assertThat(report.errors().get(0).message()).contains("127.0.0.1:" + silent.port(), "no answer in time");
        }
    }

    @Test
    void bothSidesFailingAreNamedAtOnce() throws Exception {
        try (HeldPort refusing = HeldPort.refusing()) {
            assertThat(errors(validate("mongodb://no-such-host.invalid:27017", refusing.connectionString())))
                    .containsExactly("SOURCE_HOST_NOT_FOUND", "DESTINATION_CONNECTION_REFUSED");
            assertThatThrownBy(() -> Migrations.start(spec("mongodb://no-such-host.invalid:27017", refusing.connectionString()).build()))
                    .isInstanceOfSatisfying(SourceUnavailableException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.SOURCE_UNREACHABLE))
                    .hasMessageContaining("host name does not resolve").hasMessageContaining("connection was refused");
        }
    }

    @Test
    void aServerWithoutAuthenticationRefusesCredentials() {
        String withUser = source.connectionString().replace("mongodb://", "mongodb://migrator:s3cret@");
        ValidationReport report = validate(withUser, destination.connectionString());
        assertThat(errors(report)).containsExactly("SOURCE_AUTHENTICATION_FAILED");
        assertThat(report.toJson()).doesNotContain("s3cret");
    }

    @Test
    void tlsWithTheRightCaFileWorksEndToEnd() {
        EmbeddedMongo tlsSource = new EmbeddedMongo().tls(serverCertificate);
        tlsSource.start();
        try {
            tlsSource.client().getDatabase("app").getCollection("c").insertMany(List.of(new Document("_id", 1), new Document("_id", "two")));
            SourceSettings settings = SourceSettings.builder().connectionString(tlsSource.connectionString())
                    .caFile(serverCertificate.pem()).build();

            assertThat(Migrations.validate(spec(settings).build()).errors()).isEmpty();
            Migrations.run(spec(settings).continuousSync(false).build(), Duration.ofMinutes(1));
            Namespace ns = new Namespace("app", "c");
            DataAssertions.assertSameDocuments(tlsSource.client(), ns, destination.client(), ns);
        } finally {
            tlsSource.stop();
        }
    }

    @Test
    void tlsWithAnotherCaFileOrWithoutTlsFailsTheHandshake() {
        EmbeddedMongo tlsSource = new EmbeddedMongo().tls(serverCertificate);
        tlsSource.start();
        try {
            ValidationReport wrongCa = Migrations.validate(spec(SourceSettings.builder().connectionString(tlsSource.connectionString())
                    .caFile(otherCertificate.pem()).build()).build());
            assertThat(errors(wrongCa)).containsExactly("SOURCE_TLS_HANDSHAKE_FAILED");
            assertThat(wrongCa.errors().get(0).remedy()).contains("CA file");
            // the system trust store does not know a self-signed certificate either
            assertThat(errors(validate(tlsSource.connectionString(), destination.connectionString())))
                    .containsExactly("SOURCE_TLS_HANDSHAKE_FAILED");
        } finally {
            tlsSource.stop();
        }
    }

    @Test
    void aMissingOrBrokenCaFileIsAFindingAndTheDestinationIsStillChecked() throws Exception {
        Path missing = certificates.resolve("missing.pem");
        Path broken = Files.writeString(certificates.resolve("broken.pem"), "-----BEGIN CERTIFICATE-----\nnot base64\n");
        try (HeldPort refusing = HeldPort.refusing()) {
            ValidationReport report = Migrations.validate(MigrationSpec.builder().source(SourceSettings.builder()
                            .connectionString(source.connectionString() + "/?tls=true").caFile(missing).build())
                    .destination(refusing.connectionString()).connectTimeout(Duration.ofSeconds(1)).build());
            assertThat(errors(report)).containsExactly("CA_FILE_UNREADABLE", "DESTINATION_CONNECTION_REFUSED");
            assertThat(report.errors().get(0).message()).contains(missing.toString());
        }

        assertThat(errors(Migrations.validate(spec(SourceSettings.builder().connectionString(source.connectionString())
                .caFile(broken).build()).build()))).containsExactly("CA_FILE_NOT_PEM");
    }

    @Test
    void destinationNamespaceConflictsAreFindingsUnlessClearIsSet() {
        source.client().getDatabase("app").getCollection("a").insertOne(new Document("_id", 1));
        source.client().getDatabase("app").getCollection("b").insertOne(new Document("_id", 1));
        destination.client().getDatabase("app").getCollection("a").insertOne(new Document("_id", "theirs"));
        destination.client().getDatabase("app").getCollection("b").insertOne(new Document("_id", "theirs"));

        ValidationReport report = validate(source.connectionString(), destination.connectionString());
        assertThat(errors(report)).containsExactly("DESTINATION_NAMESPACE_CONFLICT");
        assertThat(report.errors().get(0).message()).contains("2 namespaces", "app.a, app.b");
        assertThat(Migrations.validate(spec(source.connectionString(), destination.connectionString()).clearDestination(true).build())
                .findings()).extracting(ValidationFinding::code).contains("DESTINATION_NAMESPACES_CLEARED")
                .doesNotContain("DESTINATION_NAMESPACE_CONFLICT");
        assertThat(Migrations.validate(spec(source.connectionString(), destination.connectionString()).exclude("app.b")
                .rename("app.a", "app.a2").build()).errors()).isEmpty();
    }

    @Test
    void aProvidersOwnChecksRunAndSeeItsAccessList() {
        SourceSettings settings = SourceSettings.builder().kind(AccessListSourceProvider.KIND)
                .connectionString(source.connectionString()).property("accessList", "10.1.0.0/16,0.0.0.0/0").build();

        ValidationReport report = Migrations.validate(spec(settings).build());

        assertThat(report.findings()).filteredOn(f -> f.code().equals("TEST_PROVIDER_CHECK")).singleElement()
                .satisfies(f -> assertThat(f.message()).endsWith("10.1.0.0/16 0.0.0.0/0"));
    }

    private ValidationReport validate(String sourceUri, String destinationUri) {
        return Migrations.validate(spec(sourceUri, destinationUri).build());
    }

    private static MigrationSpec.Builder spec(String sourceUri, String destinationUri) {
        return MigrationSpec.builder().source(sourceUri).destination(destinationUri).connectTimeout(Duration.ofSeconds(1));
    }

    private MigrationSpec.Builder spec(SourceSettings settings) {
        return MigrationSpec.builder().source(settings).destination(destination.connectionString()).connectTimeout(Duration.ofSeconds(1));
    }

    private static List<String> errors(ValidationReport report) {
        return report.errors().stream().map(ValidationFinding::code).toList();
    }
}
