package dev.livemigrate.validation;

import com.google.auto.service.AutoService;
import dev.livemigrate.Namespace;
import dev.livemigrate.ValidationFinding;
import dev.livemigrate.spi.ValidationContext;
import dev.livemigrate.spi.Validator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How the selected collections are sharded on a sharded source and on a sharded destination
 * ({@code config.collections} and {@code config.databases} of each, read once).
 * <ul>
 *   <li>A destination collection already sharded on another key, or with another {@code unique}, than its source
 *       collection is an ERROR naming it: the engine would shard it as the source is, and a collection cannot be
 *       sharded twice. With {@link dev.livemigrate.MigrationSpec#clearDestination()} set the engine drops it
 *       first, so it is not reported.</li>
 *   <li>The unsharded collections of a database live whole on the database's primary shard. Where the
 *       destination's primary shard for the database has another name than the source's (or the destination
 *       creates the database and picks one), that is an INFO, not a WARNING: mongos routes every read and write
 *       wherever the collection lives, so nothing is lost or refused; what changes is which shard carries the
 *       load and the bytes, the per-shard disk check already weighs the bytes, and the placement can be changed
 *       after cutover ({@code movePrimary}, or {@code moveCollection} from 8.0). A WARNING would be raised on nearly
 *       every sharded migration, since two clusters' shard names rarely match, and teach operators to skip
 *       warnings.</li>
 * </ul>
 */
@AutoService(Validator.class)
public final class ShardKeysValidator implements Validator {

    @Override
    public String name() {
        return "shard-keys";
    }

    @Override
    public List<ValidationFinding> validate(ValidationContext context) {
        List<ValidationFinding> findings = new ArrayList<>();
        boolean sourceSharded = Sharding.isMongos(context.source());
        if (!sourceSharded || !Sharding.isMongos(context.destination())) {
            return findings;
        }
        Map<String, Sharding.Key> sourceKeys = Sharding.keys(context.source());
        Map<String, Sharding.Key> destinationKeys = Sharding.keys(context.destination());
        Map<String, List<String>> unsharded = new TreeMap<>();
        Map<String, String> targetDatabase = new LinkedHashMap<>();
        for (Namespace ns : SourceData.read(context).selectedCollections()) {
            Optional<Namespace> target = context.target(ns);
            if (target.isEmpty()) {
                continue;
            }
            Sharding.Key source = sourceKeys.get(ns.toString());
            Sharding.Key destination = destinationKeys.get(target.get().toString());
            if (source == null) {
                unsharded.computeIfAbsent(ns.database(), d -> new ArrayList<>()).add(ns.collection());
                targetDatabase.put(ns.database(), target.get().database());
            }
            if (source != null && destination != null && !context.spec().clearDestination() && !same(source, destination)) {
                findings.add(ValidationFinding.error("DESTINATION_SHARDED_DIFFERENTLY", "the destination collection " + target.get()
                        + " is already sharded on " + describe(destination) + ", the source collection " + ns + " on "
                        + describe(source), "drop " + target.get() + " on the destination (or set clearDestination), or"
                        + " exclude " + ns));
            }
        }
        Map<String, String> sourcePrimaries = Sharding.primaries(context.source());
        Map<String, String> destinationPrimaries = Sharding.primaries(context.destination());
        unsharded.forEach((db, collections) -> {
            String from = sourcePrimaries.get(db);
            String to = destinationPrimaries.get(targetDatabase.get(db));
            if (from != null && !from.equals(to)) {
                findings.add(ValidationFinding.info("UNSHARDED_PRIMARY_SHARD_DIFFERS", "the " + collections.size() + " unsharded"
                        + " collection(s) of " + db + " live on the source's shard " + from + "; on the destination they land"
                        + (to == null ? " on the primary shard the destination picks when it creates " + targetDatabase.get(db)
                        : " on shard " + to + ", the primary shard of " + targetDatabase.get(db))));
            }
        });
        return findings;
    }

    /** Keys compared in order (a shard key's field order is part of it), values by value; {@code unique} too. */
    private static boolean same(Sharding.Key a, Sharding.Key b) {
        if (a.unique() != b.unique() || !new ArrayList<>(a.key().keySet()).equals(new ArrayList<>(b.key().keySet()))) {
            return false;
        }
        return a.key().keySet().stream().allMatch(k -> a.key().get(k).equals(b.key().get(k))
                || a.key().get(k).isNumber() && b.key().get(k).isNumber()
                && a.key().get(k).asNumber().doubleValue() == b.key().get(k).asNumber().doubleValue());
    }

    private static String describe(Sharding.Key key) {
        return key.key().toJson() + (key.unique() ? " (unique)" : "");
    }
}
