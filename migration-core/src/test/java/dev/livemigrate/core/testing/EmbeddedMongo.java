package dev.livemigrate.core.testing;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.net.InetSocketAddress;

/**
 * A JUnit 5 extension that runs one embedded MongoDB-wire server (mongo-java-server, in-memory, with the
 * oplog on) per test, on a free loopback port. Register one per side:
 *
 * <pre>{@code
 * @RegisterExtension final EmbeddedMongo source = new EmbeddedMongo();
 * @RegisterExtension final EmbeddedMongo destination = new EmbeddedMongo();
 * }</pre>
 *
 * See shared/EMBEDDED-SERVER.md for what it does and does not do.
 */
public final class EmbeddedMongo implements BeforeEachCallback, AfterEachCallback {

    private final boolean oplog;
    private TestCertificate tls;
    private MongoServer server;
    private String connectionString;
    private MongoClient client;

    /** A server with its oplog on, so change streams work. */
    public EmbeddedMongo() {
        this(true);
    }

    /** A server with or without an oplog; without, it is a standalone with no change history. */
    public EmbeddedMongo(boolean oplog) {
        this.oplog = oplog;
    }

    /**
     * Serves TLS only, with this certificate: the connection string asks for TLS and {@link #client()} trusts
     * the certificate; other clients must be given its PEM file as their CA file.
     */
    public EmbeddedMongo tls(TestCertificate certificate) {
        this.tls = certificate;
        return this;
    }

    /** Starts a server outside JUnit (for the demo and benchmarks); stop it with {@link #stop()}. */
    public static EmbeddedMongo started() {
        EmbeddedMongo m = new EmbeddedMongo();
        m.start();
        return m;
    }

    public void start() {
        server = new MongoServer(new LockedIndexesBackend());
        if (oplog) {
            server.enableOplog();
        }
        if (tls != null) {
            server.enableSsl(tls.key(), null, tls.certificate());
        }
        server.bind("127.0.0.1", 0);
        InetSocketAddress address = server.getLocalAddress();
        connectionString = "mongodb://127.0.0.1:" + address.getPort() + (tls == null ? "" : "/?tls=true");
        client = tls == null ? MongoClients.create(connectionString) : MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(connectionString))
                .applyToSslSettings(s -> s.enabled(true).context(tls.trustingContext())).build());
    }

    public void stop() {
        if (client != null) {
            client.close();
            client = null;
        }
        if (server != null) {
            server.shutdownNow();
            server = null;
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        stop();
    }

    /** {@code mongodb://127.0.0.1:PORT} ({@code /?tls=true} added with {@link #tls}). */
    public String connectionString() {
        return connectionString;
    }

    /** The port the server is bound to. */
    public int port() {
        return server.getLocalAddress().getPort();
    }

    /** A client the test may use to seed and inspect data; closed with the server. */
    public MongoClient client() {
        return client;
    }
}
