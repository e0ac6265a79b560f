package dev.livemigrate.core.sync;

import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.core.Retries;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Reads the source's majority commit point: the point change capture starts from, and "now" for lag.
 *
 * <p>It must be the majority commit point, not the newest operation a member applied: copy reads use
 * {@code readConcern: majority}, whose snapshot may trail the newest operation; a write between the two
 * would be in neither the copy's snapshot nor the changes replayed after the start point. In order:
 * <ol>
 *   <li>{@code replSetGetStatus}'s {@code optimes.lastCommittedOpTime.ts} (a replica set member);</li>
 *   <li>the {@code operationTime} of a read with {@code readConcern: majority}, which a replica set
 *       member answers with its majority-committed snapshot's time (mongos, or a user without
 *       {@code clusterMonitor});</li>
 *   <li>the newest entry of {@code local.oplog.rs} (a server that keeps an oplog but reports no
 *       operation time, such as the embedded test server).</li>
 * </ol>
 * A server that answers none of them is a standalone, whose changes cannot be followed.
 */
public final class SourceClock {

    private static final Logger LOG = LoggerFactory.getLogger(SourceClock.class);

    /** Runs a command on a database of the source and returns its reply, or throws the driver's error. */
    @FunctionalInterface
    interface Commands {
        BsonDocument run(String database, BsonDocument command);
    }

    /** The step that answered a client last time: a source's kind does not change, so the others are not sent again. */
    private static final Map<MongoClient, Step> ANSWERED = Collections.synchronizedMap(new WeakHashMap<>());

    private SourceClock() {
    }

    /**
     * The source's majority commit point.
     *
     * @throws MigrationException {@link ErrorCode#SOURCE_HAS_NO_CHANGE_HISTORY} for a standalone server
     */
    public static BsonTimestamp now(MongoClient source) {
        Commands commands = (database, command) -> source.getDatabase(database).runCommand(command, BsonDocument.class);
        Step known = ANSWERED.get(source);
        BsonTimestamp t = known == null ? null : known.read(commands);
        if (t != null) {
            return t;
        }
        for (Step step : Step.values()) {
            t = step.read(commands);
            if (t != null) {
                ANSWERED.put(source, step);
                return t;
            }
        }
        throw noHistory(null);
    }

    static BsonTimestamp now(Commands source) {
        for (Step step : Step.values()) {
            BsonTimestamp t = step.read(source);
            if (t != null) {
                return t;
            }
        }
        throw noHistory(null);
    }

    /** The ways to read the time, in order of preference; each gives {@code null} when the source does not answer it. */
    private enum Step {
        COMMIT_POINT {
            @Override
            BsonTimestamp read(Commands source) {
                try {
                    BsonDocument status = source.run("admin", new BsonDocument("replSetGetStatus", new BsonInt32(1)));
                    BsonDocument committed = status.getDocument("optimes", new BsonDocument())
                            .getDocument("lastCommittedOpTime", new BsonDocument());
                    return committed.isTimestamp("ts") && committed.getTimestamp("ts").getTime() > 0 ? committed.getTimestamp("ts") : null;
                } catch (MongoException e) {
                    rethrowTransient(e);
                    LOG.debug("replSetGetStatus refused ({}); taking the time of a majority read", e.getMessage());
                    return null;
                }
            }
        },
        MAJORITY_READ {
            @Override
            BsonTimestamp read(Commands source) {
                try {
                    // a collection that need not exist: the reply's operationTime is what counts
                    BsonDocument reply = source.run("admin", new BsonDocument("find", new BsonString("livemigrate_clock"))
                            .append("limit", new BsonInt32(1)).append("singleBatch", BsonBoolean.TRUE)
                            .append("readConcern", new BsonDocument("level", new BsonString("majority"))));
                    return reply.isTimestamp("operationTime") ? reply.getTimestamp("operationTime") : null;
                } catch (MongoException e) {
                    rethrowTransient(e);
                    LOG.debug("a majority read was refused ({}); reading the oplog", e.getMessage());
                    return null;
                }
            }
        },
        OPLOG {
            @Override
            BsonTimestamp read(Commands source) {
                try {
                    BsonDocument reply = source.run("local", new BsonDocument("find", new BsonString("oplog.rs"))
                            .append("sort", new BsonDocument("$natural", new BsonInt32(-1)))
                            .append("limit", new BsonInt32(1)).append("singleBatch", BsonBoolean.TRUE));
                    BsonArray batch = reply.getDocument("cursor", new BsonDocument()).getArray("firstBatch", new BsonArray());
                    return !batch.isEmpty() && batch.get(0).asDocument().isTimestamp("ts") ? batch.get(0).asDocument().getTimestamp("ts") : null;
                } catch (MongoException e) {
                    rethrowTransient(e);
                    throw noHistory(e);
                }
            }
        };

        abstract BsonTimestamp read(Commands source);
    }

    /** A network error or an election says nothing about the source's kind: the caller retries. */
    private static void rethrowTransient(MongoException e) {
        if (Retries.isTransient(e)) {
            throw e;
        }
    }

    private static MigrationException noHistory(Throwable cause) {
        return new MigrationException(ErrorCode.SOURCE_HAS_NO_CHANGE_HISTORY,
                "the source reports no operation time and has no oplog: it is a standalone server, whose changes"
                        + " cannot be followed. Convert it to a single-node replica set, or set continuousSync(false)"
                        + " for a one-time copy while nothing writes to it", cause);
    }
}
