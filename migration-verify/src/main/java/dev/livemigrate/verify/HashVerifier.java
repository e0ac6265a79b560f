package dev.livemigrate.verify;

import com.google.auto.service.AutoService;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import dev.livemigrate.Namespace;
import dev.livemigrate.NamespaceVerification;
import dev.livemigrate.NamespaceVerification.Mismatch;
import dev.livemigrate.spi.Verifier;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Compares every document's raw bytes (so field order and numeric types count). Each side is read once
 * into {@value #BUCKETS} order-independent bucket digests (documents spread by a hash of their {@code _id}),
 * so memory stays bounded whatever the collection size; the buckets together give the namespace's digest.
 *
 * <p>Only the buckets that differ are read again to name each missing, extra or different document
 * ({@link DocumentsById}: two documents with one {@code _id} stay two), in passes of at most
 * {@link Limits#passDocuments} documents (or one bucket, if a bucket is larger). The drill-down stops after
 * {@link Limits#passes} passes, or as soon as {@link Limits#tracked} mismatches are named; the documents of the
 * buckets it did not read are then counted per bucket (at least the difference of the two sides' counts, and at
 * least one) and reported as a lower bound, never as equal. So the whole comparison reads each side at most
 * {@code 1 + passes} times, however widespread the differences.
 *
 * <p>A named difference is re-read by {@code _id} (every document with that {@code _id}, on both sides) before it
 * is reported ({@link Rechecks}: while a migration syncs, until it has applied past the time the source was
 * read), so documents still changing on a live source do not show up as false mismatches.
 *
 * <p>Why buckets by {@code _id} hash and not {@code _id} ranges: a range split must be type-bracketed and
 * needs split points (sampling, which not every server does well); hash buckets need neither, cost the same
 * single scan per side, and a changed document disturbs only its own bucket.
 */
@AutoService(Verifier.class)
public final class HashVerifier extends NamespaceVerifier {

    static final int BUCKETS = 4096;

    /**
     * How much a drill-down may do.
     *
     * @param tracked       most mismatches named (re-checked, and the first of them listed) per namespace
     * @param passDocuments most documents held in memory by one drill-down pass (both sides counted)
     * @param passes        most drill-down passes, each reading both collections once
     */
    record Limits(int tracked, long passDocuments, int passes) {
        static final Limits DEFAULT = new Limits(10_000, 100_000, 3);
    }

    private final Limits limits;

    public HashVerifier() {
        this(Limits.DEFAULT);
    }

    HashVerifier(Limits limits) {
        this.limits = limits;
    }

    @Override
    public String name() {
        return "hash";
    }

    @Override
    NamespaceVerification compare(Clients c, NamespaceVerification n) {
        Outcome o = compare(collection(c.source, n.source()), collection(c.destination, n.destination()),
                cursorBatch(c.source, n.source()), limits, c.rechecks);
        NamespaceVerification r = n.withDigests(o.sourceDigest, o.destinationDigest, o.documents, o.bytes).withMismatches(o.total, o.tracked);
        return o.unnamed == 0 ? r : r.withOtherDifferences(List.of(n.source() + " -> " + n.destination() + ": at least " + o.unnamed
                + " more document(s) differ in " + o.unnamedBuckets + " bucket(s) not read again (the drill-down stops at "
                + limits.tracked() + " mismatches or " + limits.passes() + " passes); counted from the buckets' sizes, not named"));
    }

    private static MongoCollection<RawBsonDocument> collection(MongoClient client, Namespace ns) {
        return client.getDatabase(ns.database()).getCollection(ns.collection(), RawBsonDocument.class);
    }

    /**
     * What one namespace comparison found: the digests, the source's documents and bytes hashed, the
     * mismatches tracked and their total (tracked, those named over the bound, and {@code unnamed}: the lower
     * bound counted in {@code unnamedBuckets} buckets the drill-down did not read).
     */
    record Outcome(String sourceDigest, String destinationDigest, long documents, long bytes, List<Mismatch> tracked, long total,
                   long unnamed, int unnamedBuckets) {
    }

    /** Compares two collections; the source and destination are read in parallel. */
    static Outcome compare(MongoCollection<RawBsonDocument> source, MongoCollection<RawBsonDocument> destination, int cursorBatch,
                           Limits limits, Rechecks rechecks) {
        CompletableFuture<Buckets> s = CompletableFuture.supplyAsync(() -> Buckets.of(source, cursorBatch));
        Buckets d = Buckets.of(destination, cursorBatch);
        Buckets sb = s.join();
        List<Integer> differing = new ArrayList<>();
        for (int b = 0; b < BUCKETS; b++) {
            if (sb.count[b] != d.count[b] || sb.sumHigh[b] != d.sumHigh[b] || sb.sumLow[b] != d.sumLow[b]) {
                differing.add(b);
            }
        }
        List<Mismatch> tracked = new ArrayList<>();
        long untracked = 0;
        long unnamed = 0;
        int unnamedBuckets = 0;
        int done = 0;
        for (Set<Integer> pass : passes(differing, sb, d, limits.passDocuments())) {
            if (done == limits.passes() || tracked.size() >= limits.tracked()) {
                for (int b : pass) {
                    unnamed += Math.max(1, Math.abs(sb.count[b] - d.count[b]));
                    unnamedBuckets++;
                }
                continue;
            }
            done++;
            for (Mismatch m : drillDown(source, destination, pass, cursorBatch)) {
                if (tracked.size() < limits.tracked()) {
                    tracked.add(m);
                } else {
                    untracked++;
                }
            }
        }
        if (!tracked.isEmpty()) {
            tracked = rechecks.until(tracked, (still, betweenSides) -> recheck(source, destination, still, betweenSides));
        }
        return new Outcome(sb.digest(), d.digest(), sb.documents, sb.bytes, tracked, tracked.size() + untracked + unnamed,
                unnamed, unnamedBuckets);
    }

    /** The differing buckets in groups of at most {@code passDocuments} documents (both sides counted). */
    static List<Set<Integer>> passes(List<Integer> differing, Buckets source, Buckets destination, long passDocuments) {
        List<Set<Integer>> passes = new ArrayList<>();
        Set<Integer> current = new HashSet<>();
        long documents = 0;
        for (int b : differing) {
            long size = source.count[b] + destination.count[b];
            if (!current.isEmpty() && documents + size > passDocuments) {
                passes.add(current);
                current = new HashSet<>();
                documents = 0;
            }
            current.add(b);
            documents += size;
        }
        if (!current.isEmpty()) {
            passes.add(current);
        }
        return passes;
    }

    private static List<Mismatch> drillDown(MongoCollection<RawBsonDocument> source, MongoCollection<RawBsonDocument> destination,
                                            Set<Integer> buckets, int cursorBatch) {
        return DocumentsById.compare(digestsIn(source, buckets, cursorBatch), digestsIn(destination, buckets, cursorBatch));
    }

    /**
     * Reads every document with each mismatched {@code _id} again on both sides (every one: there may be more
     * than one), the source first, and keeps what still differs.
     */
    private static Rechecks.Outcome<Mismatch> recheck(MongoCollection<RawBsonDocument> source, MongoCollection<RawBsonDocument> destination,
                                                      List<Mismatch> mismatches, Runnable betweenSides) {
        Map<Object, BsonValue> ids = new LinkedHashMap<>();
        mismatches.forEach(m -> ids.putIfAbsent(DocumentsById.key(m.id()), m.id()));
        Map<BsonValue, DocumentsById> sourceSide = new LinkedHashMap<>();
        Map<Object, List<String>> sourceState = new HashMap<>();
        for (BsonValue id : ids.values()) {
            DocumentsById read = digestsOf(source.find(new BsonDocument("_id", id)));
            sourceSide.put(id, read);
            sourceState.putAll(read.state());
        }
        betweenSides.run();
        List<Mismatch> still = new ArrayList<>();
        Map<Object, List<String>> destinationState = new HashMap<>();
        sourceSide.forEach((id, read) -> {
            DocumentsById there = digestsOf(destination.find(new BsonDocument("_id", id)));
            destinationState.putAll(there.state());
            still.addAll(DocumentsById.compare(read, there));
        });
        return new Rechecks.Outcome<>(still, List.of(sourceState, destinationState));
    }

    private static DocumentsById digestsOf(Iterable<RawBsonDocument> documents) {
        DocumentsById found = new DocumentsById();
        MessageDigest md5 = md5();
        documents.forEach(d -> found.add(d, HexFormat.of().formatHex(md5.digest(bytes(d)))));
        return found;
    }

    private static DocumentsById digestsIn(MongoCollection<RawBsonDocument> collection, Set<Integer> buckets, int cursorBatch) {
        DocumentsById found = new DocumentsById();
        MessageDigest md5 = md5();
        for (RawBsonDocument d : collection.find().batchSize(cursorBatch)) {
            if (buckets.contains(bucketOf(DocumentsById.idOf(d)))) {
                found.add(d, HexFormat.of().formatHex(md5.digest(bytes(d))));
            }
        }
        return found;
    }

    /**
     * About 8 MiB of documents per cursor batch, by the source collection's average document size (1,000
     * when the server does not say). Set explicitly: a server that ignores MongoDB's 16 MiB reply limit (the
     * embedded test server) would otherwise send the whole rest of a collection in one reply.
     */
    static int cursorBatch(MongoClient client, Namespace ns) {
        try {
            BsonDocument stats = client.getDatabase(ns.database()).runCommand(
                    new BsonDocument("collStats", new BsonString(ns.collection())), BsonDocument.class);
            BsonValue average = stats.get("avgObjSize");
            if (average != null && average.isNumber() && average.asNumber().doubleValue() > 0) {
                return (int) Math.max(101, Math.min(100_000, (8 << 20) / average.asNumber().doubleValue()));
            }
        } catch (RuntimeException e) {
            // no collStats: the default below
        }
        return 1000;
    }

    static int bucketOf(BsonValue id) {
        int h = id.hashCode() * 0x9E3779B9;
        return (h ^ (h >>> 16)) & (BUCKETS - 1);
    }

    static byte[] bytes(RawBsonDocument d) {
        ByteBuffer b = d.getByteBuffer().asNIO();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5"); // not for security: a 128-bit fingerprint of bytes
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Per bucket: document count and the wrapping sum of the documents' 128-bit digests. */
    static final class Buckets {
        final long[] count = new long[BUCKETS];
        final long[] sumHigh = new long[BUCKETS];
        final long[] sumLow = new long[BUCKETS];
        long documents;
        long bytes;

        /** The digest of every bucket: equal on both sides exactly when every bucket is. */
        String digest() {
            ByteBuffer all = ByteBuffer.allocate(BUCKETS * 3 * Long.BYTES);
            for (int b = 0; b < BUCKETS; b++) {
                all.putLong(count[b]).putLong(sumHigh[b]).putLong(sumLow[b]);
            }
            return HexFormat.of().formatHex(md5().digest(all.array()));
        }

        static Buckets of(MongoCollection<RawBsonDocument> collection, int cursorBatch) {
            Buckets b = new Buckets();
            MessageDigest md5 = md5();
            for (RawBsonDocument d : collection.find().batchSize(cursorBatch)) {
                byte[] bytes = bytes(d);
                b.bytes += bytes.length;
                ByteBuffer digest = ByteBuffer.wrap(md5.digest(bytes));
                int bucket = bucketOf(DocumentsById.idOf(d));
                b.count[bucket]++;
                b.sumHigh[bucket] += digest.getLong();
                b.sumLow[bucket] += digest.getLong();
                b.documents++;
            }
            return b;
        }
    }
}
