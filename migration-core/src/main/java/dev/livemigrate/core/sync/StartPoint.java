package dev.livemigrate.core.sync;

import com.mongodb.client.ChangeStreamIterable;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;

/**
 * Where a change stream starts: at an operation time (every change at or after it), or after a resume
 * token (every change after that event).
 */
record StartPoint(BsonTimestamp operationTime, BsonDocument resumeAfter) {

    static StartPoint at(BsonTimestamp operationTime) {
        return new StartPoint(operationTime, null);
    }

    static StartPoint after(BsonDocument resumeToken) {
        return new StartPoint(null, resumeToken);
    }

    /** The operation time just after {@code t}: a stream from there misses nothing after {@code t}. */
    static StartPoint justAfter(BsonTimestamp t) {
        return at(new BsonTimestamp(t.getTime(), t.getInc() + 1));
    }

    void applyTo(ChangeStreamIterable<BsonDocument> stream) {
        if (resumeAfter != null) {
            stream.resumeAfter(resumeAfter);
        } else {
            stream.startAtOperationTime(operationTime);
        }
    }
}
