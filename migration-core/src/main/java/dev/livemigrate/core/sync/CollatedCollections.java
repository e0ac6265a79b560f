package dev.livemigrate.core.sync;

import com.mongodb.client.MongoClient;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.Retries;
import dev.livemigrate.core.catalog.CollectionInfo;
import dev.livemigrate.core.catalog.ShardingPlan;
import org.bson.BsonDocument;
import org.bson.BsonString;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Which source collections must have their changes applied strictly in order, in one lane: those whose
 * default collation is not simple, and capped collections. In the first, two {@code _id}s that differ in
 * bytes ({@code "a"}, {@code "A"}) can be one document, which no hash of the {@code _id} can see; in a
 * capped collection the order of inserts across documents decides which documents are evicted.
 *
 * <p>A namespace is looked up once, on the source's {@code listCollections} options, the first time an
 * event of it is routed, and the answer is kept: a collection's collation (or being capped) cannot change while it exists,
 * and a routing that changed while its events are queued would reorder them. A namespace the source does
 * not list (gone already) is treated as collated: one lane is always right. {@link #forget} drops the
 * answer when a drop or rename ends the collection's life, after the lanes drained for that DDL event; the
 * next event of the name looks again.
 */
final class CollatedCollections implements Predicate<Namespace> {

    private final Function<Namespace, CollectionInfo> lookup;
    private final Map<Namespace, Boolean> known = new ConcurrentHashMap<>();
    private final Map<Namespace, Boolean> cappedKnown = new ConcurrentHashMap<>();

    /** @param lookup the source's {@code listCollections} entry of a namespace, or {@code null} when it has none */
    CollatedCollections(Function<Namespace, CollectionInfo> lookup) {
        this.lookup = lookup;
    }

    /** Looks namespaces up on the source. */
    static CollatedCollections of(MongoClient source) {
        return new CollatedCollections(ns -> Retries.run("reading the options of " + ns, 5, () -> {
            BsonDocument entry = source.getDatabase(ns.database()).listCollections(BsonDocument.class)
                    .filter(new BsonDocument("name", new BsonString(ns.collection()))).first();
            return entry == null ? null : CollectionInfo.fromListCollections(ns.database(), entry);
        }));
    }

    /** Whether the namespace's events go to one lane, in order. */
    @Override
    public boolean test(Namespace ns) {
        return known.computeIfAbsent(ns, n -> {
            CollectionInfo info = lookup.apply(n);
            return info == null || hasNonSimpleCollation(info.options()) || info.isCapped();
        });
    }

    /**
     * These namespaces, and those sharded on the destination on a unique key, which (unlike other unique indexes) is
     * enforced while syncing: a key moving from one document to another (a delete, then an insert of a new {@code _id}
     * with the same key) applied out of order across lanes would break it, so such a collection's events are applied
     * in order too.
     */
    Predicate<Namespace> orUniqueShardKeys(ShardingPlan sharding) {
        return or(ns -> {
            ShardingPlan.ShardKey key = sharding.of(ns);
            return key != null && key.unique();
        });
    }

    /** Whether the namespace is a capped collection on the source (a namespace the source lacks is not). */
    boolean capped(Namespace ns) {
        return cappedKnown.computeIfAbsent(ns, n -> {
            CollectionInfo info = lookup.apply(n);
            return info != null && info.isCapped();
        });
    }

    /** Forgets what was learnt of a namespace whose collection was dropped or renamed. */
    void forget(Namespace ns) {
        if (ns != null) {
            known.remove(ns);
            cappedKnown.remove(ns);
        }
    }

    /** Whether {@code listCollections} options name a default collation other than {@code simple}. */
    static boolean hasNonSimpleCollation(BsonDocument options) {
        return options.isDocument("collation")
                && !"simple".equals(options.getDocument("collation").getString("locale", new BsonString("simple")).getValue());
    }
}
