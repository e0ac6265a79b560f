package dev.livemigrate.core.sync;

import org.bson.BsonDocument;
import org.bson.BsonTimestamp;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tracks, per stream, the low-water mark: the newest event such that it and every event before it are
 * applied in every lane. Resuming after that event's token loses nothing; events after it may be applied
 * again, which replay tolerates. A stream with nothing in flight that the server says has read further
 * ({@link #quiet}) moves its mark there too, so a quiet stream's checkpoint keeps up with the source.
 */
final class Checkpointer {

    /** A place in a stream. */
    record Position(BsonDocument resumeToken, BsonTimestamp clusterTime) {
    }

    private static final class StreamState {
        final TreeMap<Long, Object[]> inFlight = new TreeMap<>(); // seq -> {position, applied?}
        Position lowWater;
    }

    private final Map<String, StreamState> streams = new HashMap<>();
    /** Events dispatched and not applied yet, over all streams. */
    private int unapplied;

    synchronized void dispatched(ChangeEvent e) {
        streams.computeIfAbsent(e.stream(), s -> new StreamState()).inFlight
                .put(e.seq(), new Object[] {new Position(e.resumeToken(), e.clusterTime()), Boolean.FALSE});
        unapplied++;
    }

    /** An event read and passed over (not followed, or nothing to apply): done at once. */
    synchronized void skipped(ChangeEvent e) {
        dispatched(e);
        applied(e);
    }

    synchronized void applied(ChangeEvent e) {
        StreamState s = streams.get(e.stream());
        Object[] entry = s == null ? null : s.inFlight.get(e.seq());
        if (entry == null) {
            return; // a stream forgotten since
        }
        if (entry[1] == Boolean.FALSE) {
            entry[1] = Boolean.TRUE;
            unapplied--;
        }
        while (!s.inFlight.isEmpty() && s.inFlight.firstEntry().getValue()[1] == Boolean.TRUE) {
            s.lowWater = (Position) s.inFlight.pollFirstEntry().getValue()[0];
        }
    }

    /**
     * The stream has read up to {@code position} (its {@code postBatchResumeToken}) and returned no event
     * after the last one dispatched: when all of those are applied, that is the stream's mark.
     */
    synchronized void quiet(String stream, Position position) {
        StreamState s = streams.computeIfAbsent(stream, n -> new StreamState());
        if (s.inFlight.isEmpty() && (s.lowWater == null || s.lowWater.clusterTime() == null
                || position.clusterTime().compareTo(s.lowWater.clusterTime()) > 0)) {
            s.lowWater = position;
        }
    }

    /** Forgets a stream that ended (its collection is gone); none of its events may be in flight. */
    synchronized void forget(String stream) {
        StreamState s = streams.remove(stream);
        if (s != null) {
            unapplied -= (int) s.inFlight.values().stream().filter(v -> v[1] == Boolean.FALSE).count();
        }
    }

    /** The low-water mark of every stream that applied something. */
    synchronized Map<String, Position> lowWater() {
        Map<String, Position> marks = new HashMap<>();
        streams.forEach((name, s) -> {
            if (s.lowWater != null) {
                marks.put(name, s.lowWater);
            }
        });
        return marks;
    }

    /** Events dispatched but not applied yet, over all streams. */
    synchronized int inFlight() {
        return unapplied;
    }

    /** The cluster time of the oldest event not applied yet, or {@code null} when all are applied. */
    synchronized BsonTimestamp oldestUnapplied() {
        BsonTimestamp oldest = null;
        for (StreamState s : streams.values()) {
            for (Object[] v : s.inFlight.values()) { // in stream order: the first unapplied one is the stream's oldest
                BsonTimestamp t = ((Position) v[0]).clusterTime();
                if (v[1] == Boolean.FALSE && t != null) {
                    if (oldest == null || t.compareTo(oldest) < 0) {
                        oldest = t;
                    }
                    break;
                }
            }
        }
        return oldest;
    }

    /** The newest applied cluster time over all streams. */
    synchronized BsonTimestamp newestApplied() {
        BsonTimestamp newest = null;
        for (StreamState s : streams.values()) {
            if (s.lowWater != null && s.lowWater.clusterTime() != null
                    && (newest == null || s.lowWater.clusterTime().compareTo(newest) > 0)) {
                newest = s.lowWater.clusterTime();
            }
        }
        return newest;
    }
}
