package dev.livemigrate.core.sync;

import dev.livemigrate.Namespace;
import dev.livemigrate.core.Threads;
import org.bson.BsonDocument;
import org.bson.RawBsonDocument;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.zip.CRC32C;

/**
 * Applies document events in parallel lanes. An event goes to the lane picked by a hash of its
 * namespace and its {@code _id} as MongoDB compares it ({@link CanonicalId}: int 1, long 1 and double 1.0
 * are one document; the shard key plays no part), so one document's events stay in order in one lane,
 * while different documents are applied in parallel. The events of a namespace that must be applied in
 * order as a whole (a collection with a non-simple default collation, see {@link CollatedCollections})
 * all go to the lane of the namespace. Each lane takes what has queued up (up to {@link #MAX_BATCH}
 * events) and applies it as one batch. Lanes are bounded in events (per lane) and in bytes (all lanes
 * together, {@link Shape#bufferBytes}, counted by {@link #bytesOf}): a full lane, or lanes holding the bytes
 * allowed, block the stream reader, which stops reading (back-pressure), so memory stays bounded whatever the
 * documents' sizes. An event larger than the whole allowance waits until the lanes are empty and passes alone.
 */
final class ApplyLanes implements AutoCloseable {

    static final int MAX_BATCH = 1000;
    private static final Object STOP = new Object();

    /** Passed through a lane to learn that everything queued before it is applied. */
    private record Fence(CountDownLatch passed) {
    }

    private final List<BlockingQueue<Object>> queues = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Consumer<List<ChangeEvent>> applier;
    private final Predicate<Namespace> byNamespace;
    private final Checkpointer checkpointer;
    private final Consumer<Throwable> onFailure;
    /** Kibibytes the queued and applying events may still take. */
    private final Semaphore buffer;
    private final int bufferKib;
    private volatile boolean failed;

    /**
     * How many lanes, each holding how many events, and how many bytes of events all lanes hold at most.
     *
     * @param name names the lanes' threads
     */
    record Shape(String name, int lanes, int queueCapacity, long bufferBytes) {
    }

    /**
     * @param applier     applies one lane's batch in order; called from the lane's thread
     * @param byNamespace the namespaces whose events are routed by namespace alone (one lane each); asked
     *                    from the dispatching thread, and must answer the same for a namespace until the
     *                    lanes have drained
     * @param onFailure   told once when a batch fails; the lanes then stop applying
     */
    ApplyLanes(Shape shape, Consumer<List<ChangeEvent>> applier, Predicate<Namespace> byNamespace, Checkpointer checkpointer,
               Consumer<Throwable> onFailure) {
        this.applier = applier;
        this.byNamespace = byNamespace;
        this.checkpointer = checkpointer;
        this.onFailure = onFailure;
        this.bufferKib = (int) Math.min(Integer.MAX_VALUE, Math.max(1, shape.bufferBytes() / 1024));
        this.buffer = new Semaphore(bufferKib, true);
        for (int i = 0; i < shape.lanes(); i++) {
            BlockingQueue<Object> queue = new ArrayBlockingQueue<>(shape.queueCapacity());
            queues.add(queue);
            Thread t = Threads.daemon(shape.name() + "-lane-" + i, () -> run(queue));
            threads.add(t);
            t.start();
        }
    }

    /**
     * The lane of a document event: a hash of the namespace and, unless {@code byNamespace}, of the
     * canonical {@code _id} (a key without {@code _id} goes by namespace).
     */
    static int laneOf(ChangeEvent e, boolean byNamespace, int lanes) {
        CRC32C crc = new CRC32C();
        crc.update(e.ns().fullName().getBytes(StandardCharsets.UTF_8));
        CanonicalId id = byNamespace ? null : CanonicalId.ofKey(e.documentKey());
        if (id != null) {
            id.hashInto(crc);
        }
        return (int) (crc.getValue() % lanes);
    }

    /** Queues a document event in its lane; blocks while the lane is full. */
    void dispatch(ChangeEvent e) throws InterruptedException {
        checkpointer.dispatched(e);
        if (e.documentKey() == null) { // nothing to apply (an update of a document already gone)
            checkpointer.applied(e);
            return;
        }
        BlockingQueue<Object> queue = queues.get(laneOf(e, byNamespace.test(e.ns()), queues.size()));
        int kib = kibOf(e);
        while (!buffer.tryAcquire(kib, 100, TimeUnit.MILLISECONDS)) {
            if (failed) {
                throw new InterruptedException("apply lanes failed");
            }
        }
        while (!queue.offer(e, 100, TimeUnit.MILLISECONDS)) {
            if (failed) {
                buffer.release(kib);
                throw new InterruptedException("apply lanes failed");
            }
        }
    }

    /** The bytes an event holds while it waits: its documents and descriptions, and a little for the rest. */
    static long bytesOf(ChangeEvent e) {
        return 256 + rawSize(e.fullDocument()) + rawSize(e.documentKey()) + rawSize(e.updateDescription());
    }

    private static long rawSize(BsonDocument d) {
        if (d == null) {
            return 0;
        }
        return d instanceof RawBsonDocument raw ? raw.getByteBuffer().remaining() : 64L * d.size();
    }

    private int kibOf(ChangeEvent e) {
        return (int) Math.min(bufferKib, (bytesOf(e) + 1023) / 1024);
    }

    /** Kibibytes of events queued or being applied now. */
    int bufferedKib() {
        return bufferKib - buffer.availablePermits();
    }

    /** Waits until every event dispatched so far is applied (a barrier before DDL). */
    void drain() throws InterruptedException {
        CountDownLatch passed = new CountDownLatch(queues.size());
        Fence fence = new Fence(passed);
        for (BlockingQueue<Object> q : queues) {
            q.put(fence);
        }
        while (!passed.await(100, TimeUnit.MILLISECONDS)) {
            if (failed) {
                throw new InterruptedException("apply lanes failed");
            }
        }
    }

    private void run(BlockingQueue<Object> queue) {
        List<Object> taken = new ArrayList<>();
        List<ChangeEvent> batch = new ArrayList<>();
        try {
            while (true) {
                taken.clear();
                taken.add(queue.take());
                queue.drainTo(taken, MAX_BATCH - 1);
                for (Object item : taken) {
                    if (item == STOP) {
                        flush(batch);
                        return;
                    }
                    if (item instanceof Fence f) {
                        flush(batch);
                        f.passed().countDown();
                    } else {
                        batch.add((ChangeEvent) item);
                    }
                }
                flush(batch);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failed = true;
            onFailure.accept(t);
        }
    }

    private void flush(List<ChangeEvent> batch) {
        if (batch.isEmpty() || failed) {
            batch.forEach(e -> buffer.release(kibOf(e)));
            batch.clear();
            return;
        }
        try {
            applier.accept(batch);
            batch.forEach(checkpointer::applied);
        } finally {
            int kib = 0;
            for (ChangeEvent e : batch) {
                kib += kibOf(e);
            }
            buffer.release(kib);
            batch.clear();
        }
    }

    /** Stops the lanes after what is queued; waits for them. */
    @Override
    public void close() {
        for (BlockingQueue<Object> q : queues) {
            if (!q.offer(STOP)) {
                threads.get(queues.indexOf(q)).interrupt();
            }
        }
        for (Thread t : threads) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(30));
                if (t.isAlive()) {
                    t.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
