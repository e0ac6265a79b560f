package dev.livemigrate.validation;

import com.google.auto.service.AutoService;
import com.mongodb.MongoException;
import dev.livemigrate.ValidationFinding;
import dev.livemigrate.spi.ValidationContext;
import dev.livemigrate.spi.Validator;
import org.bson.BsonDocument;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Destination free space ({@code dbStats} {@code fsTotalSize - fsUsedSize}) against what the source holds:
 * its {@code dataSize}, or its {@code storageSize} where that is smaller (a compressed source is stored
 * compressed on the destination too), plus the size of its indexes ({@code indexSize}, {@code totalIndexSize}; secondary
 * indexes often add a third or more), with {@value #HEADROOM_PERCENT}% headroom for the oplog and growth. Only the
 * selected namespaces count: {@code dbStats} for a database copied whole, {@code collStats} for one copied in part.
 * A sharded destination is weighed shard by shard ({@link ShardDisk}), never by its summed free space.
 */
@AutoService(Validator.class)
public final class DiskSpaceValidator implements Validator {

    static final int HEADROOM_PERCENT = 20;

    @Override
    public String name() {
        return "disk-space";
    }

    private final ShardConnector connector;

    public DiskSpaceValidator() {
        this(ShardConnector.CLIENTS);
    }

    /** With the connector that opens each shard of a sharded destination, so a test answers for the shards. */
    DiskSpaceValidator(ShardConnector connector) {
        this.connector = connector;
    }

    @Override
    public List<ValidationFinding> validate(ValidationContext context) {
        SourceData source = SourceData.read(context);
        SourceData.Size size = source.size();
        if (Sharding.isMongos(context.destination())) {
            List<Sharding.Shard> shards;
            try {
                shards = Sharding.shards(context.destination());
            } catch (MongoException e) {
                return List.of(ValidationFinding.warning("DESTINATION_FREE_SPACE_UNKNOWN", "the destination is a sharded cluster whose"
                        + " shards could not be listed (" + Commands.reason(e) + "), so no shard's free disk space is known; the source"
                        + " holds " + holds(size), "make sure every shard has room for its share, its database's unsharded collections"
                        + " included, or grant the destination user listShards (clusterMonitor holds it)"));
            }
            return ShardDisk.check(context, connector, shards, source, size);
        }
        long needed = size.withIndexes();
        long withHeadroom = needed + needed * HEADROOM_PERCENT / 100;
        BsonDocument destination = Commands.tryRun(context.destination(), "admin", Commands.command("dbStats")).orElse(new BsonDocument());
        List<ValidationFinding> findings = new ArrayList<>();
        var total = Commands.number(destination, "fsTotalSize");
        var used = Commands.number(destination, "fsUsedSize");
        if (total.isEmpty() || used.isEmpty()) {
            findings.add(ValidationFinding.warning("DESTINATION_FREE_SPACE_UNKNOWN", "the destination does not report its free disk space;"
                    + " the source holds " + holds(size), "make sure the destination has at least " + gib(withHeadroom) + " free"));
        } else if (total.get() - used.get() < withHeadroom) {
            findings.add(ValidationFinding.error("DESTINATION_DISK_TOO_SMALL", "the destination has " + gib(total.get() - used.get())
                    + " free, the source holds " + holds(size) + " (" + gib(withHeadroom) + " with headroom)",
                    "give the destination more disk, or migrate fewer namespaces"));
        } else {
            findings.add(ValidationFinding.info("DESTINATION_DISK", gib(total.get() - used.get()) + " free on the destination for the source's "
                    + holds(size)));
        }
        return findings;
    }

    private static String holds(SourceData.Size size) {
        return gib(size.withIndexes()) + " (" + gib(size.stored()) + " data, " + gib(size.indexBytes()) + " indexes)";
    }

    static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
