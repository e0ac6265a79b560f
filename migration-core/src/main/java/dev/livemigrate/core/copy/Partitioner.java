package dev.livemigrate.core.copy;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Projections;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonNull;
import org.bson.BsonValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.Random;

/**
 * Splits a collection into disjoint partitions by {@code _id} that together cover every document,
 * whatever mix of {@code _id} types it holds.
 *
 * <p>MongoDB brackets range predicates by type ({@code {$gte: 5, $lt: "a"}} matches nothing), so plans
 * are made per {@link IdBracket}: split points come from a sorted {@code $sample} of ids, each partition
 * is {@code {_id: {<bracket membership>, $gte: lo, $not: {$gte: hi}}}}, and every bracket between the
 * smallest and the largest {@code _id} that the sample missed but that holds ids still gets a partition
 * of its own. Upper
 * bounds are written as {@code $not: {$gte: hi}} rather than {@code $lt: hi} so that values that compare
 * with nothing (NaN) still fall into exactly one partition. Index bounds ({@code min}/{@code max}) are
 * not used: not every server honours them.
 */
public final class Partitioner {

    private static final Logger LOG = LoggerFactory.getLogger(Partitioner.class);

    /** Most partitions a single collection is split into. */
    static final int MAX_PARTITIONS = 1024;

    private Partitioner() {
    }

    /**
     * Plans the partitions of a collection from its statistics.
     *
     * @param collection         the source collection
     * @param count              estimated documents
     * @param sizeBytes          estimated data size
     * @param partitionSizeBytes the target size of a partition
     */
    public static List<Partition> plan(MongoCollection<BsonDocument> collection, long count, long sizeBytes,
                                       long partitionSizeBytes) {
        int target = target(count, sizeBytes, partitionSizeBytes);
        if (target <= 1) {
            return List.of(Partition.whole());
        }
        int sampleSize = (int) Math.min(count, Math.max(64, Math.min(10_000, target * 32L)));
        List<BsonValue> sample = sortedSample(collection, sampleSize);
        IdBracket min = bound(collection, 1);
        IdBracket max = bound(collection, -1);
        return plan(sample, min, max, target, bracket -> holds(collection, "_id", bracket));
    }

    /** How many partitions a collection's size asks for; 1 when it is copied whole. */
    static int target(long count, long sizeBytes, long partitionSizeBytes) {
        if (count <= 1 || sizeBytes <= partitionSizeBytes) {
            return 1;
        }
        return (int) Math.min(MAX_PARTITIONS, Math.min(count, (sizeBytes + partitionSizeBytes - 1) / partitionSizeBytes));
    }

    /**
     * A random sample of ids in MongoDB's order. The server sorts them (honouring the collection's
     * collation); a server that cannot sort mixed types gets them sorted here by {@link BsonOrder}.
     */
    private static List<BsonValue> sortedSample(MongoCollection<BsonDocument> collection, int size) {
        List<BsonDocument> stages = new ArrayList<>(List.of(
                new BsonDocument("$sample", new BsonDocument("size", new BsonInt32(size))),
                new BsonDocument("$project", new BsonDocument("_id", new BsonInt32(1)))));
        List<BsonValue> sample = new ArrayList<>(size);
        try {
            List<BsonDocument> sorted = new ArrayList<>(stages);
            sorted.add(new BsonDocument("$sort", new BsonDocument("_id", new BsonInt32(1))));
            collection.aggregate(sorted).forEach(d -> sample.add(d.get("_id")));
            return sample;
        } catch (MongoCommandException e) {
            LOG.info("{}: the server could not sort sampled ids ({}); sorting them here", collection.getNamespace(), e.getErrorMessage());
        }
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                sample.clear();
                collection.aggregate(stages).forEach(d -> sample.add(d.get("_id")));
                sample.sort(BsonOrder.INSTANCE);
                return sample;
            } catch (MongoCommandException e) {
                LOG.info("{}: the server could not sample ids ({})", collection.getNamespace(), e.getErrorMessage());
            }
        }
        return reservoirSample(collection, size);
    }

    /** A uniform sample of ids read from a scan of the whole collection: for servers whose $sample fails. */
    private static List<BsonValue> reservoirSample(MongoCollection<BsonDocument> collection, int size) {
        Random random = new Random();
        List<BsonValue> sample = new ArrayList<>(size);
        long seen = 0;
        for (BsonDocument d : collection.find().projection(Projections.include("_id"))) {
            seen++;
            if (sample.size() < size) {
                sample.add(d.get("_id"));
            } else {
                long slot = (long) (random.nextDouble() * seen);
                if (slot < size) {
                    sample.set((int) slot, d.get("_id"));
                }
            }
        }
        sample.sort(BsonOrder.INSTANCE);
        return sample;
    }

    /**
     * The bracket of the smallest ({@code direction} 1) or largest (-1) id, or the outermost bracket
     * when the server cannot sort the ids: every bracket is then probed.
     */
    private static IdBracket bound(MongoCollection<BsonDocument> collection, int direction) {
        IdBracket outermost = direction > 0 ? IdBracket.MIN_KEY : IdBracket.MAX_KEY;
        try {
            BsonDocument first = collection.find().projection(Projections.include("_id"))
                    .sort(new BsonDocument("_id", new BsonInt32(direction))).first();
            return first == null ? outermost : IdBracket.of(first.get("_id"));
        } catch (MongoCommandException e) {
            LOG.info("{}: the server could not sort ids ({}); probing every _id type", collection.getNamespace(), e.getErrorMessage());
            return outermost;
        }
    }
    /**
     * Whether any document's {@code field} falls in the bracket. A server that cannot even query the bracket's type
     * cannot store it, so a rejected query means no.
     */
    static boolean holds(MongoCollection<BsonDocument> collection, String field, IdBracket bracket) {
        try {
            return collection.find(filter(field, bracket, null, null)).projection(Projections.include("_id")).limit(1).first() != null;
        } catch (MongoCommandException e) {
            LOG.debug("{} cannot query {} of type {}: {}", collection.getNamespace(), field, bracket, e.getMessage());
            return false;
        }
    }

    /**
     * Plans partitions from a sample of ids sorted in MongoDB's order and the brackets of the smallest
     * and largest id. A bracket in between that the sample missed gets one partition when
     * {@code unsampledBracketHoldsIds} says it holds ids.
     */
    static List<Partition> plan(List<BsonValue> sortedSample, IdBracket minBracket, IdBracket maxBracket, int target,
                                Predicate<IdBracket> unsampledBracketHoldsIds) {
        Map<IdBracket, List<BsonValue>> byBracket = new LinkedHashMap<>();
        for (BsonValue id : sortedSample) {
            byBracket.computeIfAbsent(IdBracket.of(id), b -> new ArrayList<>()).add(id);
        }
        Map<IdBracket, List<BsonValue>> splitsByBracket = new LinkedHashMap<>();
        byBracket.forEach((bracket, ids) -> {
            int parts = (int) Math.max(1, Math.round((double) target * ids.size() / sortedSample.size()));
            List<BsonValue> splits = new ArrayList<>();
            for (int i = 1; i < parts; i++) {
                BsonValue split = ids.get((int) ((long) i * ids.size() / parts));
                if (splits.isEmpty() ? !split.equals(ids.get(0)) : !split.equals(splits.get(splits.size() - 1))) {
                    splits.add(split);
                }
            }
            splitsByBracket.put(bracket, splits);
        });
        return partitions("_id", splitsByBracket, minBracket, maxBracket, unsampledBracketHoldsIds);
    }

    /**
     * Partitions on {@code field} between two brackets: each bracket that {@code splitsByBracket} names is cut at its
     * split points (in MongoDB's order); each other bracket gets one partition when {@code holds} says it holds values.
     */
    static List<Partition> partitions(String field, Map<IdBracket, List<BsonValue>> splitsByBracket, IdBracket minBracket,
                                      IdBracket maxBracket, Predicate<IdBracket> holds) {
        List<BsonDocument> filters = new ArrayList<>();
        for (IdBracket bracket : IdBracket.values()) {
            if (bracket.ordinal() < minBracket.ordinal() || bracket.ordinal() > maxBracket.ordinal()) {
                continue; // no value sorts below the smallest or above the largest
            }
            List<BsonValue> splits = splitsByBracket.get(bracket);
            if (splits == null && !holds.test(bracket)) {
                continue;
            }
            BsonValue lower = null;
            List<BsonValue> cuts = splits == null ? List.of() : splits;
            for (int i = 0; i <= cuts.size(); i++) {
                BsonValue upper = i < cuts.size() ? cuts.get(i) : null;
                filters.add(filter(field, bracket, lower, upper));
                lower = upper;
            }
        }
        List<Partition> partitions = new ArrayList<>(filters.size());
        for (int i = 0; i < filters.size(); i++) {
            partitions.add(new Partition(i, filters.get(i)));
        }
        return partitions;
    }

    static BsonDocument filter(IdBracket bracket, BsonValue lowerInclusive, BsonValue upperExclusive) {
        return filter("_id", bracket, lowerInclusive, upperExclusive);
    }

    /**
     * The condition on {@code field} for the bracket's values in {@code [lower, upper)} (open where {@code null}). A
     * field other than {@code _id} may be missing, which MongoDB sorts and shards as null: the null bracket then
     * matches missing and null ({@code $eq: null}; before 8.0 also the deprecated undefined, whose documents a copy
     * of the undefined bracket then reads again, and the copy skips as already there).
     */
    static BsonDocument filter(String field, IdBracket bracket, BsonValue lowerInclusive, BsonValue upperExclusive) {
        BsonDocument condition = bracket == IdBracket.NULL && !field.equals("_id")
                ? new BsonDocument("$eq", BsonNull.VALUE) : bracket.membership();
        if (lowerInclusive != null) {
            condition.put("$gte", lowerInclusive);
        }
        if (upperExclusive != null) {
            condition.put("$not", new BsonDocument("$gte", upperExclusive));
        }
        return new BsonDocument(field, condition);
    }
}
