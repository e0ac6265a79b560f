package dev.livemigrate.validation;

import com.google.auto.service.AutoService;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import dev.livemigrate.Namespace;
import dev.livemigrate.ValidationFinding;
import dev.livemigrate.spi.ValidationContext;
import dev.livemigrate.spi.Validator;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonTimestamp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * The source's change history against the time the copy will take: changes made during the copy wait in
 * the oplog, so its window must outlast the copy. The copy time is estimated from the selected data's size
 * and a read rate measured on the source: one cursor over the largest selected collection, read for at most
 * {@value #MEASURE_MILLIS} ms (at least {@value #MIN_MEASURED_BYTES} bytes must come back to count; otherwise
 * {@value #ASSUMED_READ_MIB_PER_SECOND} MiB/s is assumed). An ERROR when the window is shorter than the copy
 * even if every partition read at that rate at once; a WARNING when it is shorter than twice the copy at the
 * rate of one cursor. An oplog that is not full yet keeps everything until it is: its window settles at
 * {@code maxSize} ÷ the write rate seen so far ({@code size} over the span of its entries), and that settled window
 * is what the copy is weighed against. An oplog that cannot be read (always through mongos, or a user without
 * read on {@code local}) is a WARNING that says so, never a silent pass.
 */
@AutoService(Validator.class)
public final class OplogWindowValidator implements Validator {

    static final long ASSUMED_READ_MIB_PER_SECOND = 50;
    static final long MEASURE_MILLIS = 1000;
    static final long MIN_MEASURED_BYTES = 4L << 20;
    private static final long MIB = 1024 * 1024;

    /** Nanoseconds, as {@link System#nanoTime()} counts them: what the read rate is measured by. */
    private final LongSupplier nanoTime;

    public OplogWindowValidator() {
        this(System::nanoTime);
    }

    /** With the clock the read rate is measured by, so a test decides how long each read takes. */
    OplogWindowValidator(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    @Override
    public String name() {
        return "oplog-window";
    }

    @Override
    public List<ValidationFinding> validate(ValidationContext context) {
        List<ValidationFinding> findings = new ArrayList<>();
        if (!context.spec().continuousSync()) {
            return findings;
        }
        BsonDocument stats;
        Optional<BsonTimestamp> first;
        Optional<BsonTimestamp> last;
        try {
            stats = context.source().run("local", new BsonDocument("collStats", new BsonString("oplog.rs")));
            first = edge(context, 1);
            last = edge(context, -1);
        } catch (MongoException e) {
            unreadable(context, findings, e);
            return findings;
        }
        if (first.isEmpty() || last.isEmpty()) {
            unreadable(context, findings, null);
            return findings;
        }
        long size = Commands.number(stats, "size").orElse(0L);
        long max = Commands.number(stats, "maxSize").orElse(0L);
        long current = last.get().getTime() - first.get().getTime();
        long windowSeconds = current;
        String window = "the source's oplog window is " + current + " s";
        if (max <= 0 || size < max * 9 / 10) {
            if (max <= 0 || size <= 0 || current <= 0) {
                findings.add(ValidationFinding.info("OPLOG_WINDOW", "the source's oplog is not full yet (" + size + " of "
                        + (max <= 0 ? "unbounded" : String.valueOf(max)) + " bytes) and too young to tell how fast it fills"));
                return findings;
            }
            // a filling oplog keeps every entry until it is full; from then on it holds max size / write rate
            windowSeconds = (long) ((double) max * current / size);
            window = "the source's oplog is not full yet (" + size + " of " + max + " bytes in " + current
                    + " s); at that write rate its window settles at " + windowSeconds + " s";
        }
        SourceData source = SourceData.read(context);
        long dataBytes = source.size().dataBytes();
        OptionalLong measured = measureReadRate(context, source);
        long rate = measured.orElse(ASSUMED_READ_MIB_PER_SECOND * MIB);
        String how = (measured.isPresent() ? "measured " : "assumed ") + rate / MIB + " MiB/s per cursor";
        int parallelism = context.spec().copyParallelism();
        long fastest = dataBytes / (rate * parallelism);
        long oneCursor = dataBytes / rate;
        if (windowSeconds < fastest) {
            findings.add(ValidationFinding.error("OPLOG_WINDOW_TOO_SHORT", window
                    + ", copying " + DiskSpaceValidator.gib(dataBytes) + " takes at least " + fastest + " s (" + how + ", "
                    + parallelism + " partitions at once)", "enlarge the oplog (replSetResizeOplog) or set"
                    + " oplogMinRetentionHours to more than the copy time"));
        } else if (windowSeconds < 2 * oneCursor) {
            findings.add(ValidationFinding.warning("OPLOG_WINDOW_TIGHT", window
                    + ", less than twice the " + oneCursor + " s copying " + DiskSpaceValidator.gib(dataBytes) + " takes at "
                    + how, "enlarge the oplog to be safe"));
        } else {
            findings.add(ValidationFinding.info("OPLOG_WINDOW", window + ", estimated copy "
                    + fastest + " to " + oneCursor + " s (" + how + ")"));
        }
        return findings;
    }

    /**
     * Bytes per second of one cursor over the largest selected collection (by {@code collStats} size), read
     * for a bounded time; empty when too little came back to tell.
     */
    OptionalLong measureReadRate(ValidationContext context, SourceData source) {
        Namespace largest = null;
        long largestSize = -1;
        double averageSize = 0;
        for (Namespace ns : source.selectedCollections()) {
            Optional<BsonDocument> stats = Commands.tryRun(context.source(), ns.database(),
                    new BsonDocument("collStats", new BsonString(ns.collection())));
            long bytes = stats.flatMap(s -> Commands.number(s, "size")).orElse(0L);
            if (bytes > largestSize) {
                largest = ns;
                largestSize = bytes;
                averageSize = stats.map(s -> s.get("avgObjSize")).filter(v -> v != null && v.isNumber())
                        .map(v -> v.asNumber().doubleValue()).orElse(0.0);
            }
        }
        if (largest == null || largestSize < MIN_MEASURED_BYTES || averageSize <= 0) {
            return OptionalLong.empty();
        }
        long started = nanoTime.getAsLong();
        long deadline = started + MEASURE_MILLIS * 1_000_000;
        long documents = 0;
        try {
            BsonDocument cursor = context.source().run(largest.database(), new BsonDocument("find", new BsonString(largest.collection()))
                    .append("batchSize", new BsonInt32(1000))).getDocument("cursor");
            documents += cursor.getArray("firstBatch").size();
            long id = cursor.getNumber("id").longValue();
            while (id != 0 && nanoTime.getAsLong() < deadline) {
                cursor = context.source().run(largest.database(), new BsonDocument("getMore", new BsonInt64(id))
                        .append("collection", new BsonString(largest.collection())).append("batchSize", new BsonInt32(1000)))
                        .getDocument("cursor");
                documents += cursor.getArray("nextBatch").size();
                id = cursor.getNumber("id").longValue();
            }
            if (id != 0) {
                Commands.tryRun(context.source(), largest.database(), new BsonDocument("killCursors", new BsonString(largest.collection()))
                        .append("cursors", new BsonArray(List.of(new BsonInt64(id)))));
            }
        } catch (MongoException e) {
            return OptionalLong.empty();
        }
        double seconds = Math.max(1e-3, (nanoTime.getAsLong() - started) / 1e9);
        long bytes = (long) (documents * averageSize);
        return bytes < MIN_MEASURED_BYTES ? OptionalLong.empty() : OptionalLong.of(Math.max(1, (long) (bytes / seconds)));
    }

    /**
     * The oplog could not be read: a WARNING saying so (a mongos has no oplog of its own; a user may lack read
     * on {@code local}), or nothing for a standalone without one, which the topology check reports.
     */
    private static void unreadable(ValidationContext context, List<ValidationFinding> findings, MongoException cause) {
        BsonDocument hello = Commands.tryRun(context.source(), "admin", Commands.command("isMaster")).orElse(new BsonDocument());
        if ("isdbgrid".equals(hello.getString("msg", new BsonString("")).getValue())) {
            findings.add(ValidationFinding.warning("OPLOG_WINDOW_UNKNOWN", "the source is reached through mongos, which has no"
                    + " oplog: the oplog window of each shard could not be checked", "check each shard's window yourself"
                    + " (rs.printReplicationInfo() on each shard's primary) against the copy time"));
        } else if (hello.containsKey("setName")) {
            findings.add(ValidationFinding.warning("OPLOG_WINDOW_UNKNOWN", "the source's oplog (local.oplog.rs) could not be read"
                    + (cause == null ? ": it is empty"
                    : cause instanceof MongoCommandException c ? ": " + c.getErrorCodeName() + ", " + c.getErrorMessage()
                    : ": " + cause.getMessage()), "grant the source user read on the local"
                    + " database (clusterMonitor holds it), or check the window yourself with rs.printReplicationInfo()"));
        }
    }

    private static Optional<BsonTimestamp> edge(ValidationContext context, int direction) {
        return Optional.of(context.source().run("local", new BsonDocument("find", new BsonString("oplog.rs"))
                        .append("sort", new BsonDocument("$natural", new BsonInt32(direction)))
                        .append("limit", new BsonInt32(1)).append("projection", new BsonDocument("ts", new BsonInt32(1)))))
                .map(r -> r.getDocument("cursor").getArray("firstBatch"))
                .filter(b -> !b.isEmpty() && b.get(0).asDocument().isTimestamp("ts"))
                .map(b -> b.get(0).asDocument().getTimestamp("ts"));
    }
}
