package dev.livemigrate.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.MigrationListener;
import dev.livemigrate.MigrationProgress;
import dev.livemigrate.MigrationReport;
import dev.livemigrate.MigrationSession;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.MigrationState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A push migration as the control plane sees it: the session runs in a migration-host agent, and this mirror of it
 * is what {@link MigrationRegistry}, the routes and {@link MigrationView} use, like a session of this process. The
 * agent's polls feed it ({@link #update}: state, progress, cutover window, failure; {@link #report}); each call that
 * acts on the session (cutover, pause, resume, extend, cancel) becomes a command the agent takes with its next poll
 * ({@link #takeCommands}) and runs on its real session; the call waits for the agent's answer ({@link #answer}) and
 * fails as the agent's session failed (the same codes: {@code INVALID_STATE} and so on). When the host is not
 * connected, or stops answering, the call fails with {@link ErrorCode#MIGRATION_HOST_OFFLINE} and the command is
 * withdrawn, so it never runs later. {@link #cancel} returns once the command is queued, as the engine's does.
 * {@link #close} does nothing: the migration runs on the host, not here.
 */
final class RemoteSession implements MigrationSession {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteSession.class);

    /** Where the migration runs: the organization, the host, the cluster, and the attempt (a resume is a new one). */
    record Job(String org, String host, String projectId, String clusterName, int attempt) {
    }

    /** Whether a host is connected now; told when a command is queued, so that a held poll of the host answers at once. */
    interface Presence {
        boolean online(String org, String host);

        void wake();
    }

    private final MigrationSpec spec;
    private final Job job;
    private final ObjectNode body;
    private final Presence presence;
    private final Duration commandWait;
    private final List<ObjectNode> outbox = new ArrayList<>();
    private final Map<String, CompletableFuture<JsonNode>> pending = new LinkedHashMap<>();
    /** Completes once the agent started the session, or exceptionally with why it could not. */
    final CompletableFuture<Void> started = new CompletableFuture<>();
    private final CompletableFuture<MigrationState> ended = new CompletableFuture<>();

    private volatile MigrationState state;
    private volatile MigrationProgress progress;
    private volatile Instant windowExpires;
    private volatile MigrationException failure;
    private volatile JsonNode report;

    /** @param body the migration body the agent runs (secrets included: it only goes to the agent) */
    RemoteSession(MigrationSpec spec, Job job, ObjectNode body, Presence presence, Duration commandWait) {
        this.spec = spec;
        this.job = job;
        this.body = body;
        this.presence = presence;
        this.commandWait = commandWait;
        this.state = MigrationState.CREATED;
    }

    Job job() {
        return job;
    }

    /** Attached again after a restart: shows the state last seen (started long ago) until the host's next call. */
    void restore(MigrationState last) {
        state = last;
        started.complete(null);
    }

    /**
     * The job as the agent receives it: {@code {id, attempt, clusterName, body, recopy?}}, {@code recopy} the collections
     * this attempt copies again (a resume's, after a lost change history).
     */
    ObjectNode jobJson() {
        ObjectNode o = JsonSupport.object().put("id", migrationId()).put("attempt", job.attempt()).put("clusterName", job.clusterName());
        o.set("body", body);
        if (!spec.recopy().isEmpty()) {
            spec.recopy().forEach(o.putArray("recopy")::add);
        }
        return o;
    }

    boolean hostOnline() {
        return presence.online(job.org(), job.host());
    }

    /** Whether the agent no longer needs the job: the migration ended there. */
    boolean ended() {
        return ended.isDone();
    }

    /**
     * What the agent reports of its session: {@code {state, progress?, cutoverWindowExpiresAt?, failure?}}. A state
     * change reaches the spec's listeners (the registry's recorder, the webhook), as the engine's would.
     */
    void update(JsonNode status) {
        MigrationState to = MigrationState.valueOf(status.path("state").asText());
        if (status.hasNonNull("failure")) {
            failure = AgentWire.failure(status.get("failure"));
        }
        if (status.hasNonNull("progress")) {
            progress = AgentWire.progress(status.get("progress"));
            spec.listeners().forEach(l -> l.progress(progress));
        }
        windowExpires = status.hasNonNull("cutoverWindowExpiresAt") ? Instant.parse(status.get("cutoverWindowExpiresAt").asText()) : null;
        MigrationState from = state;
        state = to;
        if (from != to) {
            for (MigrationListener l : spec.listeners()) {
                try {
                    l.stateChanged(from, to);
                } catch (RuntimeException e) {
                    LOG.warn("a listener of migration {} failed: {}", migrationId(), e.toString());
                }
            }
        }
        if (to == MigrationState.FAILED && !started.isDone()) {
            started.completeExceptionally(failure != null ? failure : new MigrationException(ErrorCode.INTERNAL, "the agent failed to start it"));
        } else if (to != MigrationState.CREATED) {
            started.complete(null);
        }
        if (to.isTerminal() && to != MigrationState.STOPPED) {
            ended.complete(to);
        }
    }

    /** The agent's final report of the session, as JSON. */
    void report(JsonNode json) {
        report = json;
    }

    JsonNode reportJson() {
        return report;
    }

    synchronized boolean hasCommands() {
        return !outbox.isEmpty();
    }

    /** The commands queued for the agent since its last poll. */
    synchronized List<ObjectNode> takeCommands() {
        List<ObjectNode> taken = List.copyOf(outbox);
        outbox.clear();
        return taken;
    }

    /** The agent's answer to a command: {@code {commandId, ok, failure?, expiresAt?}}. */
    synchronized void answer(JsonNode result) {
        CompletableFuture<JsonNode> waiting = pending.remove(result.path("commandId").asText());
        if (waiting != null) {
            waiting.complete(result);
        }
    }

    /** Queues a command and waits for the agent's answer ({@code wait} null: as long as the host stays connected). */
    private JsonNode call(String verb, Duration wait, boolean blockWrites) {
        if (!hostOnline()) {
            throw offline(verb);
        }
        String id = UUID.randomUUID().toString();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        synchronized (this) {
            pending.put(id, answer);
            outbox.add(JsonSupport.object().put("commandId", id).put("migrationId", migrationId()).put("verb", verb)
                    .put("blockWrites", blockWrites));
        }
        presence.wake(); // outside this session's lock: the hosts' lock is taken before a session's, never after
        if (wait != null && wait.isZero()) {
            return null;
        }
        long deadline = wait == null ? Long.MAX_VALUE : System.nanoTime() + wait.toNanos();
        try {
            while (true) {
                try {
                    JsonNode result = answer.get(Math.min(1000, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)), TimeUnit.MILLISECONDS);
                    if (!result.path("ok").asBoolean()) {
                        throw AgentWire.failure(result.path("failure"));
                    }
                    return result;
                } catch (TimeoutException e) {
                    if (!hostOnline() || System.nanoTime() >= deadline) {
                        withdraw(id);
                        throw offline(verb);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            withdraw(id);
            throw new MigrationException(ErrorCode.INTERRUPTED, "interrupted while waiting for migration host " + job.host());
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private synchronized void withdraw(String commandId) {
        pending.remove(commandId);
        outbox.removeIf(c -> c.path("commandId").asText().equals(commandId));
    }

    private MigrationException offline(String verb) {
        return new MigrationException(ErrorCode.MIGRATION_HOST_OFFLINE, "cannot " + verb + " migration '" + migrationId()
                + "': its migration host '" + job.host() + "' of organization '" + job.org() + "' is not connected: start"
                + " livemigrate agent on it with the organization's link-token, then try again");
    }

    @Override
    public String migrationId() {
        return spec.migrationId();
    }

    @Override
    public MigrationSpec spec() {
        return spec;
    }

    @Override
    public MigrationState state() {
        return state;
    }

    @Override
    public MigrationProgress progress() {
        MigrationProgress p = progress;
        return p != null ? p : new MigrationProgress(state, 0, 0, 0, 0, 0, 0, 0, 0, null, 0, 0);
    }

    @Override
    public MigrationReport awaitCompletion(Duration timeout) {
        try {
            ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new MigrationException(ErrorCode.INTERRUPTED, "migration '" + migrationId() + "' did not end within " + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationException(ErrorCode.INTERRUPTED, "interrupted while waiting for migration '" + migrationId() + "'");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        if (state == MigrationState.FAILED) {
            throw failure != null ? failure : new MigrationException(ErrorCode.INTERNAL, "migration '" + migrationId() + "' failed");
        }
        return AgentWire.report(migrationId(), state, report);
    }

    @Override
    public Optional<MigrationException> failure() {
        return state == MigrationState.FAILED ? Optional.ofNullable(failure) : Optional.empty();
    }

    @Override
    public Optional<Instant> cutoverWindowExpiresAt() {
        return Optional.ofNullable(windowExpires);
    }

    @Override
    public Instant extendCutoverWindow() {
        Instant expires = Instant.parse(call("extend", commandWait, false).path("expiresAt").asText());
        windowExpires = expires;
        return expires;
    }

    @Override
    public MigrationReport cutover(boolean blockSourceWrites) {
        call("cutover", null, blockSourceWrites);
        return awaitCompletion(commandWait);
    }

    @Override
    public void pause() {
        call("pause", commandWait, false);
    }

    @Override
    public void resume() {
        call("resume", commandWait, false);
    }

    @Override
    public void cancel() {
        call("cancel", Duration.ZERO, false);
    }

    /** Nothing to stop here: the session runs on the migration host, which keeps it running. */
    @Override
    public void close() {
    }
}
