package dev.livemigrate;

/**
 * A snapshot of how far a migration has come. Totals are estimates taken when the copy was planned
 * (collection statistics), so copied figures may pass them when the source grows meanwhile.
 *
 * @param state               the session's state when the snapshot was taken
 * @param copiedBytes         bytes of documents copied so far (raw BSON size)
 * @param totalBytes          estimated bytes to copy
 * @param copiedDocuments     documents copied so far
 * @param totalDocuments      estimated documents to copy
 * @param collectionsDone     collections whose copy and index build finished
 * @param collectionsTotal    collections to copy
 * @param partitionsDone      copy partitions finished
 * @param partitionsTotal     copy partitions planned so far
 * @param lag                 how far the last applied change trails the source's newest operation; zero
 *                            when every change is applied, {@code null} before change capture starts
 * @param eventsApplied       change events applied by this session
 * @param eventsPerSecond     change events applied per second, over the last few seconds
 * @param catalogChanges      selected collections created, copied whole, renamed and dropped while syncing
 * @param indexConflicts      unique indexes the last cutover attempt could not restore because the
 *                            destination's documents break them, by {@code namespace.index}, with what the
 *                            server reported (the duplicate key, or the ids holding it); empty otherwise
 * @param indexesBuilt        secondary indexes the copy has built on the destination so far
 * @param retrying            the oldest operation retrying a transient error now, or {@code null}
 * @param retries             transient errors retried by this session so far
 * @param counters            running totals for monitoring (events read, apply batches and their time, retries by code)
 * @since 0.1
 */
public record MigrationProgress(
        MigrationState state,
        long copiedBytes,
        long totalBytes,
        long copiedDocuments,
        long totalDocuments,
        int collectionsDone,
        int collectionsTotal,
        int partitionsDone,
        int partitionsTotal,
        java.time.Duration lag,
        long eventsApplied,
        double eventsPerSecond,
        MigrationReport.CatalogChanges catalogChanges,
        java.util.Map<String, java.util.List<String>> indexConflicts,
        int indexesBuilt,
        Retrying retrying,
        long retries,
        Counters counters) {

    /**
     * Running totals of this session, for monitoring systems that take rates themselves.
     *
     * @param eventsRead     change events read from the source
     * @param applyBatches   batches of changes applied to the destination
     * @param applyTime      time spent applying those batches, all lanes summed
     * @param retriesByCode  transient errors retried, by {@link Retrying#code()}
     */
    public record Counters(long eventsRead, long applyBatches, java.time.Duration applyTime, java.util.Map<String, Long> retriesByCode) {
        public static final Counters NONE = new Counters(0, 0, java.time.Duration.ZERO, java.util.Map.of());

        public Counters {
            retriesByCode = java.util.Map.copyOf(retriesByCode);
        }
    }

    /**
     * An operation riding out a transient error: the state stays what it was meanwhile.
     *
     * @param what    the operation ("applying changes", "reading the change stream of db.coll", ...)
     * @param code    the error: the server's code name, or the driver's exception for a network error
     * @param attempt the attempt that comes next (2 after the first failure)
     * @param since   when this operation first failed
     */
    public record Retrying(String what, String code, int attempt, java.time.Instant since) {
        /** {@code retrying: <code>, attempt n, since t (what)}. */
        @Override
        public String toString() {
            return "retrying: " + code + ", attempt " + attempt + ", since " + since + " (" + what + ")";
        }
    }

    public MigrationProgress {
        counters = counters == null ? Counters.NONE : counters;
        catalogChanges = catalogChanges == null ? MigrationReport.CatalogChanges.NONE : catalogChanges;
        indexConflicts = java.util.Map.copyOf(indexConflicts);
    }

    /** A snapshot without retries. */
    public MigrationProgress(MigrationState state, long copiedBytes, long totalBytes, long copiedDocuments,
                             long totalDocuments, int collectionsDone, int collectionsTotal, int partitionsDone,
                             int partitionsTotal, java.time.Duration lag, long eventsApplied, double eventsPerSecond,
                             MigrationReport.CatalogChanges catalogChanges,
                             java.util.Map<String, java.util.List<String>> indexConflicts, int indexesBuilt) {
        this(state, copiedBytes, totalBytes, copiedDocuments, totalDocuments, collectionsDone, collectionsTotal,
                partitionsDone, partitionsTotal, lag, eventsApplied, eventsPerSecond, catalogChanges, indexConflicts,
                indexesBuilt, null, 0, Counters.NONE);
    }

    /** A snapshot without a count of indexes built. */
    public MigrationProgress(MigrationState state, long copiedBytes, long totalBytes, long copiedDocuments,
                             long totalDocuments, int collectionsDone, int collectionsTotal, int partitionsDone,
                             int partitionsTotal, java.time.Duration lag, long eventsApplied, double eventsPerSecond,
                             MigrationReport.CatalogChanges catalogChanges,
                             java.util.Map<String, java.util.List<String>> indexConflicts) {
        this(state, copiedBytes, totalBytes, copiedDocuments, totalDocuments, collectionsDone, collectionsTotal,
                partitionsDone, partitionsTotal, lag, eventsApplied, eventsPerSecond, catalogChanges, indexConflicts, 0);
    }

    /** A snapshot without catalog changes or index conflicts. */
    public MigrationProgress(MigrationState state, long copiedBytes, long totalBytes, long copiedDocuments,
                             long totalDocuments, int collectionsDone, int collectionsTotal, int partitionsDone,
                             int partitionsTotal, java.time.Duration lag, long eventsApplied, double eventsPerSecond) {
        this(state, copiedBytes, totalBytes, copiedDocuments, totalDocuments, collectionsDone, collectionsTotal,
                partitionsDone, partitionsTotal, lag, eventsApplied, eventsPerSecond, MigrationReport.CatalogChanges.NONE,
                java.util.Map.of());
    }

    /** The snapshot as one line of JSON ({@code "type": "progress"}; lag in milliseconds, null before capture starts). */
    public String toJson() {
        org.bson.BsonDocument d = new org.bson.BsonDocument("type", new org.bson.BsonString("progress"))
                .append("state", new org.bson.BsonString(state.name()))
                .append("lagMillis", lag == null ? org.bson.BsonNull.VALUE : new org.bson.BsonInt64(lag.toMillis()))
                .append("copiedBytes", new org.bson.BsonInt64(copiedBytes))
                .append("totalBytes", new org.bson.BsonInt64(totalBytes))
                .append("copiedDocuments", new org.bson.BsonInt64(copiedDocuments))
                .append("totalDocuments", new org.bson.BsonInt64(totalDocuments))
                .append("collectionsDone", new org.bson.BsonInt32(collectionsDone))
                .append("collectionsTotal", new org.bson.BsonInt32(collectionsTotal))
                .append("eventsApplied", new org.bson.BsonInt64(eventsApplied))
                .append("eventsPerSecond", new org.bson.BsonDouble(Math.round(eventsPerSecond * 10) / 10.0))
                .append("catalogChangesDuringSync", catalogChanges.toBson());
        if (!indexConflicts.isEmpty()) {
            org.bson.BsonDocument conflicts = new org.bson.BsonDocument();
            indexConflicts.forEach((index, keys) -> conflicts.append(index,
                    new org.bson.BsonArray(keys.stream().map(k -> (org.bson.BsonValue) new org.bson.BsonString(k)).toList())));
            d.append("indexConflicts", conflicts);
        }
        d.append("retries", new org.bson.BsonInt64(retries));
        if (retrying != null) {
            d.append("retrying", new org.bson.BsonDocument("what", new org.bson.BsonString(retrying.what()))
                    .append("code", new org.bson.BsonString(retrying.code()))
                    .append("attempt", new org.bson.BsonInt32(retrying.attempt()))
                    .append("since", new org.bson.BsonString(retrying.since().toString())));
        }
        return d.toJson(org.bson.json.JsonWriterSettings.builder().outputMode(org.bson.json.JsonMode.RELAXED).build());
    }

    /** Copied bytes as a fraction of the estimate, between 0 and 1 (1 when there is nothing to copy). */
    public double copiedFraction() {
        if (totalBytes <= 0) {
            return collectionsTotal == 0 || collectionsDone == collectionsTotal ? 1.0 : 0.0;
        }
        return Math.min(1.0, (double) copiedBytes / totalBytes);
    }
}
