package dev.livemigrate.core.sync;

import com.mongodb.MongoInterruptedException;
import com.mongodb.client.ChangeStreamIterable;
import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoCursor;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.RetryBudget;
import dev.livemigrate.core.Threads;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.RawBsonDocument;

import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One change stream and the thread that reads it, handing each event on in stream order. It records
 * its position (the cluster time of the last event read, or of the server's {@code postBatchResumeToken}
 * when a batch came back empty, which the owner may checkpoint) and when the stream last came back
 * empty (caught up). A collection-level stream first checks that its collection still exists, and checks
 * again when the stream fails, so a dropped collection ends its stream instead of failing the migration.
 *
 * <p>A transient error (network, election; {@link RetryBudget}) reopens the stream after the last event it
 * handed on (or the server's last resume point), so nothing is skipped and at most what was being handled is
 * read again, within the run's retry budget.
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

        /** How the run rides out transient errors. */
        RetryBudget retries();
    }

    final String name;
    /** The collection followed, or {@code null} for a cluster-wide stream. */
    final Namespace namespace;
    private final Function<StartPoint, ChangeStreamIterable<BsonDocument>> stream;
    private final StartPoint from;
    private final boolean keepsShardKey;
    /** Where to reopen after a transient error: after the last event handed on, or the server's last resume point. */
    private volatile BsonDocument resumeToken;
    private final Owner owner;
    private final Thread thread;
    private volatile boolean stopped;
    private volatile long caughtUpNanos;
    private volatile BsonTimestamp position;
    private long seq;

    /**
     * @param start  where the stream starts, and the cluster time that is its position until it reads further
     * @param stream opens the stream from a start point
     */
    ChangeReader(String name, Namespace namespace, Start start, Function<StartPoint, ChangeStreamIterable<BsonDocument>> stream,
                 Owner owner) {
        this.name = name;
        this.namespace = namespace;
        this.position = start.position();
        this.from = start.from();
        this.keepsShardKey = start.keepsShardKey();
        this.stream = stream;
        this.owner = owner;
        this.thread = Threads.daemon("livemigrate-stream-" + name, this::run);
    }

    /**
     * Where a stream starts: the point it is opened from, and the cluster time that is its position meanwhile; and
     * whether a collection-level stream's events keep their whole {@code documentKey} ({@code keepsShardKey}: the
     * source shards the collection, so the key holds the shard key that writes on a sharded destination need;
     * otherwise the key is taken from {@code _id} alone, since some servers' update events carry a malformed one).
     */
    record Start(StartPoint from, BsonTimestamp position, boolean keepsShardKey) {
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
            owner.retries().run("reading the change stream " + name, this::readUntilStopped);
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
            owner.fail(SyncFailures.inStream(namespace, t));
        }
    }

    /** Reads from where the stream left off; an interruption ends it quietly. */
    private void readUntilStopped() {
        try {
            read();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MongoInterruptedException("interrupted", e);
        }
    }

    private void read() throws InterruptedException {
        BsonDocument token = resumeToken;
        StartPoint start = token != null ? StartPoint.after(token) : from;
        try (MongoCursor<RawBsonDocument> cursor = stream.apply(start).withDocumentClass(RawBsonDocument.class).cursor()) {
            boolean idOnlyKeys = namespace != null && !keepsShardKey;
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
                resumeToken = e.resumeToken();
                advance(e.clusterTime());
            }
        }
    }

    /** An empty batch: the server's resume point, where it carries a cluster time, is the stream's position. */
    private void readUpTo(BsonDocument token) {
        if (token != null) {
            resumeToken = token;
        }
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
