package dev.livemigrate.cli;

import dev.livemigrate.MigrationSpec;
import dev.livemigrate.Sharding;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/**
 * Which collections to shard on a sharded destination (a replica set migrated to a sharded cluster): the options
 * {@code run} and {@code validate} share. A malformed entry fails the command with
 * {@link dev.livemigrate.ErrorCode#INVALID_SHARDING_ENTRY} (exit 2), naming it; see {@link Sharding}.
 */
final class ShardingOptions {

    @Option(names = "--shard", paramLabel = "DB.COLL={KEY}", description = "Shard this source collection's destination collection"
            + " on KEY before copying into it, like 'shop.orders={\"customerId\": 1}' (each field 1 or \"hashed\"; repeatable)."
            + " The destination must be a sharded cluster.")
    List<String> entries = new ArrayList<>();
    @Option(names = "--create-supporting-indexes", description = "Create an index on a --shard key on the destination when"
            + " the source has none that supports it (otherwise such an entry is refused).")
    boolean createSupportingIndexes;

    MigrationSpec.Builder applyTo(MigrationSpec.Builder builder) {
        if (entries.isEmpty() && !createSupportingIndexes) {
            return builder;
        }
        return builder.sharding(Sharding.of(createSupportingIndexes, entries.stream().map(Sharding::parseEntry).toList()));
    }
}
