package dev.livemigrate.cli;

import dev.livemigrate.rest.ControlPlane;
import dev.livemigrate.rest.ServeOptions;
import dev.livemigrate.rest.TlsFiles;
import dev.livemigrate.rest.Webhook;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code livemigrate serve}: runs the REST control plane until the process is stopped (Ctrl-C, SIGTERM), then
 * closes every migration's session, each resumable by the next start. Prints {@code listening on http://HOST:PORT}
 * once it serves, and a generated API token once, at the first start without {@code LIVEMIGRATE_API_TOKEN}.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serves the REST control plane (the API under /api/v1) until stopped.",
                "Every /api call needs 'Authorization: Bearer <token>': the token is " + ServeCommand.TOKEN_VARIABLE + ",",
                "or one generated at the first start, printed once and kept only as a hash in the data directory."})
final class ServeCommand implements Callable<Integer> {

    static final String TOKEN_VARIABLE = "LIVEMIGRATE_API_TOKEN";

    @Option(names = "--bind", defaultValue = ServeOptions.DEFAULT_BIND, description = "Address to listen on (default ${DEFAULT-VALUE}).")
    String bind;
    @Option(names = "--port", defaultValue = "8080", description = "Port to listen on; 0 for any free one (default ${DEFAULT-VALUE}).")
    int port;
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the token's hash and the managed migrations (with their"
            + " connection strings) are kept, owner-only (default ~/.livemigrate/serve).")
    Path dataDir;
    @Option(names = "--notify-url", paramLabel = "URL", description = "POST a JSON notice to this URL on every state change of"
            + " every migration, and when a cutover window is about to close (retried; never holds up a migration).")
    URI notifyUrl;
    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Serve HTTPS with this certificate chain (PEM; with --tls-key).")
    Path tlsCert;
    @Option(names = "--tls-key", paramLabel = "PEM", description = "The certificate's private key (PKCS#8 PEM; with --tls-cert).")
    Path tlsKey;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = dataDir != null ? dataDir : Path.of(System.getProperty("user.home"), ".livemigrate", "serve");
        Webhook webhook;
        try {
            webhook = notifyUrl == null ? null : Webhook.to(notifyUrl);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--notify-url: " + e.getMessage());
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--tls-cert and --tls-key go together: give both, or neither for HTTP");
        }
        TlsFiles tls = tlsCert == null ? null : new TlsFiles(tlsCert, tlsKey);
        ControlPlane plane;
        try {
            plane = ControlPlane.start(new ServeOptions(bind, port, dir, System.getenv(TOKEN_VARIABLE),
                    ServeOptions.DEFAULT_VALIDATION_WAIT), webhook, tls);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--tls-cert/--tls-key: " + e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            plane.close();
            out.println("stopped: every migration not ended is resumed at the next start");
            out.flush();
            stopped.countDown();
        }, "livemigrate-serve-stop"));
        plane.generatedToken().ifPresent(token -> out.println("API token (shown this once; only its hash is kept in "
                + plane.dataDir() + "): " + token));
        out.println("listening on " + plane.uri());
        out.flush();
        stopped.await();
        return 0;
    }
}
