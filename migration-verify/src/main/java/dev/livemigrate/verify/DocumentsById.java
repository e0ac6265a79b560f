package dev.livemigrate.verify;

import dev.livemigrate.NamespaceVerification.Mismatch;
import dev.livemigrate.NamespaceVerification.Mismatch.Kind;
import org.bson.BsonDocument;
import org.bson.BsonNull;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The documents of one side, grouped by {@code _id}, each as the digest of its bytes; and the comparison of two
 * such sides. Two documents with one {@code _id} stay two: a sharded collection whose shard key is not
 * {@code _id} can hold both, and a destination that holds one copy must not compare equal.
 *
 * <p>The grouping key is the {@code _id}'s type and bytes, numbers by value ({@code 1}, {@code NumberLong(1)}
 * and {@code 1.0} are one {@code _id} in MongoDB). It is never coarser than MongoDB's own equality, so no
 * document is hidden behind another: {@link BsonDocument#equals} would make {@code {a: 1, b: 2}} and
 * {@code {b: 2, a: 1}} one key, while MongoDB holds them as two {@code _id}s. Where it is finer (strings equal
 * under a collation) a difference shows as a missing and an extra document rather than a different one.
 */
final class DocumentsById {

    private static final BsonDocumentCodec CODEC = new BsonDocumentCodec();

    private final Map<Object, BsonValue> ids = new LinkedHashMap<>();
    private final Map<Object, List<String>> digests = new HashMap<>();

    /** Adds one document, by its {@code _id} (documents without one are grouped under {@code null}). */
    void add(RawBsonDocument document, String digest) {
        BsonValue id = idOf(document);
        Object key = key(id);
        ids.putIfAbsent(key, id);
        digests.computeIfAbsent(key, k -> new ArrayList<>(1)).add(digest);
    }

    /** Every {@code _id}'s digests, in an order-free form: equal for two reads of unchanged documents. */
    Map<Object, List<String>> state() {
        Map<Object, List<String>> state = new HashMap<>();
        digests.forEach((key, list) -> state.put(key, list.stream().sorted().toList()));
        return state;
    }

    /**
     * What differs between {@code source} and {@code destination}, one mismatch per document: per {@code _id},
     * the documents equal on both sides cancel out; of the rest, pairs are DIFFERENT, the surplus of the source
     * MISSING and of the destination EXTRA.
     */
    static List<Mismatch> compare(DocumentsById source, DocumentsById destination) {
        List<Mismatch> found = new ArrayList<>();
        source.ids.forEach((key, id) -> classify(id, source.digests.get(key), destination.digests.getOrDefault(key, List.of()), found));
        destination.ids.forEach((key, id) -> {
            if (!source.ids.containsKey(key)) {
                classify(id, List.of(), destination.digests.get(key), found);
            }
        });
        return found;
    }

    private static void classify(BsonValue id, List<String> source, List<String> destination, List<Mismatch> found) {
        List<String> onlyDestination = new ArrayList<>(destination);
        List<String> onlySource = new ArrayList<>();
        for (String digest : source) {
            if (!onlyDestination.remove(digest)) {
                onlySource.add(digest);
            }
        }
        int pairs = Math.min(onlySource.size(), onlyDestination.size());
        for (int i = 0; i < onlySource.size(); i++) {
            found.add(new Mismatch(i < pairs ? Kind.DIFFERENT : Kind.MISSING, id));
        }
        for (int i = pairs; i < onlyDestination.size(); i++) {
            found.add(new Mismatch(Kind.EXTRA, id));
        }
    }

    /** The document's {@code _id}, {@link BsonNull} when it has none. */
    static BsonValue idOf(RawBsonDocument document) {
        BsonValue id = document.get("_id");
        return id == null ? BsonNull.VALUE : id;
    }

    /** The grouping key of an {@code _id}: numbers by value, anything else by its BSON type and bytes. */
    static Object key(BsonValue id) {
        Object number = Values.numeric(id);
        if (number != null) {
            return number;
        }
        ByteBuffer bytes = new RawBsonDocument(new BsonDocument("", id), CODEC).getByteBuffer().asNIO();
        return ByteBuffer.allocate(bytes.remaining()).put(bytes).flip();
    }
}
