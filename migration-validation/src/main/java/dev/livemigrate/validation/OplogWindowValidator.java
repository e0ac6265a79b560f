package dev.livemigrate.validation;

import com.google.auto.service.AutoService;
import com.mongodb.MongoException;
import dev.livemigrate.Namespace;
import dev.livemigrate.ValidationFinding;
import dev.livemigrate.spi.CommandRunner;
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
 * is what the copy is weighed against. A mongos has no oplog: through one, each shard's oplog is read on the shard
 * itself (its members as {@code listShards} names them, reached as {@link ShardConnector} says) and weighed on its
 * own, since the change stream through mongos needs every shard's history; a finding per shard names it. An oplog
 * that cannot be read (a shard that cannot be reached, a user without read on {@code local}) is a WARNING that says
 * so, naming the shard, never a silent pass.
 */
@AutoService(Validator.class)
public final class OplogWindowValidator implements Validator {

    static final long ASSUMED_READ_MIB_PER_SECOND = 50;
    static final long MEASURE_MILLIS = 1000;
    static final long MIN_MEASURED_BYTES = 4L << 20;
    private static final long MIB = 1024 * 1024;

    private static final String SHARD_REMEDY = "let the migration host reach every shard member with the source's user"
            + " (clusterMonitor grants read on local), or check each shard's window yourself: rs.printReplicationInfo() on each"
            + " shard's primary, against the copy time";

    /** Nanoseconds, as {@link System#nanoTime()} counts them: what the read rate is measured by. */
    private final LongSupplier nanoTime;
    private final ShardConnector connector;

    public OplogWindowValidator() {
        this(System::nanoTime, ShardConnector.CLIENTS);
    }

    /** With the clock the read rate is measured by, so a test decides how long each read takes. */
    OplogWindowValidator(LongSupplier nanoTime) {
        this(nanoTime, ShardConnector.CLIENTS);
    }

    /** With the clock, and the connector that opens each shard of a sharded source, so a test answers for the shards. */
    OplogWindowValidator(LongSupplier nanoTime, ShardConnector connector) {
        this.nanoTime = nanoTime;
        this.connector = connector;
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
        if (Sharding.isMongos(context.source())) {
            List<Sharding.Shard> shards;
            try {
                shards = Sharding.shards(context.source());
            } catch (MongoException e) {
                findings.add(ValidationFinding.warning("OPLOG_WINDOW_UNKNOWN", "the source is reached through mongos, which has no"
                        + " oplog, and its shards could not be listed (" + Commands.reason(e) + "): no shard's oplog window"
                        + " was checked", SHARD_REMEDY));
                return findings;
            }
            Copy copy = estimate(context);
            connector.each(context, true, shards, (shard, runner) -> {
                Optional<Window> window = window(runner, "shard " + shard.id() + "'s");
                if (window.isEmpty()) {
                    findings.add(ValidationFinding.warning("OPLOG_WINDOW_UNKNOWN", "shard " + shard.id() + "'s oplog"
                            + " (local.oplog.rs) is empty, so its window could not be checked", SHARD_REMEDY));
                    return;
                }
                findings.add(weigh(window.get(), copy, context.spec().copyParallelism()));
            }, (shard, reason) -> findings.add(ValidationFinding.warning("OPLOG_WINDOW_UNKNOWN", "shard " + shard.id() + " ("
                    + shard.host() + ") could not be reached or its oplog read, so its oplog window was not checked: " + reason,
                    SHARD_REMEDY)));
            return findings;
        }
        Optional<Window> window;
        try {
            window = window(context.source(), "the source's");
        } catch (MongoException e) {
            unreadable(context, findings, e);
            return findings;
        }
        if (window.isEmpty()) {
            unreadable(context, findings, null);
            return findings;
        }
        findings.add(weigh(window.get(), estimate(context), context.spec().copyParallelism()));
        return findings;
    }

    /**
     * An oplog's window: {@code seconds} it holds (or will hold once full, at the write rate seen so far), or
     * negative when it is too young to tell; {@code description} says which, naming whose oplog it is.
     */
    record Window(long seconds, String description) {
    }

    /** How much the copy reads, and how fast one cursor reads it (measured, or assumed). */
    record Copy(long dataBytes, long rate, boolean measured) {
    }

    /** The window of the oplog {@code runner} reaches; empty when it has no entries. */
    private static Optional<Window> window(CommandRunner runner, String whose) {
        BsonDocument stats = runner.run("local", new BsonDocument("collStats", new BsonString("oplog.rs")));
        Optional<BsonTimestamp> first = edge(runner, 1);
        Optional<BsonTimestamp> last = edge(runner, -1);
        if (first.isEmpty() || last.isEmpty()) {
            return Optional.empty();
        }
        long size = Commands.number(stats, "size").orElse(0L);
        long max = Commands.number(stats, "maxSize").orElse(0L);
        long current = last.get().getTime() - first.get().getTime();
        if (max > 0 && size >= max * 9 / 10) {
            return Optional.of(new Window(current, whose + " oplog window is " + current + " s"));
        }
        if (max <= 0 || size <= 0 || current <= 0) {
            return Optional.of(new Window(-1, whose + " oplog is not full yet (" + size + " of "
                    + (max <= 0 ? "unbounded" : String.valueOf(max)) + " bytes) and too young to tell how fast it fills"));
        }
        // a filling oplog keeps every entry until it is full; from then on it holds max size / write rate
        long settled = (long) ((double) max * current / size);
        return Optional.of(new Window(settled, whose + " oplog is not full yet (" + size + " of " + max + " bytes in " + current
                + " s); at that write rate its window settles at " + settled + " s"));
    }

    private Copy estimate(ValidationContext context) {
        SourceData source = SourceData.read(context);
        OptionalLong measured = measureReadRate(context, source);
        return new Copy(source.size().dataBytes(), measured.orElse(ASSUMED_READ_MIB_PER_SECOND * MIB), measured.isPresent());
    }

    /** The finding for one oplog: ERROR, WARNING or INFO as the class comment says. */
    private static ValidationFinding weigh(Window window, Copy copy, int parallelism) {
        if (window.seconds() < 0) {
            return ValidationFinding.info("OPLOG_WINDOW", window.description());
        }
        String how = (copy.measured() ? "measured " : "assumed ") + copy.rate() / MIB + " MiB/s per cursor";
        long fastest = copy.dataBytes() / (copy.rate() * parallelism);
        long oneCursor = copy.dataBytes() / copy.rate();
        if (window.seconds() < fastest) {
            return ValidationFinding.error("OPLOG_WINDOW_TOO_SHORT", window.description()
                    + ", copying " + DiskSpaceValidator.gib(copy.dataBytes()) + " takes at least " + fastest + " s (" + how + ", "
                    + parallelism + " partitions at once)", "enlarge the oplog (replSetResizeOplog) or set"
                    + " oplogMinRetentionHours to more than the copy time");
        }
        if (window.seconds() < 2 * oneCursor) {
            return ValidationFinding.warning("OPLOG_WINDOW_TIGHT", window.description()
                    + ", less than twice the " + oneCursor + " s copying " + DiskSpaceValidator.gib(copy.dataBytes()) + " takes at "
                    + how, "enlarge the oplog to be safe");
        }
        return ValidationFinding.info("OPLOG_WINDOW", window.description() + ", estimated copy "
                + fastest + " to " + oneCursor + " s (" + how + ")");
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
     * A replica set's oplog could not be read: a WARNING saying so (a user may lack read on {@code local}), or
     * nothing for a standalone without one, which the topology check reports.
     */
    private static void unreadable(ValidationContext context, List<ValidationFinding> findings, MongoException cause) {
        BsonDocument hello = Commands.tryRun(context.source(), "admin", Commands.command("isMaster")).orElse(new BsonDocument());
        if (hello.containsKey("setName")) {
            findings.add(ValidationFinding.warning("OPLOG_WINDOW_UNKNOWN", "the source's oplog (local.oplog.rs) could not be read"
                    + (cause == null ? ": it is empty" : ": " + Commands.reason(cause)), "grant the source user read on the local"
                    + " database (clusterMonitor holds it), or check the window yourself with rs.printReplicationInfo()"));
        }
    }

    private static Optional<BsonTimestamp> edge(CommandRunner runner, int direction) {
        return Optional.of(runner.run("local", new BsonDocument("find", new BsonString("oplog.rs"))
                        .append("sort", new BsonDocument("$natural", new BsonInt32(direction)))
                        .append("limit", new BsonInt32(1)).append("projection", new BsonDocument("ts", new BsonInt32(1)))))
                .map(r -> r.getDocument("cursor").getArray("firstBatch"))
                .filter(b -> !b.isEmpty() && b.get(0).asDocument().isTimestamp("ts"))
                .map(b -> b.get(0).asDocument().getTimestamp("ts"));
    }
}
