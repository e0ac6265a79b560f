package dev.livemigrate.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A loopback port the test holds for as long as it needs it, so nothing else can take it meanwhile (a port
 * bound and closed again to find a "free" one may be taken by anyone before the test connects to it).
 *
 * <ul>
 *   <li>{@link #refusing()}: bound by a socket that never listens; the kernel answers every connection with
 *       a reset, which the driver reports as a refused connection ({@code ConnectException}).</li>
 *   <li>{@link #silent()}: a listener that accepts connections into its backlog and never reads or answers,
 *       so a client waits until its own timeout.</li>
 * </ul>
 * Close it (try-with-resources) to free the port.
 */
public final class HeldPort implements AutoCloseable {

    private final AutoCloseable holder;
    private final int port;

    private HeldPort(AutoCloseable holder, int port) {
        this.holder = holder;
        this.port = port;
    }

    /** A port bound on loopback that refuses every connection. */
    public static HeldPort refusing() {
        try {
            Socket bound = new Socket();
            bound.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return new HeldPort(bound, bound.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind a loopback port", e);
        }
    }

    /** A port on loopback that accepts connections and never answers. */
    public static HeldPort silent() {
        try {
            ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            return new HeldPort(listener, listener.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on a loopback port", e);
        }
    }

    public int port() {
        return port;
    }

    /** {@code mongodb://127.0.0.1:PORT}. */
    public String connectionString() {
        return "mongodb://127.0.0.1:" + port;
    }

    @Override
    public void close() throws Exception {
        holder.close();
    }
}
