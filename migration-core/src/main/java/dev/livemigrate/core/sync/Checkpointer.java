package dev.livemigrate.core.sync;

import org.bson.BsonDocument;
import org.bson.BsonTimestamp;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tracks, per stream, the low-water mark: the newest event such that it and every event before it are
 * applied in every lane. Resuming after that event's token loses nothing; events after it may be applied
 * again, which replay tolerates.
 */
final class Checkpointer {

    /** A place in a stream. */
    record Position(BsonDocument resumeToken, BsonTimestamp clusterTime) {
    }

    private static final class StreamState {
        final TreeMap<Long, Object[]> inFlight = new TreeMap<>(); // seq -> {position, applied?}
        Position lowWater;
        BsonTimestamp oldestUnapplied;
    }

    private final Map<String, StreamState> streams = new HashMap<>();

    synchronized void dispatched(ChangeEvent e) {
        streams.computeIfAbsent(e.stream(), s -> new StreamState()).inFlight
                .put(e.seq(), new Object[] {new Position(e.resumeToken(), e.clusterTime()), Boolean.FALSE});
    }

    synchronized void applied(ChangeEvent e) {
        StreamState s = streams.get(e.stream());
        Object[] entry = s.inFlight.get(e.seq());
        entry[1] = Boolean.TRUE;
        while (!s.inFlight.isEmpty() && s.inFlight.firstEntry().getValue()[1] == Boolean.TRUE) {
            s.lowWater = (Position) s.inFlight.pollFirstEntry().getValue()[0];
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
        return streams.values().stream().mapToInt(s -> (int) s.inFlight.values().stream().filter(v -> v[1] == Boolean.FALSE).count()).sum();
    }

    /** The cluster time of the oldest event not applied yet, or {@code null} when all are applied. */
    synchronized BsonTimestamp oldestUnapplied() {
        BsonTimestamp oldest = null;
        for (StreamState s : streams.values()) {
            for (Object[] v : s.inFlight.values()) {
                BsonTimestamp t = ((Position) v[0]).clusterTime();
                if (v[1] == Boolean.FALSE && t != null && (oldest == null || t.compareTo(oldest) < 0)) {
                    oldest = t;
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
