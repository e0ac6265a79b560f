package dev.livemigrate.verify;

import com.google.auto.service.AutoService;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import dev.livemigrate.Namespace;
import dev.livemigrate.spi.Verifier;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Compares every document's raw bytes (so field order and numeric types count). Each side is read once
 * into {@value #BUCKETS} order-independent bucket digests (documents spread by their {@code _id}), so
 * memory stays bounded whatever the collection size; only the buckets that differ are read again to
 * name each missing, extra or different document. A difference is re-read by {@code _id} a few times
 * before it is reported, so documents still changing on a live source do not show up as false mismatches.
 */
@AutoService(Verifier.class)
public final class HashVerifier extends NamespaceVerifier {

    static final int BUCKETS = 4096;
    /** Most mismatched ids named per namespace; the total is always given. */
    static final int MAX_NAMED = 20;
    private static final int RECHECK_ROUNDS = 5;
    private static final long RECHECK_PAUSE_MILLIS = 500;

    @Override
    public String name() {
        return "hash";
    }

    @Override
    List<String> compare(Clients c, Namespace source, Namespace destination) {
        Outcome o = compare(collection(c.source, source), collection(c.destination, destination));
        return o.mismatches.isEmpty() ? List.of() : List.of(source + " -> " + destination + ": " + o.describe());
    }

    @Override
    String whatWasEqual() {
        return "every document's bytes equal";
    }

    private static MongoCollection<RawBsonDocument> collection(MongoClient client, Namespace ns) {
        return client.getDatabase(ns.database()).getCollection(ns.collection(), RawBsonDocument.class);
    }

    /** One mismatch: {@code missing} (only in the source), {@code extra} (only in the destination) or {@code different}. */
    record Mismatch(String kind, BsonValue id) {
    }

    static final class Outcome {
        final long documents;
        final List<Mismatch> mismatches;

        Outcome(long documents, List<Mismatch> mismatches) {
            this.documents = documents;
            this.mismatches = mismatches;
        }

        String describe() {
            List<String> named = mismatches.stream().limit(MAX_NAMED).map(m -> m.kind() + " " + m.id()).toList();
            return mismatches.size() + " document(s) differ: " + String.join(", ", named)
                    + (mismatches.size() > MAX_NAMED ? " and " + (mismatches.size() - MAX_NAMED) + " more" : "");
        }
    }

    /** Compares two collections; the source and destination are read in parallel. */
    static Outcome compare(MongoCollection<RawBsonDocument> source, MongoCollection<RawBsonDocument> destination) {
        CompletableFuture<Buckets> s = CompletableFuture.supplyAsync(() -> Buckets.of(source));
        Buckets d = Buckets.of(destination);
        Buckets sb = s.join();
        Set<Integer> differing = new HashSet<>();
        for (int b = 0; b < BUCKETS; b++) {
            if (sb.count[b] != d.count[b] || sb.sumHigh[b] != d.sumHigh[b] || sb.sumLow[b] != d.sumLow[b]) {
                differing.add(b);
            }
        }
        List<Mismatch> mismatches = differing.isEmpty() ? List.of() : drillDown(source, destination, differing);
        for (int round = 0; round < RECHECK_ROUNDS && !mismatches.isEmpty(); round++) {
            if (round > 0) {
                pause(); // give a live migration time to apply what is still on its way
            }
            mismatches = recheck(source, destination, mismatches);
        }
        return new Outcome(sb.documents, mismatches);
    }

    private static void pause() {
        try {
            Thread.sleep(RECHECK_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<Mismatch> drillDown(MongoCollection<RawBsonDocument> source, MongoCollection<RawBsonDocument> destination,
                                            Set<Integer> buckets) {
        Map<BsonValue, String> s = digestsIn(source, buckets);
        Map<BsonValue, String> d = digestsIn(destination, buckets);
        List<Mismatch> found = new ArrayList<>();
        s.forEach((id, digest) -> {
            String other = d.get(id);
            if (other == null) {
                found.add(new Mismatch("missing", id));
            } else if (!other.equals(digest)) {
                found.add(new Mismatch("different", id));
            }
        });
        d.keySet().stream().filter(id -> !s.containsKey(id)).forEach(id -> found.add(new Mismatch("extra", id)));
        return found;
    }

    /** Reads each mismatched document again on both sides; keeps those that still differ. */
    private static List<Mismatch> recheck(MongoCollection<RawBsonDocument> source, MongoCollection<RawBsonDocument> destination,
                                          List<Mismatch> mismatches) {
        List<Mismatch> still = new ArrayList<>();
        for (Mismatch m : mismatches) {
            BsonDocument byId = new BsonDocument("_id", m.id());
            RawBsonDocument a = source.find(byId).first();
            RawBsonDocument b = destination.find(byId).first();
            if (a == null && b == null) {
                continue;
            }
            if (a == null) {
                still.add(new Mismatch("extra", m.id()));
            } else if (b == null) {
                still.add(new Mismatch("missing", m.id()));
            } else if (!java.util.Arrays.equals(bytes(a), bytes(b))) {
                still.add(new Mismatch("different", m.id()));
            }
        }
        return still;
    }

    private static Map<BsonValue, String> digestsIn(MongoCollection<RawBsonDocument> collection, Set<Integer> buckets) {
        Map<BsonValue, String> found = new HashMap<>();
        MessageDigest md5 = md5();
        for (RawBsonDocument d : collection.find()) {
            BsonValue id = d.get("_id");
            if (buckets.contains(bucketOf(id))) {
                found.put(id, java.util.HexFormat.of().formatHex(md5.digest(bytes(d))));
            }
        }
        return found;
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

        static Buckets of(MongoCollection<RawBsonDocument> collection) {
            Buckets b = new Buckets();
            MessageDigest md5 = md5();
            for (RawBsonDocument d : collection.find()) {
                ByteBuffer digest = ByteBuffer.wrap(md5.digest(bytes(d)));
                int bucket = bucketOf(d.get("_id"));
                b.count[bucket]++;
                b.sumHigh[bucket] += digest.getLong();
                b.sumLow[bucket] += digest.getLong();
                b.documents++;
            }
            return b;
        }
    }
}
