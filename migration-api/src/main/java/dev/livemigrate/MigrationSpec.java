package dev.livemigrate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Everything a migration needs to know: where to read, where to write, which namespaces, and how to
 * copy. Immutable; build one with {@link #builder()}.
 *
 * <p><b>Namespace patterns.</b> Includes and excludes are {@code database.collection} patterns in which
 * {@code *} stands for any run of characters: {@code sales.*}, {@code sales.orders}, {@code *.audit}.
 * No include means every namespace. An exclude wins over an include. Every pattern must match at least
 * one source namespace, so a typo fails loudly ({@link ErrorCode#PATTERN_MATCHES_NOTHING}).
 *
 * <p><b>Renames.</b> {@code sales.orders -> archive.orders2} renames one collection;
 * {@code sales.* -> archive.*} moves a whole database. The more specific rename wins.
 *
 * @since 0.1
 */
public final class MigrationSpec {

    /** Default bytes of documents per insert batch. */
    public static final int DEFAULT_BATCH_SIZE_BYTES = 8 * 1024 * 1024;
    /** Largest insert batch: MongoDB's maximum message size less headroom. */
    public static final int MAX_BATCH_SIZE_BYTES = 40 * 1024 * 1024;
    /** Default size of one copy partition. */
    public static final long DEFAULT_PARTITION_SIZE_BYTES = 64L * 1024 * 1024;
    /** Default number of partitions copied at once. */
    public static final int DEFAULT_COPY_PARALLELISM = 4;
    /** Default number of lanes that apply change events in parallel. */
    public static final int DEFAULT_APPLY_LANES = 8;
    /** Default lag under which the session turns READY_TO_CUTOVER. */
    public static final Duration DEFAULT_LAG_THRESHOLD = Duration.ofSeconds(10);
    /** Default length of the cutover window. */
    public static final Duration DEFAULT_CUTOVER_WINDOW = Duration.ofHours(120);
    /** Default extension of the cutover window. */
    public static final Duration DEFAULT_CUTOVER_WINDOW_EXTENSION = Duration.ofHours(24);
    /** Default warning ahead of the window's end (the whole window when the window is shorter). */
    public static final Duration DEFAULT_EXPIRY_WARNING = Duration.ofHours(24);
    /** Default time cutover may take to drain the last changes. */
    public static final Duration DEFAULT_CUTOVER_DRAIN_TIMEOUT = Duration.ofMinutes(10);
    /** Default time to find a reachable server on either side. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(15);
    /** Default {@link #applyBufferBytes()}: 64 MiB. */
    public static final long DEFAULT_APPLY_BUFFER_BYTES = 64L * 1024 * 1024;
    private static final long MIN_APPLY_BUFFER_BYTES = 1024 * 1024;
    /** Default {@link #retryBudget()}: 30 minutes. */
    public static final Duration DEFAULT_RETRY_BUDGET = Duration.ofMinutes(30);
    /** Default {@link #stallTimeout()}: 5 minutes. */
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration MIN_STALL_TIMEOUT = Duration.ofSeconds(1);

    private final String migrationId;
    private final SourceSettings source;
    private final String destination;
    private final List<String> includes;
    private final List<String> excludes;
    private final Map<String, String> renames;
    private final boolean clearDestination;
    private final boolean verify;
    private final int copyParallelism;
    private final int batchSizeBytes;
    private final long partitionSizeBytes;
    private final Duration connectTimeout;
    private final boolean continuousSync;
    private final UpdateMode updateMode;
    private final int applyLanes;
    private final Duration lagThreshold;
    private final Duration cutoverWindow;
    private final Duration cutoverWindowExtension;
    private final Duration expiryWarning;
    private final Duration cutoverDrainTimeout;
    private final Duration retryBudget;
    private final Duration stallTimeout;
    private final List<String> recopy;
    private final long applyBufferBytes;
    private final java.time.Clock clock;
    private final List<MigrationListener> listeners;
    private final List<String> acceptedUnfinishedChecks;
    private final Sharding sharding;

    private MigrationSpec(Builder b) {
        this.migrationId = b.migrationId;
        this.source = b.source;
        this.destination = b.destination;
        this.includes = List.copyOf(b.includes);
        this.excludes = List.copyOf(b.excludes);
        this.renames = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.renames));
        this.clearDestination = b.clearDestination;
        this.verify = b.verify;
        this.copyParallelism = b.copyParallelism;
        this.batchSizeBytes = b.batchSizeBytes;
        this.partitionSizeBytes = b.partitionSizeBytes;
        this.connectTimeout = b.connectTimeout;
        this.continuousSync = b.continuousSync;
        this.updateMode = b.updateMode;
        this.applyLanes = b.applyLanes;
        this.lagThreshold = b.lagThreshold;
        this.cutoverWindow = b.cutoverWindow;
        this.cutoverWindowExtension = b.cutoverWindowExtension;
        this.expiryWarning = b.expiryWarning;
        this.cutoverDrainTimeout = b.cutoverDrainTimeout;
        this.retryBudget = b.retryBudget;
        this.stallTimeout = b.stallTimeout;
        this.recopy = List.copyOf(b.recopy);
        this.applyBufferBytes = b.applyBufferBytes;
        this.clock = b.clock;
        this.listeners = List.copyOf(b.listeners);
        this.acceptedUnfinishedChecks = List.copyOf(b.acceptedUnfinishedChecks);
        this.sharding = b.sharding;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding every setting of {@code existing}, except {@link #recopy()}: that is an instruction for
     * one start, not a setting, and a spec built again (to resume, to restart a server) must not repeat it.
     */
    public static Builder builder(MigrationSpec existing) {
        Builder b = new Builder()
                .migrationId(existing.migrationId)
                .source(existing.source)
                .destination(existing.destination)
                .clearDestination(existing.clearDestination)
                .verify(existing.verify)
                .copyParallelism(existing.copyParallelism)
                .batchSizeBytes(existing.batchSizeBytes)
                .partitionSizeBytes(existing.partitionSizeBytes)
                .connectTimeout(existing.connectTimeout)
                .continuousSync(existing.continuousSync)
                .updateMode(existing.updateMode)
                .applyLanes(existing.applyLanes)
                .lagThreshold(existing.lagThreshold)
                .cutoverWindow(existing.cutoverWindow)
                .cutoverWindowExtension(existing.cutoverWindowExtension)
                .expiryWarning(existing.expiryWarning)
                .cutoverDrainTimeout(existing.cutoverDrainTimeout)
                .retryBudget(existing.retryBudget)
                .stallTimeout(existing.stallTimeout)
                .applyBufferBytes(existing.applyBufferBytes)
                .clock(existing.clock)
                .sharding(existing.sharding);
        b.includes.addAll(existing.includes);
        b.excludes.addAll(existing.excludes);
        b.renames.putAll(existing.renames);
        b.listeners.addAll(existing.listeners);
        b.acceptedUnfinishedChecks.addAll(existing.acceptedUnfinishedChecks);
        return b;
    }

    /** Identifies the migration; a session started again with the same id resumes it. */
    public String migrationId() {
        return migrationId;
    }

    public SourceSettings source() {
        return source;
    }

    /** The destination connection string. It may hold a password: print {@link #toString()} instead. */
    public String destination() {
        return destination;
    }

    public List<String> includes() {
        return includes;
    }

    public List<String> excludes() {
        return excludes;
    }

    /** Rename rules, source pattern to destination pattern, in the order they were given. */
    public Map<String, String> renames() {
        return renames;
    }

    /** Whether destination namespaces the migration writes are dropped first instead of reported as conflicts. */
    public boolean clearDestination() {
        return clearDestination;
    }

    /** Whether the destination is verified against the source after the migration. */
    public boolean verify() {
        return verify;
    }

    /** How many partitions are copied at once. */
    public int copyParallelism() {
        return copyParallelism;
    }

    /** Upper bound of the document bytes in one insert batch. */
    public int batchSizeBytes() {
        return batchSizeBytes;
    }

    /** Target size of one copy partition; larger collections are split by {@code _id}. */
    public long partitionSizeBytes() {
        return partitionSizeBytes;
    }

    /** How long to wait for a reachable server on either side before failing. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * Whether the session keeps applying the source's changes after the copy (the default). When false,
     * the session copies a snapshot and completes; use that only for a source nobody writes to.
     */
    public boolean continuousSync() {
        return continuousSync;
    }

    public UpdateMode updateMode() {
        return updateMode;
    }

    /** How many lanes apply change events in parallel; each document's changes stay in order in one lane. */
    public int applyLanes() {
        return applyLanes;
    }

    /** Lag at or under which the session turns READY_TO_CUTOVER. */
    public Duration lagThreshold() {
        return lagThreshold;
    }

    /** How long the cutover window stays open. */
    public Duration cutoverWindow() {
        return cutoverWindow;
    }

    /** How much {@link MigrationSession#extendCutoverWindow()} adds. */
    public Duration cutoverWindowExtension() {
        return cutoverWindowExtension;
    }

    /** How long before the window closes listeners are warned. */
    public Duration expiryWarning() {
        return expiryWarning;
    }

    /** How long cutover may take to apply the last changes before it gives up (and can be retried). */
    public Duration cutoverDrainTimeout() {
        return cutoverDrainTimeout;
    }

    /**
     * How long one outage may last: transient errors (network, no primary, elections) are retried with
     * backoff for up to this long, counted from the first failure of each operation, before the migration
     * fails with {@link ErrorCode#RETRY_BUDGET_EXHAUSTED}. Zero fails on the first such error.
     */
    public Duration retryBudget() {
        return retryBudget;
    }

    /**
     * How long the engine waits for a reply on a connection before it takes the connection for dead: a reply
     * that has not arrived after this long (a stalled network or server, with no error) fails the operation as
     * a network error, which is retried within {@link #retryBudget()}. Index builds and other commands that
     * may rightly run for hours are not bounded by it. Zero waits forever.
     */
    public Duration stallTimeout() {
        return stallTimeout;
    }

    /**
     * Source collections ({@code db.coll}, or {@code *} for every selected one) to copy again when this start
     * resumes an existing migration: each is dropped on the destination, copied again and followed from a start
     * point taken now, while the rest keeps its copy and its place in the change history. This is the way on
     * after {@link ErrorCode#CHANGE_HISTORY_LOST}, whose message names the collections to give here. Empty
     * (the default) copies nothing again.
     */
    public List<String> recopy() {
        return recopy;
    }

    /**
     * How many bytes of change events may wait in the apply lanes, all lanes together: once they hold this
     * much, the change streams stop reading until some are applied, so memory stays bounded whatever the
     * documents' sizes (an event larger than this passes alone).
     */
    public long applyBufferBytes() {
        return applyBufferBytes;
    }

    /** The clock of the cutover window and the report; tests inject their own. */
    public java.time.Clock clock() {
        return clock;
    }

    public List<MigrationListener> listeners() {
        return listeners;
    }

    /**
     * The pre-flight checks, by {@link dev.livemigrate.spi.Validator#name() name}, that may fail or run out of
     * time without refusing the start: their failure is then a WARNING instead of an ERROR. Empty by default.
     *
     * @since 0.1
     */
    public List<String> acceptedUnfinishedChecks() {
        return acceptedUnfinishedChecks;
    }

    /**
     * Which collections to shard on a sharded destination when the source does not say it; {@link Sharding#NONE}
     * by default. See {@link Sharding}.
     *
     * @since 0.1
     */
    public Sharding sharding() {
        return sharding;
    }

    @Override
    public String toString() {
        return "MigrationSpec{migrationId=" + migrationId
                + ", source=" + source
                + ", destination=" + Secrets.redactConnectionString(destination)
                + ", includes=" + includes
                + ", excludes=" + excludes
                + ", renames=" + renames
                + ", clearDestination=" + clearDestination
                + ", verify=" + verify
                + ", copyParallelism=" + copyParallelism
                + ", batchSizeBytes=" + batchSizeBytes
                + ", partitionSizeBytes=" + partitionSizeBytes
                + ", connectTimeout=" + connectTimeout
                + ", continuousSync=" + continuousSync
                + ", updateMode=" + updateMode
                + ", applyLanes=" + applyLanes
                + ", lagThreshold=" + lagThreshold
                + ", cutoverWindow=" + cutoverWindow
                + ", cutoverWindowExtension=" + cutoverWindowExtension
                + ", expiryWarning=" + expiryWarning
                + ", cutoverDrainTimeout=" + cutoverDrainTimeout
                + ", retryBudget=" + retryBudget
                + ", stallTimeout=" + stallTimeout
                + (recopy.isEmpty() ? "" : ", recopy=" + recopy)
                + ", applyBufferBytes=" + applyBufferBytes
                + ", acceptedUnfinishedChecks=" + acceptedUnfinishedChecks
                + (sharding.entries().isEmpty() && !sharding.createSupportingIndexes() ? "" : ", sharding=" + sharding) + "}";
    }

    /** Builds a {@link MigrationSpec}; {@link #build()} checks every setting. */
    public static final class Builder {
        private String migrationId;
        private SourceSettings source;
        private String destination;
        private final List<String> includes = new ArrayList<>();
        private final List<String> excludes = new ArrayList<>();
        private final Map<String, String> renames = new LinkedHashMap<>();
        private boolean clearDestination;
        private boolean verify;
        private int copyParallelism = DEFAULT_COPY_PARALLELISM;
        private int batchSizeBytes = DEFAULT_BATCH_SIZE_BYTES;
        private long partitionSizeBytes = DEFAULT_PARTITION_SIZE_BYTES;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private boolean continuousSync = true;
        private UpdateMode updateMode = UpdateMode.AUTO;
        private int applyLanes = DEFAULT_APPLY_LANES;
        private Duration lagThreshold = DEFAULT_LAG_THRESHOLD;
        private Duration cutoverWindow = DEFAULT_CUTOVER_WINDOW;
        private Duration cutoverWindowExtension = DEFAULT_CUTOVER_WINDOW_EXTENSION;
        /** {@code null} until set: then {@link #DEFAULT_EXPIRY_WARNING}, or the whole window when that is shorter. */
        private Duration expiryWarning;
        private Duration cutoverDrainTimeout = DEFAULT_CUTOVER_DRAIN_TIMEOUT;
        private Duration retryBudget = DEFAULT_RETRY_BUDGET;
        private Duration stallTimeout = DEFAULT_STALL_TIMEOUT;
        private final List<String> recopy = new ArrayList<>();
        private long applyBufferBytes = DEFAULT_APPLY_BUFFER_BYTES;
        private java.time.Clock clock = java.time.Clock.systemUTC();
        private final List<MigrationListener> listeners = new ArrayList<>();
        private final List<String> acceptedUnfinishedChecks = new ArrayList<>();
        private Sharding sharding = Sharding.NONE;

        private Builder() {
        }

        /** Letters, digits, {@code -} and {@code _}, at most 64; generated when not set. */
        public Builder migrationId(String migrationId) {
            this.migrationId = migrationId;
            return this;
        }

        public Builder source(SourceSettings source) {
            this.source = source;
            return this;
        }

        /** Shorthand for a {@link SourceSettings#selfManaged(String) self-managed} source. */
        public Builder source(String connectionString) {
            return source(SourceSettings.selfManaged(connectionString));
        }

        public Builder destination(String connectionString) {
            this.destination = connectionString;
            return this;
        }

        public Builder include(String pattern) {
            includes.add(Objects.requireNonNull(pattern, "pattern"));
            return this;
        }

        public Builder exclude(String pattern) {
            excludes.add(Objects.requireNonNull(pattern, "pattern"));
            return this;
        }

        public Builder rename(String from, String to) {
            renames.put(Objects.requireNonNull(from, "from"), Objects.requireNonNull(to, "to"));
            return this;
        }

        /**
         * Lets the start go ahead when the named pre-flight check (for example {@code oplog-window}) fails or runs
         * out of time: its failure becomes a WARNING. Without this, a check that can find ERRORs and could not
         * finish is an ERROR.
         */
        public Builder acceptUnfinishedCheck(String checkName) {
            acceptedUnfinishedChecks.add(Objects.requireNonNull(checkName, "checkName"));
            return this;
        }

        public Builder clearDestination(boolean clearDestination) {
            this.clearDestination = clearDestination;
            return this;
        }

        public Builder verify(boolean verify) {
            this.verify = verify;
            return this;
        }

        public Builder copyParallelism(int copyParallelism) {
            this.copyParallelism = copyParallelism;
            return this;
        }

        public Builder batchSizeBytes(int batchSizeBytes) {
            this.batchSizeBytes = batchSizeBytes;
            return this;
        }

        public Builder partitionSizeBytes(long partitionSizeBytes) {
            this.partitionSizeBytes = partitionSizeBytes;
            return this;
        }

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        public Builder continuousSync(boolean continuousSync) {
            this.continuousSync = continuousSync;
            return this;
        }

        public Builder updateMode(UpdateMode updateMode) {
            this.updateMode = Objects.requireNonNull(updateMode, "updateMode");
            return this;
        }

        public Builder applyLanes(int applyLanes) {
            this.applyLanes = applyLanes;
            return this;
        }

        public Builder lagThreshold(Duration lagThreshold) {
            this.lagThreshold = lagThreshold;
            return this;
        }

        public Builder cutoverWindow(Duration cutoverWindow) {
            this.cutoverWindow = cutoverWindow;
            return this;
        }

        public Builder cutoverWindowExtension(Duration cutoverWindowExtension) {
            this.cutoverWindowExtension = cutoverWindowExtension;
            return this;
        }

        /**
         * How long before the window closes listeners are warned: zero or positive, at most the window. Not set,
         * it is {@link #DEFAULT_EXPIRY_WARNING}, or the whole window when the window is shorter than that.
         */
        public Builder expiryWarning(Duration expiryWarning) {
            this.expiryWarning = expiryWarning;
            return this;
        }

        public Builder cutoverDrainTimeout(Duration cutoverDrainTimeout) {
            this.cutoverDrainTimeout = cutoverDrainTimeout;
            return this;
        }

        /** See {@link MigrationSpec#applyBufferBytes()}. */
        public Builder applyBufferBytes(long applyBufferBytes) {
            this.applyBufferBytes = applyBufferBytes;
            return this;
        }

        /** See {@link MigrationSpec#retryBudget()}. */
        public Builder retryBudget(Duration retryBudget) {
            this.retryBudget = retryBudget;
            return this;
        }

        /** Adds collections to {@link MigrationSpec#recopy()}. */
        public Builder recopy(Collection<String> namespaces) {
            namespaces.forEach(n -> recopy.add(Objects.requireNonNull(n, "namespace")));
            return this;
        }

        /** See {@link MigrationSpec#stallTimeout()}. */
        public Builder stallTimeout(Duration stallTimeout) {
            this.stallTimeout = stallTimeout;
            return this;
        }

        public Builder clock(java.time.Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** See {@link MigrationSpec#sharding()}. */
        public Builder sharding(Sharding sharding) {
            this.sharding = Objects.requireNonNull(sharding, "sharding");
            return this;
        }

        public Builder listener(MigrationListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Checks every setting and builds the spec.
         *
         * @throws ConfigurationException naming the first wrong setting, its value and the remedy
         */
        public MigrationSpec build() {
            if (migrationId == null) {
                migrationId = "m-" + UUID.randomUUID().toString().substring(0, 8);
            }
            if (!migrationId.matches("[A-Za-z0-9_-]{1,64}")) {
                throw invalid("migrationId '" + migrationId + "' is not valid",
                        "use 1 to 64 letters, digits, '-' or '_'");
            }
            if (source == null) {
                throw invalid("no source is set", "set a source, for example source(\"mongodb://host:27017\")");
            }
            if (destination == null || destination.isBlank()) {
                throw invalid("no destination is set", "set the destination connection string");
            }
            ConnectionStrings.parse(destination, "destination");
            if (copyParallelism < 1 || copyParallelism > 256) {
                throw invalid("copyParallelism " + copyParallelism + " is out of range", "use a value from 1 to 256");
            }
            if (applyLanes < 1 || applyLanes > 256) {
                throw invalid("applyLanes " + applyLanes + " is out of range", "use a value from 1 to 256");
            }
            if (batchSizeBytes < 16 * 1024 || batchSizeBytes > MAX_BATCH_SIZE_BYTES) {
                throw invalid("batchSizeBytes " + batchSizeBytes + " is out of range",
                        "use a value from 16384 to " + MAX_BATCH_SIZE_BYTES);
            }
            if (partitionSizeBytes < 1) {
                throw invalid("partitionSizeBytes " + partitionSizeBytes + " is out of range", "use a positive size");
            }
            positive("connectTimeout", connectTimeout);
            positive("cutoverWindow", cutoverWindow);
            positive("cutoverWindowExtension", cutoverWindowExtension);
            positive("cutoverDrainTimeout", cutoverDrainTimeout);
            if (applyBufferBytes < MIN_APPLY_BUFFER_BYTES) {
                throw invalid("applyBufferBytes " + applyBufferBytes + " is out of range",
                        "use at least " + MIN_APPLY_BUFFER_BYTES + " (1 MiB)");
            }
            if (retryBudget == null || retryBudget.isNegative()) {
                throw invalid("retryBudget " + retryBudget + " is not valid", "use zero or a positive duration");
            }
            if (stallTimeout == null || stallTimeout.isNegative()
                    || !stallTimeout.isZero() && stallTimeout.compareTo(MIN_STALL_TIMEOUT) < 0) {
                throw invalid("stallTimeout " + stallTimeout + " is not valid",
                        "use zero (wait forever) or at least 1 second: an idle change stream waits up to half a second for events");
            }
            for (String n : recopy) {
                if (!n.equals("*")) {
                    try {
                        Namespace.parse(n);
                    } catch (IllegalArgumentException e) {
                        throw invalid("recopy '" + n + "' is not a collection", "name a source collection as database.collection,"
                                + " or give * for every selected collection");
                    }
                }
            }
            if (lagThreshold == null) {
                throw invalid("lagThreshold is not set", "use zero or a positive duration");
            }
            if (lagThreshold.isNegative()) {
                throw invalid("lagThreshold " + lagThreshold + " is negative", "use zero or a positive duration");
            }
            if (expiryWarning == null) {
                expiryWarning = DEFAULT_EXPIRY_WARNING.compareTo(cutoverWindow) <= 0 ? DEFAULT_EXPIRY_WARNING : cutoverWindow;
            }
            if (expiryWarning.isNegative()) {
                throw invalid("expiryWarning " + expiryWarning + " is negative", "use zero or a positive duration");
            }
            if (expiryWarning.compareTo(cutoverWindow) > 0) {
                throw invalid("expiryWarning " + expiryWarning + " is longer than the cutoverWindow " + cutoverWindow,
                        "use at most the window, or leave expiryWarning unset (24 h, or the whole window when shorter)");
            }
            return new MigrationSpec(this);
        }

        private static void positive(String name, Duration value) {
            if (value == null) {
                throw invalid(name + " is not set", "use a positive duration");
            }
            if (value.isNegative() || value.isZero()) {
                throw invalid(name + " " + value + " is not positive", "use a positive duration");
            }
        }

        private static ConfigurationException invalid(String what, String remedy) {
            return new ConfigurationException(ErrorCode.INVALID_SPEC, what + ": " + remedy + ".");
        }
    }
}
