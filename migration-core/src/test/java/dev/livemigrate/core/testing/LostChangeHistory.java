package dev.livemigrate.core.testing;

import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link WireProxy} handler in front of a source that, once armed, answers the resumption (after a resume token)
 * of the change stream on one collection as a server whose oplog no longer holds the resume point: with the
 * {@code ChangeStreamHistoryLost} error (code 286, named in MongoDB's src/mongo/base/error_codes.yml) in the
 * server's command error reply shape {@code {ok: 0, errmsg, code, codeName}}. Streams started at an operation time
 * (a new start point) pass.
 */
public final class LostChangeHistory implements WireProxy.Handler {

    private final BsonValue collection;
    private final AtomicBoolean armed = new AtomicBoolean();

    public LostChangeHistory(String collection) {
        this.collection = new BsonString(collection);
    }

    /** From now on, resuming the collection's stream fails. */
    public void arm() {
        armed.set(true);
    }

    @Override
    public byte[] reply(WireProxy.Command command, WireProxy.Upstream upstream) throws IOException {
        if (armed.get() && isResumption(command, collection)) {
            return WireProxy.bytes(BsonDocument.parse("{ok: 0.0, errmsg: 'Resume of change stream was not possible, as the"
                    + " resume point may no longer be in the oplog.', code: 286, codeName: 'ChangeStreamHistoryLost'}"));
        }
        return upstream.forward();
    }

    /** Whether the command opens the collection's change stream after a resume token. */
    public static boolean isResumption(WireProxy.Command command, BsonValue collection) {
        return command.name().equals("aggregate") && collection.equals(command.body().get("aggregate"))
                && command.body().getArray("pipeline").get(0).asDocument().getDocument("$changeStream", new BsonDocument())
                .containsKey("resumeAfter");
    }
}
