package dev.livemigrate.core.sync;

import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.core.Retries;
import dev.livemigrate.core.catalog.Topology;
import dev.livemigrate.spi.ShardClients;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * Where the cutover drain ends: an operation time on the source, taken once writes have stopped (or are
 * blocked), that is at or after every write the application made. The drain finishes only when every
 * stream has read past it. Taken, in order, from:
 * <ol>
 *   <li>{@code appendOplogNote} with {@code w: "majority"}: a no-op write after every earlier one; its
 *       reply's {@code operationTime} is majority-committed when the reply comes. A mongos of MongoDB 6.0+
 *       writes the no-op on every shard and answers with each shard's reply under {@code raw}
 *       (jstests/sharding/append_oplog_note_mongos.js in mongodb/mongo): the cut point is the latest of
 *       them, so it covers every shard;</li>
 *   <li>on a mongos older than 6.0 (no {@code appendOplogNote}), the same no-op written on each shard
 *       {@code listShards} names, reached directly with the source's user and TLS ({@link Shards}), the
 *       latest of their times: a mongos's own clock need not have seen a write another router sent to a
 *       shard;</li>
 *   <li>{@code hello}'s {@code lastWrite.opTime}: the newest write a replica set member applied (which
 *       may not be majority-committed yet: the drain then waits until the majority commit point reaches
 *       it, so a stalled majority cannot end the drain early);</li>
 *   <li>{@link SourceClock}: a server that is no replica set member, such as the embedded test server.</li>
 * </ol>
 *
 * @param time    the operation time every stream must reach
 * @param method  how it was taken, for the report
 * @param sharded whether the source is a sharded cluster: then only a stream's position (its
 *                {@code postBatchResumeToken}) proves it read past the cut point, since a mongos holds back
 *                the events of a shard that is ahead until every shard has caught up, and an empty batch from
 *                it says nothing of them
 */
public record CutPoint(BsonTimestamp time, String method, boolean sharded) {

    private static final Logger LOG = LoggerFactory.getLogger(CutPoint.class);

    /** Seconds a shard has to answer when reached directly. */
    private static final long SHARD_SELECTION_SECONDS = 30;

    /** A cut point on a replica set or a single server. */
    public CutPoint(BsonTimestamp time, String method) {
        this(time, method, false);
    }

    /** Runs a command on the primary of one shard, reached directly at the members of its {@code listShards} host. */
    @FunctionalInterface
    interface Shards {
        BsonDocument run(String host, BsonDocument command);
    }

    /**
     * Takes the cut point from the source.
     *
     * @param settings what the source's client was built from: a shard reached directly gets its user and TLS
     */
    public static CutPoint take(MongoClient source, MongoClientSettings settings, String migrationId) {
        return take((database, command) -> source.getDatabase(database).runCommand(command, BsonDocument.class), (host, command) -> {
            try (MongoClient shard = MongoClients.create(ShardClients.settings(settings, host, SHARD_SELECTION_SECONDS))) {
                return shard.getDatabase("admin").runCommand(command, BsonDocument.class);
            }
        }, migrationId);
    }

    static CutPoint take(SourceClock.Commands source, Shards shards, String migrationId) {
        BsonDocument note = new BsonDocument("appendOplogNote", new BsonInt32(1))
                .append("data", new BsonDocument("livemigrate", new BsonString("cutover")).append("migrationId", new BsonString(migrationId)))
                .append("writeConcern", new BsonDocument("w", new BsonString("majority")));
        try {
            BsonDocument reply = source.run("admin", note);
            if (reply.isDocument("raw")) {
                BsonTimestamp latest = latest(reply, reply.getDocument("raw").values().stream().filter(BsonValue::isDocument)
                        .map(BsonValue::asDocument).toList());
                if (latest != null) {
                    return new CutPoint(latest, "appendOplogNote on every shard (mongos)", true);
                }
            } else if (reply.isTimestamp("operationTime")) {
                return new CutPoint(reply.getTimestamp("operationTime"), "appendOplogNote");
            }
        } catch (MongoException e) {
            rethrowTransient(e);
            LOG.info("appendOplogNote refused ({}); taking the newest write from hello", e.getMessage());
        }
        try {
            BsonDocument hello = hello(source);
            if (Topology.isMongos(hello)) {
                return eachShard(source, shards, note);
            }
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

    /** {@code hello}, or {@code isMaster} where {@code hello} is unknown (before 4.4.2). */
    private static BsonDocument hello(SourceClock.Commands source) {
        try {
            return source.run("admin", new BsonDocument("hello", new BsonInt32(1)));
        } catch (MongoCommandException e) {
            rethrowTransient(e);
            return source.run("admin", new BsonDocument("isMaster", new BsonInt32(1)));
        }
    }

    /** The no-op written on each shard directly: the latest of their operation times. */
    private static CutPoint eachShard(SourceClock.Commands mongos, Shards shards, BsonDocument note) {
        List<Topology.Shard> all = Topology.shards(mongos.run("admin", new BsonDocument("listShards", new BsonInt32(1))));
        List<BsonDocument> replies = new ArrayList<>();
        for (Topology.Shard shard : all) {
            BsonDocument reply;
            try {
                reply = shards.run(shard.host(), note);
            } catch (RuntimeException e) {
                throw shardFailed(shard, e.getMessage(), e);
            }
            if (!reply.isTimestamp("operationTime")) {
                throw shardFailed(shard, "its reply carries no operationTime", null);
            }
            replies.add(reply);
        }
        BsonTimestamp latest = latest(new BsonDocument(), replies);
        if (latest == null) {
            throw new MigrationException(ErrorCode.CUTOVER_FAILED, "the source's mongos lists no shard: nothing to take a cut point from."
                    + " Check the cluster with listShards, then cut over again");
        }
        return new CutPoint(latest, "appendOplogNote on each of " + all.size() + " shard(s), reached directly", true);
    }

    private static MigrationException shardFailed(Topology.Shard shard, String reason, Throwable cause) {
        return new MigrationException(ErrorCode.CUTOVER_FAILED, "could not take a cut point on shard " + shard.id() + " ("
                + shard.host() + "): " + reason + ". The source's mongos is older than 6.0, so the cutover writes a no-op on each"
                + " shard's primary directly: let the migration reach every member listShards names, with the source's user"
                + " (appendOplogNote, granted by backup), then cut over again", cause);
    }

    /** The latest {@code operationTime} of a mongos's reply and its shards' replies; {@code null} when none has one. */
    private static BsonTimestamp latest(BsonDocument reply, List<BsonDocument> shardReplies) {
        BsonTimestamp latest = reply.isTimestamp("operationTime") ? reply.getTimestamp("operationTime") : null;
        for (BsonDocument shard : shardReplies) {
            if (shard.isTimestamp("operationTime") && (latest == null || shard.getTimestamp("operationTime").compareTo(latest) > 0)) {
                latest = shard.getTimestamp("operationTime");
            }
        }
        return latest;
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
            if (!sharded && committedSince < 0 && System.nanoTime() >= nextClockRead) {
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
     * negative while that moment has not come. On a sharded source only the position counts.
     */
    boolean reachedBy(Collection<? extends StreamProgress> streams, long committedSinceNanos) {
        for (StreamProgress s : streams) {
            boolean read = s.position() != null && s.position().compareTo(time) >= 0;
            if (!read && !(!sharded && committedSinceNanos >= 0 && s.caughtUpSince(committedSinceNanos))) {
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
