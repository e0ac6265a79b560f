package dev.livemigrate;

import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What verification found for one namespace: each verifier fills in what it checks (a figure it does not
 * check stays unknown: {@code -1} or {@code null}), and {@link VerificationReport} merges them.
 *
 * @param source               the source namespace
 * @param destination          the destination namespace it was migrated to
 * @param sourceDocuments      documents on the source, or {@code -1} when not counted
 * @param destinationDocuments documents on the destination, or {@code -1} when not counted
 * @param sourceDigest         an order-independent digest of every source document's bytes (hex), or {@code null}
 * @param destinationDigest    the same for the destination; equal digests mean equal documents
 * @param mismatchTotal        documents that are missing, extra or different after re-checking; a verifier that
 *                             cannot name every differing document counts the rest here too (a lower bound), so a
 *                             difference it could not name is never reported equal
 * @param mismatches           the first of them, at most {@link #MAX_LISTED}
 * @param indexDifferences     index definitions that differ, one sentence each
 * @param optionDifferences    collection options that differ (capped, validator, collation, ...), one sentence each
 * @param otherDifferences     what other verifiers found, one sentence each
 * @param documentsHashed      source documents whose bytes were hashed
 * @param bytesHashed          bytes of those documents
 * @since 0.1
 */
public record NamespaceVerification(
        Namespace source,
        Namespace destination,
        long sourceDocuments,
        long destinationDocuments,
        String sourceDigest,
        String destinationDigest,
        long mismatchTotal,
        List<Mismatch> mismatches,
        List<String> indexDifferences,
        List<String> optionDifferences,
        List<String> otherDifferences,
        long documentsHashed,
        long bytesHashed) {

    /** The most mismatched documents listed per namespace; {@link #mismatchTotal()} counts them all. */
    public static final int MAX_LISTED = 100;

    /** A document that differs, by {@code _id}. */
    public record Mismatch(Kind kind, BsonValue id) {

        /** MISSING: only on the source; EXTRA: only on the destination; DIFFERENT: bytes differ. */
        public enum Kind { MISSING, EXTRA, DIFFERENT }

        public Mismatch {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(id, "id");
        }

        @Override
        public String toString() {
            return kind.name().toLowerCase(java.util.Locale.ROOT) + " " + Json.value(id);
        }
    }

    public NamespaceVerification {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        mismatches = List.copyOf(mismatches.subList(0, Math.min(MAX_LISTED, mismatches.size())));
        indexDifferences = List.copyOf(indexDifferences);
        optionDifferences = List.copyOf(optionDifferences);
        otherDifferences = List.copyOf(otherDifferences);
    }

    /** A blank result for a namespace, to fill in with the {@code with...} methods. */
    public static NamespaceVerification of(Namespace source, Namespace destination) {
        return new NamespaceVerification(source, destination, -1, -1, null, null, 0, List.of(), List.of(), List.of(), List.of(), 0, 0);
    }

    /**
     * Whether nothing differs in what was checked. Where documents were hashed, the re-checked mismatches
     * decide: digests and counts are snapshots taken while a live source may still change, so they can differ
     * for documents that converged on re-check.
     */
    public boolean equal() {
        boolean documentsEqual = hashed() ? mismatchTotal == 0 : sourceDocuments == destinationDocuments;
        return documentsEqual && indexDifferences.isEmpty() && optionDifferences.isEmpty() && otherDifferences.isEmpty();
    }

    private boolean hashed() {
        return sourceDigest != null;
    }

    public NamespaceVerification withCounts(long source, long destination) {
        return new NamespaceVerification(this.source, this.destination, source, destination, sourceDigest, destinationDigest,
                mismatchTotal, mismatches, indexDifferences, optionDifferences, otherDifferences, documentsHashed, bytesHashed);
    }

    public NamespaceVerification withDigests(String source, String destination, long documentsHashed, long bytesHashed) {
        return new NamespaceVerification(this.source, this.destination, sourceDocuments, destinationDocuments, source, destination,
                mismatchTotal, mismatches, indexDifferences, optionDifferences, otherDifferences, documentsHashed, bytesHashed);
    }

    /** The mismatches: {@code total} of them, of which the first {@link #MAX_LISTED} of {@code listed} are kept. */
    public NamespaceVerification withMismatches(long total, List<Mismatch> listed) {
        return new NamespaceVerification(source, destination, sourceDocuments, destinationDocuments, sourceDigest, destinationDigest,
                total, listed, indexDifferences, optionDifferences, otherDifferences, documentsHashed, bytesHashed);
    }

    public NamespaceVerification withIndexDifferences(List<String> differences) {
        return new NamespaceVerification(source, destination, sourceDocuments, destinationDocuments, sourceDigest, destinationDigest,
                mismatchTotal, mismatches, concat(indexDifferences, differences), optionDifferences, otherDifferences,
                documentsHashed, bytesHashed);
    }

    public NamespaceVerification withOptionDifferences(List<String> differences) {
        return new NamespaceVerification(source, destination, sourceDocuments, destinationDocuments, sourceDigest, destinationDigest,
                mismatchTotal, mismatches, indexDifferences, concat(optionDifferences, differences), otherDifferences,
                documentsHashed, bytesHashed);
    }

    public NamespaceVerification withOtherDifferences(List<String> differences) {
        return new NamespaceVerification(source, destination, sourceDocuments, destinationDocuments, sourceDigest, destinationDigest,
                mismatchTotal, mismatches, indexDifferences, optionDifferences, concat(otherDifferences, differences),
                documentsHashed, bytesHashed);
    }

    /**
     * This result with what {@code other} (another verifier's, for the same namespace) knows and this does not:
     * figures this lacks are taken, mismatches and differences are added.
     */
    public NamespaceVerification merge(NamespaceVerification other) {
        if (!source.equals(other.source) || !destination.equals(other.destination)) {
            throw new IllegalArgumentException("cannot merge " + other.source + " into " + source);
        }
        boolean counted = sourceDocuments >= 0;
        boolean hashed = sourceDigest != null;
        List<Mismatch> listed = new ArrayList<>(mismatches);
        listed.addAll(other.mismatches);
        return new NamespaceVerification(source, destination,
                counted ? sourceDocuments : other.sourceDocuments, counted ? destinationDocuments : other.destinationDocuments,
                hashed ? sourceDigest : other.sourceDigest, hashed ? destinationDigest : other.destinationDigest,
                mismatchTotal + other.mismatchTotal, listed, concat(indexDifferences, other.indexDifferences),
                concat(optionDifferences, other.optionDifferences), concat(otherDifferences, other.otherDifferences),
                documentsHashed + other.documentsHashed, bytesHashed + other.bytesHashed);
    }

    /** Every difference as a sentence naming the namespace. */
    public List<String> differences() {
        List<String> all = new ArrayList<>();
        if (sourceDocuments != destinationDocuments && (!hashed() || mismatchTotal > 0)) {
            all.add(source + " has " + sourceDocuments + " documents, " + destination + " has " + destinationDocuments);
        }
        if (mismatchTotal > 0) {
            all.add(source + " -> " + destination + ": " + mismatchTotal + " document(s) differ: "
                    + String.join(", ", mismatches.stream().map(Mismatch::toString).toList())
                    + (mismatchTotal > mismatches.size() ? " and " + (mismatchTotal - mismatches.size()) + " more" : ""));
        }
        all.addAll(indexDifferences);
        all.addAll(optionDifferences);
        all.addAll(otherDifferences);
        return all;
    }

    BsonDocument toBson() {
        BsonArray listed = new BsonArray();
        mismatches.forEach(m -> listed.add(new BsonDocument("kind", new BsonString(m.kind().name())).append("_id", m.id())));
        return new BsonDocument("source", new BsonString(source.fullName()))
                .append("destination", new BsonString(destination.fullName()))
                .append("equal", org.bson.BsonBoolean.valueOf(equal()))
                .append("sourceDocuments", new BsonInt64(sourceDocuments))
                .append("destinationDocuments", new BsonInt64(destinationDocuments))
                .append("sourceDigest", sourceDigest == null ? BsonNull.VALUE : new BsonString(sourceDigest))
                .append("destinationDigest", destinationDigest == null ? BsonNull.VALUE : new BsonString(destinationDigest))
                .append("mismatchTotal", new BsonInt64(mismatchTotal))
                .append("mismatches", listed)
                .append("indexDifferences", strings(indexDifferences))
                .append("optionDifferences", strings(optionDifferences))
                .append("otherDifferences", strings(otherDifferences))
                .append("documentsHashed", new BsonInt64(documentsHashed))
                .append("bytesHashed", new BsonInt64(bytesHashed));
    }

    private static BsonArray strings(List<String> values) {
        BsonArray array = new BsonArray();
        values.forEach(v -> array.add(new BsonString(v)));
        return array;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        if (b.isEmpty()) {
            return a;
        }
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
