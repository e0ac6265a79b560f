package dev.livemigrate.core.sync;

import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import dev.livemigrate.core.Retries;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * Where the cutover drain ends: an operation time on the source, taken once writes have stopped (or are
 * blocked), that is at or after every write the application made. The drain finishes only when every
 * stream has read past it. Taken, in order, from:
 * <ol>
 *   <li>{@code appendOplogNote} with {@code w: "majority"}: a no-op write after every earlier one; its
 *       reply's {@code operationTime} is majority-committed when the reply comes;</li>
 *   <li>{@code hello}'s {@code lastWrite.opTime}: the newest write a replica set member applied (which
 *       may not be majority-committed yet: the drain then waits until the majority commit point reaches
 *       it, so a stalled majority cannot end the drain early);</li>
 *   <li>{@link SourceClock}: a server that is no replica set member, such as the embedded test server.</li>
 * </ol>
 *
 * @param time   the operation time every stream must reach
 * @param method how it was taken, for the report
 */
public record CutPoint(BsonTimestamp time, String method) {

    private static final Logger LOG = LoggerFactory.getLogger(CutPoint.class);

    /** Takes the cut point from the source. */
    public static CutPoint take(MongoClient source, String migrationId) {
        return take((database, command) -> source.getDatabase(database).runCommand(command, BsonDocument.class), migrationId);
    }

    static CutPoint take(SourceClock.Commands source, String migrationId) {
        try {
            BsonDocument reply = source.run("admin", new BsonDocument("appendOplogNote", new BsonInt32(1))
                    .append("data", new BsonDocument("livemigrate", new BsonString("cutover")).append("migrationId", new BsonString(migrationId)))
                    .append("writeConcern", new BsonDocument("w", new BsonString("majority"))));
            if (reply.isTimestamp("operationTime")) {
                return new CutPoint(reply.getTimestamp("operationTime"), "appendOplogNote");
            }
        } catch (MongoException e) {
            rethrowTransient(e);
            LOG.info("appendOplogNote refused ({}); taking the newest write from hello", e.getMessage());
        }
        try {
            BsonDocument hello = source.run("admin", new BsonDocument("hello", new BsonInt32(1)));
            BsonDocument opTime = hello.getDocument("lastWrite", new BsonDocument()).getDocument("opTime", new BsonDocument());
            if (opTime.isTimestamp("ts")) {
                return new CutPoint(opTime.getTimestamp("ts"), "hello lastWrite.opTime");
            }
        } catch (MongoException e) {
            rethrowTransient(e);
            LOG.debug("hello refused ({}); taking the source's clock", e.getMessage());
        }
        return new CutPoint(SourceClock.now(source), "the source's newest operation (no replica set)");
    }

    /**
     * Waits until every stream is past the cut point and nothing read is left unapplied.
     *
     * @param running  whether syncing still runs
     * @param inFlight how many events were read and not applied yet
     * @return false when the timeout passed first or syncing stopped
     */
    boolean awaitReached(MongoClient source, Duration timeout, BooleanSupplier running, IntSupplier inFlight,
                         Collection<? extends StreamProgress> streams) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long committedSince = -1;
        long nextClockRead = 0;
        while (System.nanoTime() < deadline && running.getAsBoolean()) {
            if (committedSince < 0 && System.nanoTime() >= nextClockRead) {
                long asked = System.nanoTime();
                if (SourceClock.now(source).compareTo(time) >= 0) {
                    committedSince = asked; // majority-committed by then: an empty batch after it proves a stream past the cut
                }
                nextClockRead = asked + TimeUnit.MILLISECONDS.toNanos(200);
            }
            if (inFlight.getAsInt() == 0 && reachedBy(streams, committedSince)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    /**
     * Whether every stream has read past the cut point: its position is at or after it, or it came back
     * empty after {@code committedSinceNanos}, a moment by which the source had majority-committed the
     * cut point (a stream returns every majority-committed change, so an empty batch then proves it);
     * negative while that moment has not come.
     */
    boolean reachedBy(Collection<? extends StreamProgress> streams, long committedSinceNanos) {
        for (StreamProgress s : streams) {
            boolean read = s.position() != null && s.position().compareTo(time) >= 0;
            if (!read && !(committedSinceNanos >= 0 && s.caughtUpSince(committedSinceNanos))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "Timestamp(" + time.getTime() + ", " + time.getInc() + ") by " + method;
    }

    private static void rethrowTransient(MongoException e) {
        if (Retries.isTransient(e)) {
            throw e;
        }
    }
}
