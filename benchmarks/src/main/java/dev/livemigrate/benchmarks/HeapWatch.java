package dev.livemigrate.benchmarks;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The heap of this JVM over a run: the sum of the heap pools' peak usages (what each pool held at its
 * fullest; the pools peak at different moments, so the sum is an upper bound), and, from every
 * collection's notification, the most the heap held just before a collection, just after one, and just
 * after a full collection (the live data, where there was one: after a young collection the old
 * generation still holds whatever died there since the last marking). Collections, full ones and their
 * pause time are counted too.
 */
final class HeapWatch {

    private final Set<String> heapPools = new HashSet<>();
    private final AtomicLong maxBeforeGc = new AtomicLong();
    private final AtomicLong maxAfterGc = new AtomicLong();
    private final AtomicLong maxAfterFullGc = new AtomicLong();
    private final AtomicLong fullCollections = new AtomicLong();
    private final AtomicLong collections = new AtomicLong();
    private final AtomicLong gcMillis = new AtomicLong();

    private HeapWatch() {
    }

    /** Starts listening to this JVM's garbage collectors. */
    static HeapWatch start() {
        HeapWatch watch = new HeapWatch();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                watch.heapPools.add(pool.getName());
                pool.resetPeakUsage();
            }
        }
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
                if (notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                    GarbageCollectionNotificationInfo done = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                    watch.collected(done.getGcInfo(), done.getGcAction().contains("major"));
                }
            }, null, null);
        }
        return watch;
    }

    private void collected(GcInfo info, boolean full) {
        maxBeforeGc.accumulateAndGet(heapUsed(info.getMemoryUsageBeforeGc()), Math::max);
        long after = heapUsed(info.getMemoryUsageAfterGc());
        maxAfterGc.accumulateAndGet(after, Math::max);
        if (full) {
            maxAfterFullGc.accumulateAndGet(after, Math::max);
            fullCollections.incrementAndGet();
        }
        collections.incrementAndGet();
        gcMillis.addAndGet(info.getDuration());
    }

    private long heapUsed(Map<String, MemoryUsage> byPool) {
        long used = 0;
        for (Map.Entry<String, MemoryUsage> e : byPool.entrySet()) {
            if (heapPools.contains(e.getKey())) {
                used += e.getValue().getUsed();
            }
        }
        return used;
    }

    /** The sum of every heap pool's peak usage since the start. */
    long poolPeaks() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    long maxBeforeGc() {
        return maxBeforeGc.get();
    }

    long maxAfterGc() {
        return maxAfterGc.get();
    }

    /** The most the heap held after a full collection; 0 when there was none. */
    long maxAfterFullGc() {
        return maxAfterFullGc.get();
    }

    long fullCollections() {
        return fullCollections.get();
    }

    long collections() {
        return collections.get();
    }

    long gcMillis() {
        return gcMillis.get();
    }
}
