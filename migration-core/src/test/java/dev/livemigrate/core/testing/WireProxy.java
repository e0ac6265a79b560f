package dev.livemigrate.core.testing;

import org.bson.BsonDocument;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A MongoDB wire-protocol proxy in front of an {@link EmbeddedMongo}, on a free loopback port, for tests that
 * need what the embedded server cannot do: see the exact bytes a client sends, answer a command with a reply
 * recorded in MongoDB's shape, rewrite a reply, or hold a command back.
 *
 * <p>Every OP_MSG command is offered to the {@link Handler}, which may answer it itself (the upstream never
 * sees it) or forward it and return (or change) the upstream's reply. Other messages (the driver's OP_QUERY
 * handshake) are relayed unchanged. Every OP_MSG command is recorded, with the raw bytes of the documents of
 * its kind-1 sections. The message layout is MongoDB's OP_MSG as documented in
 * https://www.mongodb.com/docs/manual/reference/mongodb-wire-protocol/ (header, {@code flagBits}, a kind-0
 * body section and kind-1 document sequences).
 */
public final class WireProxy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WireProxy.class);
    private static final int OP_MSG = 2013;
    private static final int CHECKSUM_PRESENT = 1;

    /** An OP_MSG command as a client sent it. */
    public record Command(String name, String database, BsonDocument body, List<byte[]> documents) {
    }

    /** Forwards the command upstream as the client sent it and returns the raw body of the reply. */
    public interface Upstream {
        byte[] forward() throws IOException;
    }

    /** Decides the reply to each command: the raw bytes of the reply's body document. */
    public interface Handler {
        byte[] reply(Command command, Upstream upstream) throws IOException;

        /**
         * Writes the whole reply message to the client; a handler may deliver it slowly, or only part of it (then
         * throw, and the proxy closes the connection, as a network cut in the middle of a reply does).
         */
        default void send(Command command, byte[] message, OutputStream client) throws IOException {
            client.write(message);
        }
    }

    private final InetSocketAddress upstreamAddress;
    private final Handler handler;
    private final ServerSocket listener;
    private final List<Command> commands = new CopyOnWriteArrayList<>();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private WireProxy(EmbeddedMongo upstream, Handler handler) throws IOException {
        this.upstreamAddress = new InetSocketAddress("127.0.0.1", upstream.port());
        this.handler = handler;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "wire-proxy-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A proxy in front of {@code upstream}, started; every command goes to {@code handler}. */
    public static WireProxy inFrontOf(EmbeddedMongo upstream, Handler handler) {
        try {
            return new WireProxy(upstream, handler);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on a loopback port", e);
        }
    }

    /** A proxy that forwards everything and only records. */
    public static WireProxy recording(EmbeddedMongo upstream) {
        return inFrontOf(upstream, (command, up) -> up.forward());
    }

    /** {@code mongodb://127.0.0.1:PORT} of the proxy, with direct connection (the proxy is one server). */
    public String connectionString() {
        return "mongodb://127.0.0.1:" + listener.getLocalPort() + "/?directConnection=true";
    }

    /** Every OP_MSG command received so far, in arrival order. */
    public List<Command> commands() {
        return List.copyOf(commands);
    }

    /** The commands received so far with this name. */
    public List<Command> commands(String name) {
        return commands.stream().filter(c -> c.name().equals(name)).toList();
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            LOG.debug("closing the proxy listener: {}", e.toString());
        }
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                LOG.debug("closing a proxied socket: {}", e.toString());
            }
        }
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Thread t = new Thread(() -> serve(client), "wire-proxy-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("wire proxy stopped accepting: {}", e.toString());
                }
                return;
            }
        }
    }

    private void serve(Socket client) {
        sockets.add(client);
        try (client; Socket upstream = new Socket(upstreamAddress.getAddress(), upstreamAddress.getPort())) {
            sockets.add(upstream);
            DataInputStream fromClient = new DataInputStream(client.getInputStream());
            DataInputStream fromUpstream = new DataInputStream(upstream.getInputStream());
            OutputStream toClient = client.getOutputStream();
            OutputStream toUpstream = upstream.getOutputStream();
            while (!closed) {
                byte[] request = readMessage(fromClient);
                ByteBuffer header = ByteBuffer.wrap(request).order(ByteOrder.LITTLE_ENDIAN);
                int requestId = header.getInt(4);
                if (header.getInt(12) != OP_MSG) {
                    toUpstream.write(request);
                    toClient.write(readMessage(fromUpstream));
                    continue;
                }
                Command command = parse(request);
                commands.add(command);
                byte[] body = handler.reply(command, () -> {
                    toUpstream.write(request);
                    return bodyOf(readMessage(fromUpstream));
                });
                handler.send(command, opMsg(requestId, body), toClient);
            }
        } catch (EOFException | SocketException e) {
            LOG.debug("proxied connection ended: {}", e.toString());
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                LOG.warn("proxied connection failed", e);
            }
        } finally {
            sockets.remove(client);
        }
    }

    private static byte[] readMessage(DataInputStream in) throws IOException {
        byte[] length = new byte[4];
        in.readFully(length);
        int size = ByteBuffer.wrap(length).order(ByteOrder.LITTLE_ENDIAN).getInt();
        byte[] message = new byte[size];
        System.arraycopy(length, 0, message, 0, 4);
        in.readFully(message, 4, size - 4);
        return message;
    }

    /** Reads an OP_MSG request: its kind-0 body and the raw documents of its kind-1 sections. */
    static Command parse(byte[] message) {
        ByteBuffer b = ByteBuffer.wrap(message).order(ByteOrder.LITTLE_ENDIAN);
        int end = message.length - ((b.getInt(16) & CHECKSUM_PRESENT) != 0 ? 4 : 0);
        b.position(20);
        BsonDocument body = null;
        List<byte[]> documents = new ArrayList<>();
        while (b.position() < end) {
            byte kind = b.get();
            if (kind == 0) {
                body = new RawBsonDocument(slice(b, b.getInt(b.position())));
            } else {
                int sectionEnd = b.position() + b.getInt();
                skipCString(b); // the sequence's identifier
                while (b.position() < sectionEnd) {
                    documents.add(slice(b, b.getInt(b.position())));
                }
            }
        }
        if (body == null) {
            throw new IllegalStateException("an OP_MSG without a body section");
        }
        String name = body.getFirstKey();
        String database = body.isString("$db") ? body.getString("$db").getValue() : null;
        return new Command(name, database, body, documents);
    }

    private static void skipCString(ByteBuffer b) {
        byte c;
        do {
            c = b.get();
        } while (c != 0);
    }

    private static byte[] slice(ByteBuffer b, int length) {
        byte[] out = new byte[length];
        b.get(out);
        return out;
    }

    /** The body of an OP_MSG reply from the upstream. */
    private static byte[] bodyOf(byte[] reply) {
        ByteBuffer b = ByteBuffer.wrap(reply).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(12) != OP_MSG || b.get(20) != 0) {
            throw new IllegalStateException("the upstream did not answer with an OP_MSG body");
        }
        b.position(21);
        return slice(b, b.getInt(21));
    }

    /** An OP_MSG reply to {@code responseTo} with this body: flags 0 and one kind-0 section. */
    static byte[] opMsg(int responseTo, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(16 + 4 + 1 + body.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(b.capacity()).putInt(responseTo + 1_000_000).putInt(responseTo).putInt(OP_MSG);
        b.putInt(0).put((byte) 0).put(body);
        return b.array();
    }

    /** The raw bytes of a document, as a handler returns them. */
    public static byte[] bytes(BsonDocument document) {
        RawBsonDocument raw = document instanceof RawBsonDocument r ? r : new RawBsonDocument(document, new BsonDocumentCodec());
        ByteBuffer buffer = raw.getByteBuffer().asNIO();
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }
}
