package dev.livemigrate.validation;

import com.google.auto.service.AutoService;
import dev.livemigrate.ValidationFinding;
import dev.livemigrate.spi.ValidationContext;
import dev.livemigrate.spi.Validator;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The source's change history against the time the copy will take: changes made during the copy wait in
 * the oplog, so its window must outlast the copy. The copy time is estimated from the data size at
 * {@value #ASSUMED_READ_MIB_PER_SECOND} MiB/s. An oplog that is not full yet only grows: no risk today.
 */
@AutoService(Validator.class)
public final class OplogWindowValidator implements Validator {

    static final long ASSUMED_READ_MIB_PER_SECOND = 50;

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
        Optional<BsonDocument> stats = Commands.tryRun(context.source(), "local", new BsonDocument("collStats", new BsonString("oplog.rs")));
        Optional<BsonTimestamp> first = edge(context, 1);
        Optional<BsonTimestamp> last = edge(context, -1);
        if (stats.isEmpty() || first.isEmpty() || last.isEmpty()) {
            return findings; // no oplog: the topology check says so
        }
        long size = Commands.number(stats.get(), "size").orElse(0L);
        long max = Commands.number(stats.get(), "maxSize").orElse(0L);
        long dataBytes = 0;
        BsonDocument databases = context.source().run("admin", new BsonDocument("listDatabases", new BsonInt32(1)));
        for (BsonValue db : databases.getArray("databases")) {
            dataBytes += Commands.number(db.asDocument(), "sizeOnDisk").orElse(0L);
        }
        long copySeconds = dataBytes / (ASSUMED_READ_MIB_PER_SECOND * 1024 * 1024);
        long windowSeconds = last.get().getTime() - first.get().getTime();
        if (max <= 0 || size < max * 9 / 10) {
            findings.add(ValidationFinding.info("OPLOG_WINDOW", "the source's oplog is not full yet (" + size + " of "
                    + (max <= 0 ? "unbounded" : String.valueOf(max)) + " bytes): its window only grows"));
        } else if (windowSeconds < copySeconds) {
            findings.add(ValidationFinding.error("OPLOG_WINDOW_TOO_SHORT", "the source's oplog window is " + windowSeconds
                    + " s, the copy is estimated to take " + copySeconds + " s", "enlarge the oplog (replSetResizeOplog) or"
                    + " set oplogMinRetentionHours to more than the copy time"));
        } else if (windowSeconds < 2 * copySeconds) {
            findings.add(ValidationFinding.warning("OPLOG_WINDOW_TIGHT", "the source's oplog window is " + windowSeconds
                    + " s, less than twice the estimated copy time of " + copySeconds + " s", "enlarge the oplog to be safe"));
        } else {
            findings.add(ValidationFinding.info("OPLOG_WINDOW", "oplog window " + windowSeconds + " s, estimated copy " + copySeconds + " s"));
        }
        return findings;
    }

    private static Optional<BsonTimestamp> edge(ValidationContext context, int direction) {
        return Commands.tryRun(context.source(), "local", new BsonDocument("find", new BsonString("oplog.rs"))
                        .append("sort", new BsonDocument("$natural", new BsonInt32(direction)))
                        .append("limit", new BsonInt32(1)).append("projection", new BsonDocument("ts", new BsonInt32(1))))
                .map(r -> r.getDocument("cursor").getArray("firstBatch"))
                .filter(b -> !b.isEmpty() && b.get(0).asDocument().isTimestamp("ts"))
                .map(b -> b.get(0).asDocument().getTimestamp("ts"));
    }
}
