package dev.livemigrate.core.sync;

import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonTimestamp;

/** Reads the source's current operation time: the point change capture starts from. */
public final class SourceClock {

    private SourceClock() {
    }

    /**
     * The newest operation time of the source: the {@code operationTime} a replica set or mongos puts in
     * every reply, else the newest entry of {@code local.oplog.rs}.
     *
     * @throws MigrationException {@link ErrorCode#SOURCE_HAS_NO_CHANGE_HISTORY} for a standalone server
     */
    public static BsonTimestamp now(MongoClient source) {
        BsonDocument reply = source.getDatabase("admin").runCommand(new BsonDocument("ping", new BsonInt32(1)), BsonDocument.class);
        if (reply.isTimestamp("operationTime")) {
            return reply.getTimestamp("operationTime");
        }
        try {
            BsonDocument newest = source.getDatabase("local").getCollection("oplog.rs", BsonDocument.class).find()
                    .sort(new BsonDocument("$natural", new BsonInt32(-1))).limit(1).first();
            if (newest != null && newest.isTimestamp("ts")) {
                return newest.getTimestamp("ts");
            }
        } catch (MongoException e) {
            throw noHistory(e);
        }
        throw noHistory(null);
    }

    private static MigrationException noHistory(Throwable cause) {
        return new MigrationException(ErrorCode.SOURCE_HAS_NO_CHANGE_HISTORY,
                "the source reports no operation time and has no oplog: it is a standalone server, whose changes"
                        + " cannot be followed. Convert it to a single-node replica set, or set continuousSync(false)"
                        + " for a one-time copy while nothing writes to it", cause);
    }
}
