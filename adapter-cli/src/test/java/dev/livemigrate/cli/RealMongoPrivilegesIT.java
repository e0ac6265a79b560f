package dev.livemigrate.cli;

import com.mongodb.ConnectionString;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.Migrations;
import dev.livemigrate.ValidationFinding;
import dev.livemigrate.ValidationReport;
import dev.livemigrate.core.testing.RealClusters;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The privilege checks against real users and roles (#18 items 3, 4, 11): decided by the actions MongoDB's
 * built-in roles really grant (their definitions are the server's), not by role names. Users are created in the
 * suite's own database (so a cluster named by the environment is touched only there) with roles from
 * {@code admin}; authentication works whether or not the server enforces authorization. Skipped without Docker or
 * clusters, see {@link RealClusters}.
 */
class RealMongoPrivilegesIT {

    @RegisterExtension
    static final RealClusters clusters = new RealClusters("priv");
    private static final String PASSWORD = "lmit-Priv-51";

    @BeforeAll
    static void createUsers() {
        if (clusters.sourceClient() == null) {
            return; // nothing to run against: every test is skipped, saying why
        }
        MongoDatabase source = clusters.sourceClient().getDatabase(userDb());
        source.getCollection("orders").insertOne(new Document("_id", 1));
        createUser(source, "reader", roles("readAnyDatabase", "admin", "backup", "admin"));
        source.runCommand(new BsonDocument("createRole", new BsonString("backup")) // a custom role that only shares the name
                .append("privileges", BsonArray.parse("[{resource: {db: '" + userDb() + "', collection: ''}, actions: ['find']}]"))
                .append("roles", new BsonArray()));
        createUser(source, "namesake", new BsonArray(List.of(new BsonDocument("role", new BsonString("backup"))
                .append("db", new BsonString(userDb())))));
        MongoDatabase destination = clusters.destinationClient().getDatabase(userDb());
        createUser(destination, "writer", roles("readWriteAnyDatabase", "admin", "restore", "admin", "dbAdminAnyDatabase", "admin"));
        createUser(destination, "plainwriter", roles("readWriteAnyDatabase", "admin"));
    }

    @AfterAll
    static void dropUsers() {
        if (clusters.sourceClient() == null) {
            return;
        }
        for (MongoClient c : List.of(clusters.sourceClient(), clusters.destinationClient())) {
            c.getDatabase(userDb()).runCommand(new BsonDocument("dropAllUsersFromDatabase", new BsonInt32(1)));
            c.getDatabase(userDb()).runCommand(new BsonDocument("dropAllRolesFromDatabase", new BsonInt32(1)));
        }
    }

    @Test
    void usersWithTheRolesTheReadmeNamesPassAndReadWriteAnyDatabaseAloneLacksBypassDocumentValidation() {
        ValidationReport right = validate(as(clusters.source(), "reader"), as(clusters.destination(), "writer"));
        assertThat(codes(right)).doesNotContain("SOURCE_MISSING_PRIVILEGE", "DESTINATION_MISSING_PRIVILEGE");
        if (clusters.sourceMajorVersion() >= 6) { // backup grants setUserWriteBlockMode, what the cutover runs
            assertThat(codes(right)).doesNotContain("SOURCE_CANNOT_BLOCK_WRITES");
        }

        ValidationReport plain = validate(as(clusters.source(), "reader"), as(clusters.destination(), "plainwriter"));
        assertThat(plain.findings()).filteredOn(f -> f.code().equals("DESTINATION_MISSING_PRIVILEGE"))
                .singleElement().satisfies(f -> assertThat(f.message()).contains("bypassDocumentValidation"));
    }

    @Test
    void aCustomRoleNamedBackupIsJudgedByWhatItGrants() {
        ValidationReport report = validate(as(clusters.source(), "namesake"), as(clusters.destination(), "writer"));

        assertThat(report.findings()).filteredOn(f -> f.code().equals("SOURCE_MISSING_PRIVILEGE")).isNotEmpty();
        assertThat(report.toString() + report.findings()).doesNotContain(PASSWORD);
    }

    private static ValidationReport validate(String source, String destination) {
        return Migrations.validate(MigrationSpec.builder().migrationId(clusters.migrationId("check")).source(source)
                .destination(destination).include(userDb() + ".*").build());
    }

    private static List<String> codes(ValidationReport report) {
        return report.findings().stream().map(ValidationFinding::code).toList();
    }

    /** The cluster's connection string, logged in as one of this suite's users. */
    private static String as(String uri, String user) {
        ConnectionString parsed = new ConnectionString(uri);
        String hosts = String.join(",", parsed.getHosts());
        String options = uri.contains("?") ? uri.substring(uri.indexOf('?') + 1) + "&" : "";
        return "mongodb://" + user + ":" + PASSWORD + "@" + hosts + "/?" + options + "authSource=" + userDb();
    }

    private static void createUser(MongoDatabase db, String name, BsonArray roles) {
        db.runCommand(new BsonDocument("createUser", new BsonString(name)).append("pwd", new BsonString(PASSWORD)).append("roles", roles));
    }

    private static BsonArray roles(String... roleThenDb) {
        BsonArray roles = new BsonArray();
        for (int i = 0; i < roleThenDb.length; i += 2) {
            roles.add(new BsonDocument("role", new BsonString(roleThenDb[i])).append("db", new BsonString(roleThenDb[i + 1])));
        }
        return roles;
    }

    private static String userDb() {
        return clusters.database("app");
    }
}
