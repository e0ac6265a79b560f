package dev.livemigrate.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.MigrationSession;
import dev.livemigrate.MigrationState;
import dev.livemigrate.Namespace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * The {@code /api/v1/migrations} routes. Each parses, makes one library call on the migration's session (or on
 * {@link MigrationRegistry}, which starts sessions) and renders the result; a call the session's state does not
 * allow is the library's {@link ErrorCode#INVALID_STATE}, answered 409. Cutover and cancel return 202 at once:
 * cutover runs in the background ({@link MigrationSession#cutover} blocks until the end), and the migration
 * resource shows how it goes.
 */
final class MigrationRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(MigrationRoutes.class);

    private final MigrationRegistry registry;
    private final ValidationRuns validations;
    private final ExecutorService background;

    MigrationRoutes(MigrationRegistry registry, ValidationRuns validations, ExecutorService background) {
        this.registry = registry;
        this.validations = validations;
        this.background = background;
    }

    void register(Router router) {
        String base = "/api/v1/migrations";
        router.add("POST", base + "/validate", r -> Response.ok(validate(MigrationBody.parse(r.json()))))
                .add("GET", base + "/validate/{id}", r -> Response.ok(validations.get(r.parameter("id"))))
                .add("POST", base, r -> Response.json(201, MigrationView.of(registry.create(MigrationBody.parse(r.json())))))
                .add("GET", base, r -> list())
                .add("GET", base + "/{id}", r -> Response.ok(MigrationView.of(registry.get(r.parameter("id")))))
                .add("PUT", base + "/{id}/cutover", r -> cutover(registry.get(r.parameter("id")), r.json()))
                .add("POST", base + "/{id}/extend", r -> extend(registry.get(r.parameter("id"))))
                .add("POST", base + "/{id}/pause", r -> pause(registry.get(r.parameter("id"))))
                .add("POST", base + "/{id}/resume", r -> resume(registry.get(r.parameter("id")), recopy(r.jsonIfAny())))
                .add("POST", base + "/{id}/cancel", r -> cancel(registry.get(r.parameter("id"))))
                .add("GET", base + "/{id}/report", r -> report(registry.get(r.parameter("id"))));
    }

    /** A push migration is validated on its migration host, which alone reaches the source; others here. */
    private ObjectNode validate(MigrationBody body) {
        return body.push() ? validations.start(registry.validatePush(body)) : validations.start(body.spec().build());
    }

    private Response list() {
        ObjectNode body = JsonSupport.object();
        ArrayNode array = body.putArray("migrations");
        registry.all().forEach(m -> array.add(MigrationView.of(m)));
        return Response.ok(body);
    }

    /** {@code {writesStopped: true}} (the operator stopped the application's writes) or {@code {blockWrites: true}}. */
    private Response cutover(ManagedMigration m, JsonNode body) {
        if (!body.isObject()) {
            throw ApiException.badRequest("the body must be {\"writesStopped\": true} or {\"blockWrites\": true}, not "
                    + MigrationBody.kind(body));
        }
        for (Map.Entry<String, JsonNode> field : body.properties()) {
            if (!Set.of("writesStopped", "blockWrites").contains(field.getKey())) {
                throw ApiException.badRequest("unknown field '" + field.getKey() + "': the fields are writesStopped and blockWrites");
            }
            if (!field.getValue().isBoolean()) {
                throw ApiException.badRequest(field.getKey() + " must be true or false, not " + MigrationBody.kind(field.getValue()));
            }
        }
        boolean block = body.path("blockWrites").asBoolean(false);
        if (!block && !body.path("writesStopped").asBoolean(false)) {
            throw ApiException.badRequest("confirm the cutover: send {\"writesStopped\": true} once the application no longer"
                    + " writes to the source, or {\"blockWrites\": true} to have the engine block user writes on it (MongoDB 6.0+)");
        }
        MigrationSession session = running(m, "cut over");
        if (session.state() != MigrationState.READY_TO_CUTOVER || !m.cutoverRunning.compareAndSet(false, true)) {
            throw new MigrationException(ErrorCode.INVALID_STATE, "cannot cut over migration '" + m.id + "' while it is "
                    + (m.cutoverRunning.get() ? "already cutting over" : session.state()) + ": wait until readyForCutover is true");
        }
        m.cutoverFailure = null;
        background.execute(() -> {
            try {
                session.cutover(block);
            } catch (MigrationException e) {
                m.cutoverFailure = ManagedMigration.Failure.of(e);
                LOG.warn("migration {}: cutover did not complete: {}", m.id, Errors.redact(e.getMessage()));
            } finally {
                m.cutoverRunning.set(false);
            }
        });
        return Response.json(202, MigrationView.of(m));
    }

    private Response extend(ManagedMigration m) {
        running(m, "extend the cutover window of").extendCutoverWindow();
        return Response.ok(MigrationView.of(m));
    }

    private Response pause(ManagedMigration m) {
        running(m, "pause").pause();
        return Response.ok(MigrationView.of(m));
    }

    /**
     * A paused session resumes syncing; a migration that nothing runs (stopped, failed) is started again by id,
     * copying again the collections the optional body's {@code recopy} names (after a lost change history).
     */
    private Response resume(ManagedMigration m, List<String> recopy) {
        MigrationSession session = m.session;
        if (session != null && session.state() == MigrationState.PAUSED) {
            if (!recopy.isEmpty()) {
                throw new MigrationException(ErrorCode.INVALID_STATE, "cannot copy collections of migration '" + m.id
                        + "' again while it is PAUSED: recopy is for a migration that stopped or failed (cancel is not needed;"
                        + " resume it without recopy)");
            }
            session.resume();
        } else {
            registry.restart(m, recopy);
        }
        return Response.ok(MigrationView.of(m));
    }

    /** The resume body's {@code recopy}: none without a body; {@code {"recopy": ["db.coll", ...]}} otherwise. */
    private static List<String> recopy(JsonNode body) {
        if (body == null) {
            return List.of();
        }
        if (!body.isObject()) {
            throw ApiException.badRequest("the body must be {\"recopy\": [\"db.coll\", ...]} or empty, not " + MigrationBody.kind(body));
        }
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : body.properties()) {
            if (!field.getKey().equals("recopy")) {
                throw ApiException.badRequest("unknown field '" + field.getKey() + "': the only field is recopy");
            }
            JsonNode list = field.getValue();
            if (!list.isArray()) {
                throw ApiException.badRequest("recopy must be an array of collection names, not " + MigrationBody.kind(list));
            }
            for (int i = 0; i < list.size(); i++) {
                if (!list.get(i).isTextual()) {
                    throw ApiException.badRequest("recopy[" + i + "] must be a string (db.coll, or *), not " + MigrationBody.kind(list.get(i)));
                }
                String name = list.get(i).asText();
                if (!name.equals("*")) {
                    try {
                        Namespace.parse(name);
                    } catch (IllegalArgumentException e) {
                        throw ApiException.badRequest("recopy[" + i + "] '" + name + "' is not a collection: name a source collection"
                                + " as database.collection, or give * for every selected collection");
                    }
                }
                names.add(name);
            }
        }
        return names;
    }

    /** Cancels; a migration that nothing runs here (paused before a restart, or not resumable) is marked cancelled. */
    private Response cancel(ManagedMigration m) {
        MigrationSession session = m.session;
        if (session != null && !session.state().isTerminal()) {
            session.cancel();
        } else if (!m.ended() && !m.resuming) {
            m.lastState = MigrationState.CANCELLED;
            registry.save();
        } else {
            throw new MigrationException(ErrorCode.INVALID_STATE, "cannot cancel migration '" + m.id + "' while it is "
                    + m.state() + ": it has ended");
        }
        return Response.json(202, MigrationView.of(m));
    }

    private Response report(ManagedMigration m) {
        JsonNode report = m.report;
        if (report != null) {
            return Response.ok(report);
        }
        MigrationState state = m.state();
        MigrationSession session = m.session;
        if (session != null && state.isTerminal() && state != MigrationState.FAILED && state != MigrationState.STOPPED) {
            // ended a moment ago: the report is being kept
            return Response.ok(JsonSupport.tree(session.awaitCompletion(Duration.ofSeconds(10)).toJson()));
        }
        throw new MigrationException(ErrorCode.INVALID_STATE, "migration '" + m.id + "' has no report while it is " + state
                + (state == MigrationState.FAILED ? ": it failed (its error says why); resume it to try again"
                : ": the report is there once it has completed, been cancelled or expired"));
    }

    /** The session running the migration here. @throws MigrationException INVALID_STATE when none runs it */
    private static MigrationSession running(ManagedMigration m, String action) {
        MigrationSession session = m.session;
        if (session == null || session.state() == MigrationState.STOPPED) {
            throw new MigrationException(ErrorCode.INVALID_STATE, "cannot " + action + " migration '" + m.id + "' while it is "
                    + m.state() + ": nothing runs it in this server; resume it first");
        }
        return session;
    }
}
