package dev.livemigrate.core;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoSocketReadException;
import com.mongodb.ServerAddress;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.MigrationProgress;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The run's retry budget on its own, with a clock that moves only when it "sleeps". */
class RetryBudgetTest {

    private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");
    private static final ServerAddress HOST = new ServerAddress("db1.example.net", 27017);

    private long nanos;
    private final List<Long> sleeps = new ArrayList<>();

    private RetryBudget budget(Duration budget) {
        return new RetryBudget(budget, Clock.fixed(T, ZoneOffset.UTC), () -> nanos, millis -> {
            sleeps.add(millis);
            nanos += TimeUnit.MILLISECONDS.toNanos(millis);
        });
    }

    @Test
    void transientErrorsAreRetriedWithGrowingBackoffAndShownWhileTheyLast() {
        RetryBudget retries = budget(Duration.ofMinutes(30));
        AtomicInteger calls = new AtomicInteger();
        List<Optional<MigrationProgress.Retrying>> seen = new ArrayList<>();

        String result = retries.run("applying 3 change(s)", () -> {
            seen.add(retries.current());
            if (calls.incrementAndGet() < 4) {
                throw new MongoSocketReadException("connection reset", HOST);
            }
            return "done";
        });

        assertThat(result).isEqualTo("done");
        assertThat(retries.retries()).isEqualTo(3);
        assertThat(seen.get(0)).isEmpty();
        assertThat(seen.get(3)).contains(new MigrationProgress.Retrying("applying 3 change(s)", "MongoSocketReadException", 4, T));
        assertThat(retries.current()).as("cleared once it succeeded").isEmpty();
        assertThat(sleeps).hasSize(3);
        assertThat(sleeps.get(0)).isBetween(100L, 200L);
        assertThat(sleeps.get(1)).isBetween(200L, 400L);
        assertThat(sleeps.get(2)).isBetween(400L, 800L);
    }

    @Test
    void anOutageLongerThanTheBudgetFailsWithItsCodeAndTheLastError() {
        RetryBudget retries = budget(Duration.ofMinutes(2));
        MongoNotPrimaryException noPrimary = new MongoNotPrimaryException(
                BsonDocument.parse("{ok: 0, code: 10107, codeName: 'NotWritablePrimary', errmsg: 'not primary'}"), HOST);

        assertThatThrownBy(() -> retries.run("copying partition 3 of shop.orders", () -> {
            throw noPrimary;
        })).isInstanceOfSatisfying(MigrationException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.RETRY_BUDGET_EXHAUSTED);
            assertThat(e.getCause()).isSameAs(noPrimary);
        }).hasMessageContaining("copying partition 3 of shop.orders failed for PT2M")
                .hasMessageContaining("resume the migration with the same id");
        assertThat(TimeUnit.NANOSECONDS.toSeconds(nanos)).as("gave up once two minutes had passed").isEqualTo(120);
        assertThat(sleeps).allSatisfy(s -> assertThat(s).isLessThanOrEqualTo(30_000L));
        assertThat(retries.current()).isEmpty();
    }

    @Test
    void theCodeShownIsTheServersCodeName() {
        RetryBudget retries = budget(Duration.ofMinutes(1));
        List<Optional<MigrationProgress.Retrying>> seen = new ArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        // an election: the reply MongoDB sends with the RetryableWriteError label (server error code 189)
        MongoCommandException steppedDown = new MongoCommandException(BsonDocument.parse(
                "{ok: 0, code: 189, codeName: 'PrimarySteppedDown', errmsg: 'primary stepped down', errorLabels: ['RetryableWriteError']}"), HOST);

        retries.run("applying 1 change(s)", () -> {
            seen.add(retries.current());
            if (calls.incrementAndGet() == 1) {
                throw steppedDown;
            }
        });

        assertThat(seen.get(1)).hasValueSatisfying(r -> assertThat(r.code()).isEqualTo("PrimarySteppedDown"));
    }

    @Test
    void aPermanentErrorFailsAtOnceAndAZeroBudgetRetriesNothing() {
        MongoCommandException unauthorized = new MongoCommandException(
                BsonDocument.parse("{ok: 0, code: 13, codeName: 'Unauthorized', errmsg: 'not authorized'}"), HOST);
        assertThatThrownBy(() -> budget(Duration.ofMinutes(30)).run("copying", () -> {
            throw unauthorized;
        })).isSameAs(unauthorized);

        RetryBudget none = budget(Duration.ZERO);
        assertThatThrownBy(() -> none.run("copying", () -> {
            throw new MongoSocketReadException("reset", HOST);
        })).isInstanceOfSatisfying(MigrationException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RETRY_BUDGET_EXHAUSTED));
        assertThat(sleeps).isEmpty();
        assertThat(none.retries()).isZero();
    }

    @Test
    void aStoppingRunWakesWorkThatWaitsToRetryAndItGivesUpWithInterrupted() throws Exception {
        RetryBudget retries = new RetryBudget(Duration.ofMinutes(30), Clock.systemUTC()); // the real wait
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<Throwable> ended = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                retries.run("applying 1 change(s)", () -> {
                    calls.incrementAndGet();
                    throw new MongoSocketReadException("connection reset", HOST);
                });
            } catch (RuntimeException e) {
                ended.set(e);
            }
        }, "worker");
        worker.start();
        await().atMost(Duration.ofMinutes(1)).until(() -> retries.current().map(r -> r.attempt() >= 6).orElse(false)); // waits of 3 s and more

        retries.wakeWaiting();

        await().atMost(Duration.ofSeconds(2)).until(() -> ended.get() != null); // not after the rest of the backoff
        assertThat(ended.get()).isInstanceOfSatisfying(MigrationException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INTERRUPTED))
                .hasMessage("[INTERRUPTED] applying 1 change(s) stopped waiting to retry: the run is stopping");
        int tried = calls.get();
        assertThat(retries.run("reading after a resume", () -> "fresh work is not affected")).isEqualTo("fresh work is not affected");
        assertThat(calls.get()).isEqualTo(tried);
    }
}
