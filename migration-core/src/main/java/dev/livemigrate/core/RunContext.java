package dev.livemigrate.core;

import com.mongodb.client.MongoClient;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.core.catalog.Selection;
import dev.livemigrate.core.state.MetadataStore;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;

import java.time.Clock;

/**
 * What one run of a migration works with, resolved once by {@link DefaultMigrationEngine} before the
 * session starts and handed to every phase: nothing in it changes while the run lasts.
 *
 * @param spec            what the operator asked for
 * @param connections     both sides, connected
 * @param metadata        the migration's persisted state on the destination
 * @param selection       the selected source collections and where each goes
 * @param capturedStartAt the start point of change capture taken by this run before anything was read
 *                        ({@code null} for a one-time copy); a resumed migration keeps its recorded one
 * @param retries         how this run rides out transient errors, and what is retrying now
 */
public record RunContext(MigrationSpec spec, Connections connections, MetadataStore metadata, Selection selection,
                         BsonTimestamp capturedStartAt, RetryBudget retries) {

    /** With the retry budget the spec sets. */
    public RunContext(MigrationSpec spec, Connections connections, MetadataStore metadata, Selection selection,
                      BsonTimestamp capturedStartAt) {
        this(spec, connections, metadata, selection, capturedStartAt, new RetryBudget(spec.retryBudget(), spec.clock()));
    }

    /** The settings a resumed run must share with the first: which namespaces go where. */
    public BsonDocument fingerprint() {
        return DefaultMigrationEngine.fingerprint(spec);
    }

    public String id() {
        return spec.migrationId();
    }

    public MongoClient source() {
        return connections.sourceClient();
    }

    public MongoClient destination() {
        return connections.destinationClient();
    }

    public Clock clock() {
        return spec.clock();
    }
}
