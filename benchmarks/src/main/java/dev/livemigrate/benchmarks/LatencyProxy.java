package dev.livemigrate.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy in front of an in-JVM server that delivers every chunk of bytes a fixed time after it
 * arrived, in each direction: a network with a round trip of twice the delay and no bandwidth limit
 * (chunks in flight overlap). The embedded server answers in microseconds, so without it the benchmarks
 * would hide what round trips cost on a real network.
 */
public final class LatencyProxy implements AutoCloseable {

    private final ServerSocket server;
    private final long delayNanos;
    private volatile boolean closed;

    private record Chunk(long dueNanos, byte[] bytes) {
    }

    /** Listens on a free loopback port and forwards to {@code targetPort}, delaying each direction by {@code oneWayMicros}. */
    public LatencyProxy(int targetPort, long oneWayMicros) {
        this.delayNanos = oneWayMicros * 1000;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        daemon("latency-proxy-accept", () -> {
            while (!closed) {
                try {
                    Socket client = server.accept();
                    Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                    client.setTcpNoDelay(true);
                    target.setTcpNoDelay(true);
                    pipe(client, target);
                    pipe(target, client);
                } catch (IOException e) {
                    if (!closed) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        });
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Copies {@code from} to {@code to}: one thread reads and stamps chunks, one delivers them when due. */
    private void pipe(Socket from, Socket to) throws IOException {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        daemon("latency-proxy-read", () -> {
            byte[] buffer = new byte[64 * 1024];
            try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    queue.add(new Chunk(System.nanoTime() + delayNanos, Arrays.copyOf(buffer, n)));
                }
            } catch (IOException ignored) {
                // the connection closed
            }
            queue.add(new Chunk(0, null));
        });
        daemon("latency-proxy-write", () -> {
            try {
                while (true) {
                    Chunk c = queue.take();
                    if (c.bytes() == null) {
                        break;
                    }
                    for (long wait; (wait = c.dueNanos() - System.nanoTime()) > 0; ) {
                        LockSupport.parkNanos(wait);
                    }
                    out.write(c.bytes());
                }
            } catch (IOException | InterruptedException ignored) {
                // the connection closed
            } finally {
                closeQuietly(to);
                closeQuietly(from);
            }
        });
    }

    private static void daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
