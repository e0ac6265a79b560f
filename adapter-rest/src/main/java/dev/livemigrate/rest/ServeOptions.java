package dev.livemigrate.rest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link ControlPlane} serves.
 *
 * @param bind           the address to listen on ({@code 127.0.0.1} by default: reachable from this machine only)
 * @param port           the port; 0 for any free one ({@link ControlPlane#uri()} tells which)
 * @param dataDir        where the token's hash and the managed migrations are kept (created owner-only)
 * @param token          the API token the operator chose ({@code LIVEMIGRATE_API_TOKEN}); {@code null} to use the
 *                       one generated at the first start
 * @param validationWait how long {@code POST .../validate} waits for the checks before answering PENDING
 */
public record ServeOptions(String bind, int port, Path dataDir, String token, Duration validationWait) {

    public static final String DEFAULT_BIND = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final Duration DEFAULT_VALIDATION_WAIT = Duration.ofSeconds(30);

    public ServeOptions {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(validationWait, "validationWait");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port " + port + " is out of range: use 0 to 65535");
        }
    }

    /** The defaults, with this data directory and token. */
    public static ServeOptions of(Path dataDir, String token) {
        return new ServeOptions(DEFAULT_BIND, DEFAULT_PORT, dataDir, token, DEFAULT_VALIDATION_WAIT);
    }

    public ServeOptions withPort(int newPort) {
        return new ServeOptions(bind, newPort, dataDir, token, validationWait);
    }

    public ServeOptions withBind(String newBind) {
        return new ServeOptions(newBind, port, dataDir, token, validationWait);
    }

    /** The token is a secret: never printed. */
    @Override
    public String toString() {
        return "ServeOptions{bind=" + bind + ", port=" + port + ", dataDir=" + dataDir + ", token="
                + (token == null ? "generated" : "<hidden>") + ", validationWait=" + validationWait + "}";
    }
}
