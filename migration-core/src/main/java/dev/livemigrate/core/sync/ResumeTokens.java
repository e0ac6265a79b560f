package dev.livemigrate.core.sync;

import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;

import java.util.HexFormat;

/**
 * Reads the cluster time a resume token stands for. Since MongoDB 4.0.7 a token's {@code _data} is a
 * hex string holding a KeyString whose first value is the event's cluster time: the type byte 130
 * (Timestamp) and the timestamp's 8 bytes, big-endian (MongoDB's manual, "Resume Tokens"; the same
 * decoding as the MongoDB Kafka connector's {@code ResumeTokenUtils}). This is how a quiet stream's
 * {@code postBatchResumeToken} tells how far the stream has read although it returned no event.
 */
final class ResumeTokens {

    private static final int TIMESTAMP_TYPE = 130;

    private ResumeTokens() {
    }

    /** The cluster time of a resume token, or {@code null} when the token is not in that format. */
    static BsonTimestamp clusterTime(BsonDocument token) {
        BsonValue data = token == null ? null : token.get("_data");
        if (data == null || !data.isString()) {
            return null;
        }
        String hex = data.asString().getValue();
        if (hex.length() < 18) {
            return null;
        }
        try {
            if (Integer.parseInt(hex.substring(0, 2), 16) != TIMESTAMP_TYPE) {
                return null;
            }
            return new BsonTimestamp(HexFormat.fromHexDigitsToLong(hex.substring(2, 18)));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
