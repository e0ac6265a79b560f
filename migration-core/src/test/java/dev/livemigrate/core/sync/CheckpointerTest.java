package dev.livemigrate.core.sync;

import dev.livemigrate.Namespace;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonTimestamp;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The low-water mark on its own: lanes finish events out of order, and the checkpoint of a stream only moves
 * past an event once it and every event before it in that stream are applied.
 */
class CheckpointerTest {

    private static final Namespace NS = Namespace.parse("shop.orders");

    private final Checkpointer checkpointer = new Checkpointer();

    @Test
    void theMarkStaysBehindTheOldestEventNotAppliedWhenLanesFinishOutOfOrder() {
        ChangeEvent e0 = event("a", 0, 100);
        ChangeEvent e1 = event("a", 1, 101);
        ChangeEvent e2 = event("a", 2, 102);
        ChangeEvent e3 = event("a", 3, 103);
        for (ChangeEvent e : new ChangeEvent[] {e0, e1, e2, e3}) {
            checkpointer.dispatched(e);
        }
        assertThat(checkpointer.inFlight()).isEqualTo(4);
        assertThat(checkpointer.lowWater()).isEmpty();
        assertThat(checkpointer.oldestUnapplied()).isEqualTo(time(100));

        checkpointer.applied(e2); // another lane was faster
        checkpointer.applied(e1);
        assertThat(checkpointer.lowWater()).as("e0 is not applied: nothing is safe to skip").isEmpty();
        assertThat(checkpointer.inFlight()).isEqualTo(2);
        assertThat(checkpointer.oldestUnapplied()).isEqualTo(time(100));
        assertThat(checkpointer.newestApplied()).isNull();

        checkpointer.applied(e0);
        assertThat(checkpointer.lowWater()).isEqualTo(Map.of("a", position(e2)));
        assertThat(checkpointer.oldestUnapplied()).isEqualTo(time(103));
        assertThat(checkpointer.newestApplied()).isEqualTo(time(102));

        checkpointer.applied(e3);
        assertThat(checkpointer.lowWater()).isEqualTo(Map.of("a", position(e3)));
        assertThat(checkpointer.inFlight()).isZero();
        assertThat(checkpointer.oldestUnapplied()).isNull();
    }

    @Test
    void eachStreamHasItsOwnMark() {
        ChangeEvent a0 = event("a", 0, 200);
        ChangeEvent a1 = event("a", 1, 205);
        ChangeEvent b0 = event("b", 0, 201);
        ChangeEvent b1 = event("b", 1, 203);
        for (ChangeEvent e : new ChangeEvent[] {a0, a1, b0, b1}) {
            checkpointer.dispatched(e);
        }

        checkpointer.applied(a0);
        checkpointer.applied(b1);

        assertThat(checkpointer.lowWater()).isEqualTo(Map.of("a", position(a0)));
        assertThat(checkpointer.oldestUnapplied()).as("b0 is the oldest over both streams").isEqualTo(time(201));
        assertThat(checkpointer.inFlight()).isEqualTo(2);

        checkpointer.applied(b0);
        assertThat(checkpointer.lowWater()).isEqualTo(Map.of("a", position(a0), "b", position(b1)));
        assertThat(checkpointer.oldestUnapplied()).isEqualTo(time(205));
        assertThat(checkpointer.newestApplied()).isEqualTo(time(203));
    }

    private static ChangeEvent event(String stream, long seq, int seconds) {
        BsonDocument token = new BsonDocument("_data", new BsonInt64(seconds * 1000L + seq));
        return new ChangeEvent(stream, seq, token, time(seconds), "insert", NS, null,
                new BsonDocument("_id", new BsonInt32((int) seq)), null, null, null);
    }

    private static Checkpointer.Position position(ChangeEvent e) {
        return new Checkpointer.Position(e.resumeToken(), e.clusterTime());
    }

    private static BsonTimestamp time(int seconds) {
        return new BsonTimestamp(seconds, 1);
    }
}
