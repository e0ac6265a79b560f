package dev.livemigrate;

/**
 * Stable identifiers for every failure a caller can see. The names never change once released;
 * scripts and dashboards may match on them. Each code carries the exit code the CLI uses for it.
 *
 * @since 0.1
 */
public enum ErrorCode {
    /** A setting of the {@link MigrationSpec} is missing or out of range. */
    INVALID_SPEC(2),
    /** A connection string could not be parsed. */
    INVALID_CONNECTION_STRING(2),
    /** A namespace include, exclude or rename pattern is malformed. */
    INVALID_PATTERN(2),
    /** A namespace pattern matched no namespace of the source. */
    PATTERN_MATCHES_NOTHING(2),
    /** Two source namespaces would be written to the same destination namespace. */
    RENAME_CONFLICT(2),
    /** Source and destination are the same deployment. */
    SAME_SOURCE_AND_DESTINATION(2),
    /** The destination already holds namespaces the migration would write. */
    DESTINATION_NAMESPACE_CONFLICT(2),
    /** No source provider of the requested name is on the class path. */
    UNKNOWN_SOURCE_PROVIDER(2),
    /** A migration id is reused with a different namespace selection, or for a finished migration. */
    MIGRATION_ID_CONFLICT(2),
    /** A pre-flight check found an ERROR; the message lists every one. */
    VALIDATION_FAILED(2),
    /**
     * The source could not be reached or refused the connection; the message names the driver's reason (host not
     * found, connection refused, timeout, TLS handshake, authentication).
     */
    SOURCE_UNREACHABLE(2),
    /** The destination could not be reached or refused the connection; the message names the reason. */
    DESTINATION_UNREACHABLE(2),
    /** A CA file given for TLS does not exist or cannot be read. */
    CA_FILE_UNREADABLE(2),
    /** A CA file given for TLS holds no PEM certificate. */
    CA_FILE_NOT_PEM(2),
    /** No migration engine implementation was found through {@link java.util.ServiceLoader}. */
    ENGINE_NOT_FOUND(1),
    /** The source keeps no change history (a standalone server): only a one-time copy is possible. */
    SOURCE_HAS_NO_CHANGE_HISTORY(2),
    /**
     * The point to resume change capture from is no longer in the source's change history (the oplog
     * rolled over). The message names the collections whose changes may have been missed: resume the migration
     * with {@link MigrationSpec#recopy()} naming them to copy them again and keep the rest.
     */
    CHANGE_HISTORY_LOST(1),
    /** Applying a change event to the destination failed. */
    APPLY_FAILED(1),
    /** The operation is not allowed in the session's current state (for example cutover before READY_TO_CUTOVER). */
    INVALID_STATE(1),
    /** The source cannot block user writes ({@code setUserWriteBlockMode} needs MongoDB 6.0). */
    WRITE_BLOCKING_UNSUPPORTED(1),
    /** Cutover did not finish; the migration stays in sync and cutover can be tried again. */
    CUTOVER_FAILED(1),
    /**
     * At cutover, the destination's documents break a unique index of the source (the keys are in the
     * progress and the report); writes are unblocked, the migration stays in sync and cutover can be tried
     * again once the documents are fixed.
     */
    UNIQUE_INDEX_CONFLICT(1),
    /** The operator cancelled the migration. */
    CANCELLED(4),
    /** Verification found the destination different from the source. */
    VERIFICATION_FAILED(3),
    /** Copying a collection failed. */
    COPY_FAILED(1),
    /**
     * A server stayed unreachable (network errors, no primary, elections) for longer than the retry budget
     * ({@link MigrationSpec#retryBudget()}); what was done is kept and the migration resumes with the same id.
     */
    RETRY_BUDGET_EXHAUSTED(1),
    /** Creating a collection, view or index on the destination failed. */
    DESTINATION_WRITE_FAILED(1),
    /** The operation was interrupted or timed out while waiting. */
    INTERRUPTED(1),
    /**
     * A request to the control plane ({@code livemigrate serve}) is malformed: not JSON, too large, too deeply
     * nested, a field unknown or of the wrong type; the message names each bad field.
     */
    INVALID_REQUEST(2),
    /** A request to the control plane carried no API token, or a wrong one; nothing was done. */
    UNAUTHORIZED(2),
    /** The control plane knows no migration or validation of the requested id. */
    NOT_FOUND(2),
    /**
     * A link-token presented to the control plane is malformed, tampered with, signed by another server, or was
     * revoked or replaced by a newer one; nothing was done. Remedy: create a new token for the organization
     * ({@code livemigrate link create}) and give it to the migration host.
     */
    LINK_TOKEN_INVALID(2),
    /**
     * A valid link-token was used from an address outside the token's access list; nothing was done. Remedy: call
     * from an address on the list, or create a new token whose list holds the caller's address.
     */
    ACCESS_LIST_DENIED(2),
    /**
     * Ops Manager or Cloud Manager refused the API key of an {@code ops-manager} source (HTTP 401 or 403); nothing
     * was done. Remedy: check the public and private key, the key's role in the project, and the key's access list.
     */
    OPS_MANAGER_UNAUTHORIZED(2),
    /** Ops Manager or Cloud Manager knows no project of the id an {@code ops-manager} source names (HTTP 404). */
    OPS_MANAGER_PROJECT_NOT_FOUND(2),
    /**
     * The project of an {@code ops-manager} source holds no cluster of the given name, or the cluster has no host to
     * connect to; the message names the clusters that exist.
     */
    OPS_MANAGER_CLUSTER_NOT_FOUND(2),
    /**
     * Ops Manager or Cloud Manager could not be reached, answered with a server error, or kept answering 429 (too many
     * requests) after the retries; the message names the reason.
     */
    OPS_MANAGER_UNREACHABLE(2),
    /**
     * A sharding entry of the spec ({@link Sharding}) is malformed, names a collection the migration does not copy
     * (or a view, capped or time-series collection), has no supporting index on the source while
     * {@code createSupportingIndexes} is off, or is given for a destination that is not a sharded cluster; the
     * message names the entry and the remedy. Nothing was written.
     */
    INVALID_SHARDING_ENTRY(2),
    /**
     * The source is a sharded cluster whose shards ({@code listShards}) or sharding metadata ({@code config.collections},
     * {@code config.chunks}) the migration's user may not read, so its collections' shard keys are unknown. Remedy:
     * grant the user {@code clusterMonitor} on the source (beside {@code readAnyDatabase} and {@code backup}). Nothing
     * was written.
     */
    SHARDING_METADATA_UNREADABLE(2),
    /**
     * A push migration names a migration host that is not connected to the control plane (it never called, or has not
     * called for longer than it should), or the host stopped answering while the control plane waited for it. Remedy:
     * start {@code livemigrate agent} on that host with the organization's link-token, or name a connected host
     * ({@code GET /api/v1/orgs/{orgId}/availableProjects} lists them).
     */
    MIGRATION_HOST_OFFLINE(1),
    /**
     * A second migration-host agent called with the name of one that is connected; it was refused. Remedy: give each
     * agent its own {@code --name}, or stop the other one.
     */
    MIGRATION_HOST_CONFLICT(2),
    /** An unexpected internal error; the cause holds the details. */
    INTERNAL(1);

    private final int exitCode;

    ErrorCode(int exitCode) {
        this.exitCode = exitCode;
    }

    /** The process exit code the CLI uses when a command fails with this code. */
    public int exitCode() {
        return exitCode;
    }
}
