package dev.livemigrate.rest;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code livemigrate serve}: the REST control plane, a thin layer over the library on the JDK's own HTTP server
 * ({@code com.sun.net.httpserver}: no dependency, a small API, and HTTP parsed by the JDK). {@link #start} binds,
 * loads the migrations of the data directory and resumes those that had not ended (in the background), and
 * serves; {@link #close()} stops serving, then closes every session, each of which stays resumable (the engine
 * keeps its checkpoints on the destination). Every {@code /api} call and {@code /metrics} need the API token
 * ({@link ApiToken}); the status page's files do not.
 *
 * <p>Routes are registered in one place, {@link #routes}: the status page, the metrics endpoint and other
 * routes outside {@code /api} go there too.
 */
public final class ControlPlane implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControlPlane.class);

    private final HttpServer server;
    private final ExecutorService requests;
    private final ExecutorService background;
    private final MigrationRegistry registry;
    private final ApiToken token;
    private final DataDir dataDir;
    private final URI uri;

    private ControlPlane(HttpServer server, ExecutorService requests, ExecutorService background, MigrationRegistry registry,
                         ApiToken token, DataDir dataDir) {
        this.server = server;
        this.requests = requests;
        this.background = background;
        this.registry = registry;
        this.token = token;
        this.dataDir = dataDir;
        this.uri = uri(server);
    }

    private static URI uri(HttpServer server) {
        InetSocketAddress address = server.getAddress();
        String host = address.getAddress().getHostAddress();
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return URI.create(scheme + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort());
    }

    /**
     * Binds, resumes the stored migrations that had not ended, and serves until {@link #close()}.
     *
     * @throws UncheckedIOException when the address cannot be bound
     */
    public static ControlPlane start(ServeOptions options) {
        return start(options, null);
    }

    /**
     * Binds, resumes and serves, as {@link #start(ServeOptions)}, sending every migration's notices to the webhook,
     * which {@link #close()} closes.
     *
     * @param webhook {@code null} for none
     * @throws UncheckedIOException when the address cannot be bound
     */
    public static ControlPlane start(ServeOptions options, Webhook webhook) {
        return start(options, webhook, null);
    }

    /**
     * Binds, resumes and serves, as {@link #start(ServeOptions, Webhook)}, over HTTPS when {@code tls} is given.
     *
     * @param tls {@code null} for plain HTTP
     * @throws IllegalArgumentException when the certificate or key cannot be used (before anything is bound)
     */
    public static ControlPlane start(ServeOptions options, Webhook webhook, TlsFiles tls) {
        SSLContext context = tls == null ? null : tls.context();
        DataDir dir = new DataDir(options.dataDir());
        ApiToken token = ApiToken.of(options.token(), dir);
        LinkTokens linkTokens = new LinkTokens(dir);
        ExecutorService background = Executors.newCachedThreadPool(threads("livemigrate-serve-work"));
        ExecutorService requests = Executors.newFixedThreadPool(8, threads("livemigrate-serve-http"));
        Metrics metrics = new Metrics();
        MigrationHosts hosts = new MigrationHosts(MigrationHosts.OFFLINE_AFTER, Clock.systemUTC());
        MigrationRegistry registry = new MigrationRegistry(new MigrationStore(dir), background, metrics, webhook, hosts);
        // the JDK's server writes a reply's head and body apart; with Nagle's algorithm on, the body then waits for the
        // client's delayed ACK (40 ms a request on Linux). Read once, when the JDK's server is first used.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        HttpServer server;
        try {
            InetSocketAddress address = new InetSocketAddress(options.bind(), options.port());
            if (context == null) {
                server = HttpServer.create(address, 0);
            } else {
                HttpsServer https = HttpsServer.create(address, 0);
                https.setHttpsConfigurator(new HttpsConfigurator(context));
                server = https;
            }
        } catch (IOException e) {
            background.shutdownNow();
            requests.shutdownNow();
            if (webhook != null) {
                webhook.close();
            }
            throw new UncheckedIOException("cannot listen on " + options.bind() + ":" + options.port() + ": " + e.getMessage(), e);
        }
        Router router = new Router(token::accepts);
        LinkTokenRoutes links = new LinkTokenRoutes(linkTokens, uri(server));
        routes(router, registry, new ValidationRuns(background, options.validationWait()), background, metrics,
                new AgentRoutes(links, hosts));
        server.createContext("/", router);
        server.setExecutor(requests);
        registry.loadAndResume();
        server.start();
        ControlPlane plane = new ControlPlane(server, requests, background, registry, token, dir);
        LOG.info("serving on {} with data directory {}", plane.uri(), dir.path());
        return plane;
    }

    /** Every route of the server. */
    private static void routes(Router router, MigrationRegistry registry, ValidationRuns validations, ExecutorService background,
                               Metrics metrics, AgentRoutes agents) {
        router.add("GET", "/api/v1/openapi.json", r -> Response.text(200, Response.JSON, openApi()));
        new MigrationRoutes(registry, validations, background).register(router);
        agents.register(router); // the agent's routes check the link-token, not the API token
        router.add("GET", "/metrics", r -> Response.text(200, Metrics.CONTENT_TYPE, metrics.scrape())); // token needed
        StatusPage.register(router); // no token: the page asks for it
    }

    private static String openApi() {
        try (InputStream in = ControlPlane.class.getResourceAsStream("openapi.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://HOST:PORT} (or {@code https://}) as bound (the real port when 0 was asked). */
    public URI uri() {
        return uri;
    }

    /** The API token generated at this start, to be printed once; empty when it was given or generated before. */
    public Optional<String> generatedToken() {
        return token.generated();
    }

    public Path dataDir() {
        return dataDir.path();
    }

    /** Stops serving (requests under way get a second to finish), then closes every session, resumable. */
    @Override
    public void close() {
        server.stop(1);
        requests.shutdown();
        registry.close();
        background.shutdownNow();
        try {
            background.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("stopped serving on {}", uri);
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
