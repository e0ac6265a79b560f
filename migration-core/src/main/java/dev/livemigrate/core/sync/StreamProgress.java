package dev.livemigrate.core.sync;

import org.bson.BsonTimestamp;

/** How far one change stream has read, as lag and the cutover drain see it. */
interface StreamProgress {

    /**
     * The cluster time the stream has read up to: its last event, the server's resume point after an
     * empty batch, or where it started.
     */
    BsonTimestamp position();

    /**
     * Whether the stream has come back empty (or ended) after {@code nanos} ({@link System#nanoTime()}):
     * it then holds nothing the server had majority-committed at that moment.
     */
    boolean caughtUpSince(long nanos);
}
