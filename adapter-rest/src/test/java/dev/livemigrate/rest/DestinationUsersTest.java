package dev.livemigrate.rest;

import com.mongodb.ConnectionString;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The connection string a push migration's host is handed: the operator's user replaced by the temporary one,
 * authenticated on {@code admin}, every other option and host kept; the temporary user's password never prints.
 */
class DestinationUsersTest {

    private static final DestinationUsers.Temporary USER = new DestinationUsers.Temporary("livemigrate-agent-00ff00ff00ff00ff",
            "pW-x_7", null);

    @Test
    void replacesTheOperatorsUserAndAuthenticatesOnAdmin() {
        assertThat(DestinationUsers.handOver("mongodb://op:s3cret@db1:27017,db2:27017/app?replicaSet=rs0&authSource=other&tls=true", USER))
                .isEqualTo("mongodb://livemigrate-agent-00ff00ff00ff00ff:pW-x_7@db1:27017,db2:27017/app?authSource=admin&replicaSet=rs0&tls=true");
        assertThat(DestinationUsers.handOver("mongodb+srv://op:p%40ss@cluster0.example.net", USER))
                .isEqualTo("mongodb+srv://livemigrate-agent-00ff00ff00ff00ff:pW-x_7@cluster0.example.net/?authSource=admin");
        assertThat(DestinationUsers.handOver("mongodb://op:pw@127.0.0.1:5/?directConnection=true&AUTHSOURCE=x", USER))
                .isEqualTo("mongodb://livemigrate-agent-00ff00ff00ff00ff:pW-x_7@127.0.0.1:5/?authSource=admin&directConnection=true");
        ConnectionString parsed = new ConnectionString(DestinationUsers.handOver("mongodb://op:pw@h/?authMechanism=SCRAM-SHA-256", USER));
        assertThat(parsed.getCredential().getUserName()).isEqualTo(USER.name());
        assertThat(parsed.getCredential().getSource()).isEqualTo("admin");
        assertThat(parsed.getCredential().getMechanism()).isEqualTo("SCRAM-SHA-256");
    }

    @Test
    void aConnectionStringWithoutAUserNeedsNoTemporaryUser() {
        assertThat(DestinationUsers.create("mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=1", "m")).isNull();
    }

    @Test
    void thePasswordNeverPrints() {
        assertThat(USER.toString()).isEqualTo("Temporary[livemigrate-agent-00ff00ff00ff00ff, password=<hidden>]");
    }
}
