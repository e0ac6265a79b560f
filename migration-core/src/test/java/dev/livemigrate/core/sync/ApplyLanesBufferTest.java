package dev.livemigrate.core.sync;

import dev.livemigrate.Namespace;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The apply lanes hold at most their byte allowance of events, however few events that is. */
@Timeout(60)
class ApplyLanesBufferTest {

    private static final int DOCUMENT_BYTES = 40 * 1024;

    @Test
    void theReaderWaitsOnceTheLanesHoldTheirBytes() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Long> applied = new CopyOnWriteArrayList<>();
        try (ApplyLanes lanes = lanes(100 * 1024, batch -> {
            awaitQuietly(release);
            batch.forEach(e -> applied.add(e.seq()));
        })) {
            AtomicInteger dispatched = new AtomicInteger();
            Thread reader = new Thread(() -> {
                try {
                    for (int i = 0; i < 5; i++) {
                        lanes.dispatch(event(i, DOCUMENT_BYTES));
                        dispatched.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            reader.start();

            // two events of about 40 KiB fit in 100 KiB, a third does not: the reader waits, far below 1,000 events
            await().atMost(Duration.ofSeconds(30)).until(() -> dispatched.get() == 2 && reader.getState() == Thread.State.TIMED_WAITING);
            assertThat(lanes.bufferedKib()).isBetween(80, 100);
            release.countDown();
            reader.join(30_000);

            assertThat(dispatched.get()).isEqualTo(5);
            await().atMost(Duration.ofSeconds(30)).until(() -> applied.size() == 5);
            await().atMost(Duration.ofSeconds(30)).until(() -> lanes.bufferedKib() == 0);
        }
    }

    @Test
    void anEventLargerThanTheAllowancePassesAlone() throws Exception {
        List<Long> applied = new CopyOnWriteArrayList<>();
        try (ApplyLanes lanes = lanes(1024 * 1024, batch -> batch.forEach(e -> applied.add(e.seq())))) {
            lanes.dispatch(event(1, 3 * 1024 * 1024));
            lanes.dispatch(event(2, 10));
            lanes.drain();

            assertThat(applied).containsExactlyInAnyOrder(1L, 2L);
            assertThat(lanes.bufferedKib()).isZero();
        }
    }

    private static ApplyLanes lanes(long bufferBytes, Consumer<List<ChangeEvent>> applier) {
        return new ApplyLanes(new ApplyLanes.Shape("buffer-test", 2, 1000, bufferBytes), applier, ns -> false,
                new Checkpointer(), t -> { });
    }

    private static ChangeEvent event(int id, int bytes) {
        BsonDocument doc = new BsonDocument("_id", new BsonInt32(id)).append("pad", new BsonString("x".repeat(bytes)));
        return new ChangeEvent("s", id, new BsonDocument("_data", new BsonString("t" + id)), new BsonTimestamp(1_700_000_000, id),
                "insert", new Namespace("app", "big"), null, new BsonDocument("_id", new BsonInt32(id)),
                new RawBsonDocument(doc, new BsonDocumentCodec()), null, null);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
