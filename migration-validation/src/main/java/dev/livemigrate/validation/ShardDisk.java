package dev.livemigrate.validation;

import dev.livemigrate.Namespace;
import dev.livemigrate.ValidationFinding;
import dev.livemigrate.spi.ValidationContext;
import org.bson.BsonDocument;
import org.bson.BsonString;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Free disk on each shard of a sharded destination, never summed: one full shard fails the copy however much room
 * the others have. Each shard's file system is read on the shard ({@code dbStats} {@code fsTotalSize -
 * fsUsedSize}). What a shard must hold: sharded collections spread over the shards (an even share at best), while
 * every unsharded collection of a database lands whole on one shard, the database's primary. So, with the
 * headroom of {@link DiskSpaceValidator}: a shard with less than an even share of everything is an ERROR (no
 * placement fits); one with less than its share of the sharded data plus all the unsharded data is a WARNING (it
 * fits only if the unsharded collections land elsewhere). A collection counts as sharded when the source's
 * {@code config.collections} says so; a replica-set source has none.
 */
final class ShardDisk {

    private ShardDisk() {
    }

    /** The findings for the destination's {@code shards} (as {@code listShards} names them). */
    static List<ValidationFinding> check(ValidationContext context, ShardConnector connector, List<Sharding.Shard> shards,
                                         SourceData source, SourceData.Size size) {
        List<ValidationFinding> findings = new ArrayList<>();
        long total = withHeadroom(size.withIndexes());
        long whole = Math.min(total, withHeadroom(unsharded(context, source)));
        long evenShare = total / Math.max(1, shards.size());
        long worst = (total - whole) / Math.max(1, shards.size()) + whole;
        List<String> fitting = new ArrayList<>();
        connector.each(context, false, shards, (shard, runner) -> {
            BsonDocument stats = runner.run("admin", Commands.command("dbStats"));
            Optional<Long> fsTotal = Commands.number(stats, "fsTotalSize");
            Optional<Long> fsUsed = Commands.number(stats, "fsUsedSize");
            if (fsTotal.isEmpty() || fsUsed.isEmpty()) {
                findings.add(unknown(shard, "it does not report its free disk space", evenShare, worst));
                return;
            }
            long free = fsTotal.get() - fsUsed.get();
            String has = "the destination's shard " + shard.id() + " has " + DiskSpaceValidator.gib(free) + " free";
            if (free < evenShare) {
                findings.add(ValidationFinding.error("DESTINATION_SHARD_DISK_TOO_SMALL", has + ", less than an even share ("
                        + DiskSpaceValidator.gib(evenShare) + " with headroom) of the source's " + DiskSpaceValidator.gib(size.withIndexes())
                        + " spread over " + shards.size() + " shards", "give shard " + shard.id() + " more disk, add shards, or"
                        + " migrate fewer namespaces"));
            } else if (free < worst) {
                findings.add(ValidationFinding.warning("DESTINATION_SHARD_DISK_TIGHT", has + ": enough for its share of the"
                        + " sharded collections, but not if the unsharded ones (" + DiskSpaceValidator.gib(whole) + " with headroom),"
                        + " which land whole on their database's primary shard, land there too (" + DiskSpaceValidator.gib(worst)
                        + ")", "give shard " + shard.id() + " more disk, or make another shard the primary of the databases to"
                        + " migrate before the copy (movePrimary)"));
            } else {
                fitting.add(shard.id() + " " + DiskSpaceValidator.gib(free));
            }
        }, (shard, reason) -> findings.add(unknown(shard, "it could not be reached: " + reason, evenShare, worst)));
        if (!fitting.isEmpty()) {
            findings.add(ValidationFinding.info("DESTINATION_DISK", "free on the destination's shards: " + String.join(", ", fitting)
                    + "; each needs at most " + DiskSpaceValidator.gib(worst) + " of the source's " + DiskSpaceValidator.gib(size.withIndexes())));
        }
        return findings;
    }

    /** Bytes (data as stored, and indexes) of the selected collections the source does not shard. */
    private static long unsharded(ValidationContext context, SourceData source) {
        if (!Sharding.isMongos(context.source())) {
            return source.size().withIndexes();
        }
        Map<String, Sharding.Key> keys = Sharding.keys(context.source());
        long bytes = 0;
        for (Namespace ns : source.selectedCollections()) {
            if (!keys.containsKey(ns.toString())) {
                BsonDocument stats = context.source().run(ns.database(), new BsonDocument("collStats", new BsonString(ns.collection())));
                bytes += new SourceData.Size(Commands.number(stats, "size").orElse(0L), Commands.number(stats, "storageSize").orElse(0L),
                        Commands.number(stats, "totalIndexSize").orElse(0L)).withIndexes();
            }
        }
        return bytes;
    }

    private static ValidationFinding unknown(Sharding.Shard shard, String why, long evenShare, long worst) {
        return ValidationFinding.warning("DESTINATION_FREE_SPACE_UNKNOWN", "the free disk space of the destination's shard " + shard.id()
                + " (" + shard.host() + ") is unknown: " + why, "make sure shard " + shard.id() + " has at least "
                + DiskSpaceValidator.gib(evenShare) + " free, " + DiskSpaceValidator.gib(worst) + " if it is the primary shard of"
                + " the databases to migrate");
    }

    private static long withHeadroom(long bytes) {
        return bytes + bytes * DiskSpaceValidator.HEADROOM_PERCENT / 100;
    }
}
