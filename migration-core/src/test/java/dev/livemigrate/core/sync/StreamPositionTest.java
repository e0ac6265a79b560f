package dev.livemigrate.core.sync;

import dev.livemigrate.Namespace;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where each stream stands, as lag and checkpoints see it: positions from events and from the server's
 * {@code postBatchResumeToken}, lag taken from the slowest stream, a quiet stream's checkpoint moving on.
 */
class StreamPositionTest {

    private static final BsonTimestamp T0 = new BsonTimestamp(1_700_000_000, 1);

    /** A stream as lag sees it: where it has read to, and whether it came back empty since a moment. */
    private record Stream(BsonTimestamp position, boolean caughtUp) implements StreamProgress {
        @Override
        public boolean caughtUpSince(long nanos) {
            return caughtUp;
        }
    }

    @Test
    void readsTheClusterTimeOfAResumeToken() {
        // an insert event as MongoDB 7.0 reports it: "_id": {"_data": "8265FF3B3C0000000...0004"} with
        // "clusterTime": Timestamp(1711225660, 1) (KeyString: type byte 130, then the timestamp big-endian;
        // MongoDB manual, "Change Events" and "Resume Tokens")
        BsonDocument token = new BsonDocument("_data", new BsonString("8265FF3B3C000000012B022C0100296E5A1004392BF74A2CBC4D01B"
                + "169EC58D853A32746645F6964006465FF3B3AC3DFD5EF4FB1D2F70004"));

        assertThat(ResumeTokens.clusterTime(token)).isEqualTo(new BsonTimestamp(1711225660, 1));
    }

    @Test
    void aTokenInAnotherFormatHasNoClusterTime() {
        assertThat(ResumeTokens.clusterTime(null)).isNull();
        assertThat(ResumeTokens.clusterTime(new BsonDocument("_data", new BsonInt32(7)))).isNull();
        assertThat(ResumeTokens.clusterTime(new BsonDocument("_data", new BsonString("0165FF3B3C00000001")))).isNull();
        assertThat(ResumeTokens.clusterTime(new BsonDocument("_data", new BsonString("82ZZ")))).isNull();
        assertThat(ResumeTokens.clusterTime(new BsonDocument("_data", new BsonString("82XXXXXXXXXXXXXXXX")))).isNull();
    }

    @Test
    void aStalledStreamKeepsLagUpWhileTheOthersAreCaughtUp() {
        Checkpointer checkpointer = new Checkpointer();
        // another stream applied a change a second ago: everything in flight is applied
        ChangeEvent recent = event("orders", 0, new BsonTimestamp(T0.getTime() + 299, 1));
        checkpointer.dispatched(recent);
        checkpointer.applied(recent);
        LagMeter meter = new LagMeter(checkpointer, 0);
        BsonTimestamp now = new BsonTimestamp(T0.getTime() + 300, 1);

        meter.sample(List.of(new Stream(recent.clusterTime(), true), new Stream(T0, false)), now, 1, 1_000_000_000L);

        // the stream that has delivered nothing since T0 and has not come back empty is 300 s behind
        assertThat(meter.lag()).isEqualTo(Duration.ofSeconds(300));
    }

    @Test
    void lagIsZeroWhenEveryStreamCameBackEmptyAndEverythingIsApplied() {
        Checkpointer checkpointer = new Checkpointer();
        LagMeter meter = new LagMeter(checkpointer, 0);

        meter.sample(List.of(new Stream(T0, true), new Stream(T0, true)), new BsonTimestamp(T0.getTime() + 300, 1), 0, 1);

        assertThat(meter.lag()).isZero();
    }

    @Test
    void lagCountsTheOldestChangeReadButNotAppliedAndTheApplyRate() {
        Checkpointer checkpointer = new Checkpointer();
        ChangeEvent waiting = event("orders", 0, new BsonTimestamp(T0.getTime() + 10, 1));
        checkpointer.dispatched(waiting);
        LagMeter meter = new LagMeter(checkpointer, 0);

        meter.sample(List.of(new Stream(new BsonTimestamp(T0.getTime() + 40, 1), true)),
                new BsonTimestamp(T0.getTime() + 50, 1), 500, 2_000_000_000L);

        assertThat(meter.lag()).isEqualTo(Duration.ofSeconds(40));
        assertThat(meter.eventsPerSecond()).isEqualTo(250.0);
    }

    @Test
    void syncedThroughTrailsTheClockByTwoSamplesAndStaysBeforeAnythingUnapplied() {
        Checkpointer checkpointer = new Checkpointer();
        LagMeter meter = new LagMeter(checkpointer, 0);
        List<Stream> caughtUp = List.of(new Stream(T0, true));

        meter.sample(caughtUp, at(100), 0, 1);
        meter.sample(caughtUp, at(101), 0, 2);
        assertThat(meter.syncedThrough()).as("not before a clock read two samples ago").isNull();
        meter.sample(caughtUp, at(102), 0, 3);
        // a stream that came back empty since the last sample may have been asked before that sample's clock read
        assertThat(meter.syncedThrough()).isEqualTo(at(100));

        ChangeEvent waiting = event("orders", 0, new BsonTimestamp(T0.getTime() + 50, 7));
        checkpointer.dispatched(waiting);
        meter.sample(caughtUp, at(103), 0, 4);
        assertThat(meter.syncedThrough()).as("just before the oldest change not applied").isEqualTo(new BsonTimestamp(T0.getTime() + 50, 6));

        checkpointer.applied(waiting);
        meter.sample(List.of(new Stream(at(90), false)), at(104), 1, 5);
        assertThat(meter.syncedThrough()).as("just before a stream that has not come back empty")
                .isEqualTo(new BsonTimestamp(T0.getTime() + 89, -1));
    }

    private static BsonTimestamp at(int seconds) {
        return new BsonTimestamp(T0.getTime() + seconds, 0);
    }

    @Test
    void aQuietStreamsCheckpointMovesToTheServersResumePointOnceItsEventsAreApplied() {
        Checkpointer checkpointer = new Checkpointer();
        ChangeEvent first = event("cluster", 0, new BsonTimestamp(T0.getTime() + 1, 1));
        checkpointer.dispatched(first);
        Checkpointer.Position later = new Checkpointer.Position(new BsonDocument("_data", new BsonString("82...")),
                new BsonTimestamp(T0.getTime() + 3600, 1));

        checkpointer.quiet("cluster", later); // an event is still in flight: resuming after the token could skip it
        assertThat(checkpointer.lowWater()).doesNotContainKey("cluster");

        checkpointer.applied(first);
        checkpointer.quiet("cluster", later);
        assertThat(checkpointer.lowWater().get("cluster")).isEqualTo(later);

        checkpointer.quiet("cluster", new Checkpointer.Position(first.resumeToken(), first.clusterTime())); // never backwards
        assertThat(checkpointer.lowWater().get("cluster")).isEqualTo(later);
        assertThat(checkpointer.inFlight()).isZero();
    }

    private static ChangeEvent event(String stream, long seq, BsonTimestamp at) {
        return new ChangeEvent(stream, seq, new BsonDocument("_data", new BsonString("token-" + seq)), at, "insert",
                new Namespace("app", "orders"), null, new BsonDocument("_id", new BsonInt32((int) seq)), null, null, null);
    }
}
