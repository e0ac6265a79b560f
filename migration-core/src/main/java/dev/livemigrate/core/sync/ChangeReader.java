package dev.livemigrate.core.sync;

import com.mongodb.MongoInterruptedException;
import com.mongodb.client.ChangeStreamIterable;
import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoCursor;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.Threads;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.RawBsonDocument;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One change stream and the thread that reads it, handing each event on in stream order. It records
 * its position (the cluster time of the last event read, or of the server's {@code postBatchResumeToken}
 * when a batch came back empty, which the owner may checkpoint) and when the stream last came back
 * empty (caught up). A collection-level stream first checks that its collection still exists, and checks
 * again when the stream fails, so a dropped collection ends its stream instead of failing the migration.
 */
final class ChangeReader implements StreamProgress {

    /** What the reader hands its events to. */
    interface Owner {
        /** Whether readers should go on (the sync is neither closing nor failed). */
        boolean running();

        /** For a collection-level stream: whether its collection is gone (the owner then cleans up). */
        boolean vanished(Namespace ns) throws InterruptedException;

        void handle(ChangeReader reader, ChangeEvent e) throws InterruptedException;

        /** The stream returned no event and says it has read up to {@code token} (at {@code clusterTime}). */
        void quiet(ChangeReader reader, BsonDocument token, BsonTimestamp clusterTime);

        void fail(Throwable t);
    }

    final String name;
    /** The collection followed, or {@code null} for a cluster-wide stream. */
    final Namespace namespace;
    private final Supplier<ChangeStreamIterable<BsonDocument>> stream;
    private final Owner owner;
    private final Thread thread;
    private volatile boolean stopped;
    private volatile long caughtUpNanos;
    private volatile BsonTimestamp position;
    private long seq;

    /** @param start the cluster time the stream starts from: its position until it reads further */
    ChangeReader(String name, Namespace namespace, BsonTimestamp start, Supplier<ChangeStreamIterable<BsonDocument>> stream,
                 Owner owner) {
        this.name = name;
        this.namespace = namespace;
        this.position = start;
        this.stream = stream;
        this.owner = owner;
        this.thread = Threads.daemon("livemigrate-stream-" + name, this::run);
    }

    void start() {
        thread.start();
    }

    /** Ends reading at the next event: the stream has nothing more for this migration (dropped, renamed, invalidated). */
    void stop() {
        stopped = true;
    }

    boolean stopped() {
        return stopped;
    }

    @Override
    public boolean caughtUpSince(long nanos) {
        return stopped || caughtUpNanos > nanos;
    }

    @Override
    public BsonTimestamp position() {
        return position;
    }

    private void run() {
        try {
            if (namespace != null && owner.vanished(namespace)) {
                stopped = true;
                return;
            }
            read();
        } catch (InterruptedException | MongoInterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            if (!owner.running()) {
                return;
            }
            try {
                if (namespace != null && owner.vanished(namespace)) {
                    stopped = true; // the reconciler follows the collection again if it comes back
                    return;
                }
            } catch (Throwable ignored) {
                // report the original failure
            }
            owner.fail(t);
        }
    }

    private void read() throws InterruptedException {
        try (MongoCursor<RawBsonDocument> cursor = stream.get().withDocumentClass(RawBsonDocument.class).cursor()) {
            boolean idOnlyKeys = namespace != null;
            while (owner.running() && !stopped) {
                RawBsonDocument raw = cursor.tryNext();
                if (raw == null) {
                    if (cursor instanceof MongoChangeStreamCursor<RawBsonDocument> changes) { // the driver's raw change cursor is one
                        readUpTo(changes.getResumeToken());
                    }
                    caughtUpNanos = System.nanoTime();
                    Thread.sleep(50);
                    continue;
                }
                ChangeEvent e = ChangeEvent.parse(name, seq++, raw, namespace, idOnlyKeys);
                owner.handle(this, e);
                advance(e.clusterTime());
            }
        }
    }

    /** An empty batch: the server's resume point, where it carries a cluster time, is the stream's position. */
    private void readUpTo(BsonDocument token) {
        BsonTimestamp t = ResumeTokens.clusterTime(token);
        if (t != null && advance(t)) {
            owner.quiet(this, token, t);
        }
    }

    private boolean advance(BsonTimestamp t) {
        BsonTimestamp now = position;
        if (t != null && (now == null || t.compareTo(now) > 0)) {
            position = t;
            return true;
        }
        return false;
    }

    void join() {
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
