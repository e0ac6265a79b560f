package dev.livemigrate.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livemigrate.MigrationState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The server's own small store, {@value #FILE} in the data directory: every migration it manages, with the body
 * it was created from (connection strings included, so that it can be resumed by id after a restart: the engine
 * keeps the checkpoints on the destination), the last state seen, and, once ended, its report or failure.
 * <pre>{@code {"migrations": [{"id", "createdAt", "body", "state", "push"?: {org, host, projectId, clusterName, attempt},
 *   "destinationUser"?: {name, password} | {refusal}, "report"?, "failure"?: {code, message}}]}}</pre>
 * The whole file is rewritten on each change (it is small), atomically.
 */
final class MigrationStore {

    private static final Logger LOG = LoggerFactory.getLogger(MigrationStore.class);

    static final String FILE = "migrations.json";

    private final DataDir dir;

    MigrationStore(DataDir dir) {
        this.dir = dir;
    }

    /** The migrations stored; a record that cannot be read any more is logged and left out. */
    List<ManagedMigration> load() {
        Path file = dir.file(FILE);
        List<ManagedMigration> loaded = new ArrayList<>();
        if (!Files.exists(file)) {
            return loaded;
        }
        JsonNode root;
        try {
            root = JsonSupport.tree(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(file + " is not valid JSON: repair or remove it", e);
        }
        for (JsonNode record : root.path("migrations")) {
            String id = record.path("id").asText();
            try {
                ManagedMigration m = new ManagedMigration(id, MigrationBody.parse(record.path("body")),
                        Instant.parse(record.path("createdAt").asText()), MigrationState.valueOf(record.path("state").asText()));
                JsonNode job = record.get("push");
                if (job != null) {
                    m.job = new RemoteSession.Job(job.path("org").asText(), job.path("host").asText(), job.path("projectId").asText(),
                            job.path("clusterName").asText(), job.path("attempt").asInt());
                }
                JsonNode user = record.get("destinationUser");
                if (user != null) {
                    m.destinationUser = new DestinationUsers.Temporary(user.path("name").asText(null), user.path("password").asText(null),
                            user.path("refusal").asText(null));
                }
                if (record.hasNonNull("report")) {
                    m.report = record.get("report");
                }
                if (record.hasNonNull("failure")) {
                    m.failure = new ManagedMigration.Failure(record.path("failure").path("code").asText(),
                            record.path("failure").path("message").asText());
                }
                loaded.add(m);
            } catch (RuntimeException e) {
                LOG.error("the stored migration '{}' cannot be read any more and is left out: {}", id, Errors.redact(e.getMessage()));
            }
        }
        return loaded;
    }

    /** Writes every migration. */
    synchronized void save(Collection<ManagedMigration> migrations) {
        ObjectNode root = JsonSupport.object();
        ArrayNode array = root.putArray("migrations");
        for (ManagedMigration m : migrations) {
            ObjectNode record = array.addObject().put("id", m.id).put("createdAt", m.createdAt.toString());
            record.set("body", m.body.json());
            record.put("state", m.lastState.name());
            RemoteSession.Job job = m.job;
            if (job != null) {
                record.putObject("push").put("org", job.org()).put("host", job.host()).put("projectId", job.projectId())
                        .put("clusterName", job.clusterName()).put("attempt", job.attempt());
            }
            DestinationUsers.Temporary user = m.destinationUser;
            if (user != null) {
                ObjectNode u = record.putObject("destinationUser");
                if (user.made()) {
                    u.put("name", user.name()).put("password", user.password());
                } else {
                    u.put("refusal", user.refusal());
                }
            }
            if (m.report != null) {
                record.set("report", m.report);
            }
            ManagedMigration.Failure failure = m.failure;
            if (failure != null) {
                record.putObject("failure").put("code", failure.code()).put("message", failure.message());
            }
        }
        dir.write(FILE, JsonSupport.bytes(root));
    }
}
