package dev.livemigrate.core.sync;

import dev.livemigrate.Namespace;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;

/**
 * One change event, as read from a change stream and numbered by its stream.
 *
 * @param stream               the stream it came from
 * @param seq                  its position in that stream, from 0
 * @param resumeToken          the event's {@code _id}: resume after it to continue behind it
 * @param clusterTime          when the source applied it
 * @param operationType        {@code insert}, {@code update}, {@code replace}, {@code delete}, or a DDL type
 * @param ns                   the source namespace
 * @param renameTo             for {@code rename}: the new source namespace
 * @param documentKey          for document events: {@code _id} (and shard key) of the document
 * @param fullDocument         the document, for inserts and replaces, and updates with {@code updateLookup}
 * @param updateDescription    for updates: updated and removed fields, truncated arrays
 * @param operationDescription for DDL events with expanded events on: what the operation did
 */
public record ChangeEvent(String stream, long seq, BsonDocument resumeToken, BsonTimestamp clusterTime,
                          String operationType, Namespace ns, Namespace renameTo, BsonDocument documentKey,
                          RawBsonDocument fullDocument, BsonDocument updateDescription, BsonDocument operationDescription) {

    /**
     * Reads a raw change event.
     *
     * @param streamNamespace the namespace of a collection-level stream, whose events may carry no
     *                        {@code ns}; {@code null} for a cluster-wide stream
     * @param idOnlyKeys      take the key from {@code _id} alone: for servers whose update events carry a
     *                        malformed {@code documentKey}; never for a collection the source shards, whose
     *                        key carries the shard key
     */
    public static ChangeEvent parse(String stream, long seq, RawBsonDocument raw, Namespace streamNamespace, boolean idOnlyKeys) {
        String type = raw.getString("operationType").getValue();
        Namespace ns = raw.isDocument("ns") ? namespace(raw.getDocument("ns")) : streamNamespace;
        Namespace to = raw.isDocument("to") ? namespace(raw.getDocument("to")) : null;
        RawBsonDocument full = raw.isDocument("fullDocument") ? (RawBsonDocument) raw.getDocument("fullDocument") : null;
        BsonDocument key = raw.isDocument("documentKey") ? raw.getDocument("documentKey") : null;
        if (idOnlyKeys && key != null) {
            BsonValue id = "delete".equals(type) || full == null ? key.get("_id") : full.get("_id");
            key = id == null ? null : new BsonDocument("_id", id);
        }
        return new ChangeEvent(stream, seq, raw.getDocument("_id"),
                raw.isTimestamp("clusterTime") ? raw.getTimestamp("clusterTime") : null, type, ns, to, key, full,
                raw.isDocument("updateDescription") ? raw.getDocument("updateDescription") : null,
                raw.isDocument("operationDescription") ? raw.getDocument("operationDescription") : null);
    }

    private static Namespace namespace(BsonDocument ns) {
        return ns.isString("coll") ? new Namespace(ns.getString("db").getValue(), ns.getString("coll").getValue()) : null;
    }

    /** Whether the event changes one document (and so goes to a lane). */
    public boolean isDocumentEvent() {
        return switch (operationType) {
            case "insert", "update", "replace", "delete" -> true;
            default -> false;
        };
    }
}
