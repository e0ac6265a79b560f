package dev.livemigrate.core.sync;

import dev.livemigrate.Namespace;
import dev.livemigrate.core.RunContext;
import org.bson.BsonTimestamp;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The change streams being read, by name ({@code cluster}, or a collection's full name), and where each
 * starts: an explicit point, else the stream's saved checkpoint (after its resume token, or at its time when it
 * was started again without one), else the migration's start point. A name
 * has at most one running reader.
 */
final class Readers {

    private final RunContext run;
    private final Checkpoints checkpoints;
    private final BsonTimestamp startAt;
    private final SyncTargets targets;
    private final ChangeReader.Owner owner;
    private final Map<String, ChangeReader> readers = new ConcurrentHashMap<>();
    private volatile Capabilities caps;
    private boolean closing;

    Readers(RunContext run, Checkpoints checkpoints, BsonTimestamp startAt, SyncTargets targets, ChangeReader.Owner owner) {
        this.run = run;
        this.checkpoints = checkpoints;
        this.startAt = startAt;
        this.targets = targets;
        this.owner = owner;
    }

    /** Streams are opened as these capabilities allow; call before the first {@link #start}. */
    void open(Capabilities capabilities) {
        this.caps = capabilities;
    }

    /** Starts reading a stream, unless it is read already or the readers are closing. */
    synchronized void start(String name, Namespace namespace, StartPoint from) {
        ChangeReader previous = readers.get(name);
        if (closing || (previous != null && !previous.stopped())) {
            return;
        }
        Checkpointer.Position saved = checkpoints.saved(name);
        StartPoint start = from != null ? from : saved == null ? StartPoint.at(startAt)
                : saved.resumeToken() != null ? StartPoint.after(saved.resumeToken()) : StartPoint.at(saved.clusterTime());
        BsonTimestamp position = from != null ? from.operationTime()
                : saved != null && saved.clusterTime() != null ? saved.clusterTime() : startAt;
        Capabilities c = caps;
        ChangeReader reader = new ChangeReader(name, namespace, new ChangeReader.Start(start, position,
                namespace != null && run.selection().sharding().sourceShards(namespace)),
                point -> c.open(run.source(), namespace, point, StreamFilter.of(run.spec().includes())), owner);
        readers.put(name, reader);
        reader.start();
    }

    /**
     * Makes sure a collection-level stream reads a followed collection: from {@code from} when given, else
     * after its last drop, if it had one.
     */
    void follow(Namespace ns, BsonTimestamp from) {
        ChangeReader reader = readers.get(ns.fullName());
        if (reader == null || reader.stopped()) {
            BsonTimestamp dropped = targets.droppedAt(ns);
            start(ns.fullName(), ns, from != null ? StartPoint.at(from) : dropped != null ? StartPoint.justAfter(dropped)
                    : reader == null ? null : StartPoint.at(startAt));
        }
    }

    /**
     * A collection-level stream that read its collection's drop or rename has nothing more; a renamed collection
     * that is followed is read under its new name from just after the rename.
     */
    void ended(ChangeReader reader, ChangeEvent e) {
        reader.stop();
        if (e.renameTo() != null && targets.get(e.renameTo()) != null) {
            start(e.renameTo().fullName(), e.renameTo(), StartPoint.justAfter(e.clusterTime()));
        }
    }

    void stop(String name) {
        ChangeReader reader = readers.get(name);
        if (reader != null) {
            reader.stop();
        }
    }

    Collection<ChangeReader> all() {
        return readers.values();
    }

    /** Starts no more readers and waits for the running ones to end. */
    void closeAll() {
        synchronized (this) {
            closing = true;
        }
        readers.values().forEach(ChangeReader::join);
    }
}
