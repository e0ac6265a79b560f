package dev.livemigrate.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.MigrationSession;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.MigrationState;
import dev.livemigrate.Migrations;
import dev.livemigrate.SourceSettings;
import dev.livemigrate.ValidationFinding;
import dev.livemigrate.ValidationReport;
import dev.livemigrate.opsmanager.OpsManagerProjects;
import dev.livemigrate.opsmanager.OpsManagerSourceProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code livemigrate agent}: the migration host of push migrations. It runs beside the source and only calls out, to
 * the control plane named by its link-token ({@link AgentClient}): {@link #start} says hello (a refused token or
 * address fails the start with the control plane's code), then it calls {@code POST /api/v1/agent/poll} two ways:
 * <ul>
 * <li>a long poll, one after the other, that the control plane holds until it has work for this host or
 * {@link AgentSettings#longPoll} passed ({@code wait}); it says which attempts the host runs and takes the answer;</li>
 * <li>a report, every poll interval while there is something to say (a migration runs, one ended and its end was not
 * sent, the projects are due, at start and every refresh interval) and at once when a command was answered or a
 * validation ran: the status of each migration, the answers to commands, the findings of validations, the projects as
 * {@link OpsManagerProjects} reads them. Reports go out one at a time, in order.</li>
 * </ul>
 * Either answer holds the jobs it should run, the commands to run on them, and validations to run
 * ({@link Migrations#validate}). With {@link AgentSettings#longPoll} zero there is no long poll and the report goes out
 * every poll interval, as before long polls. A job is run with the library ({@link Migrations#start}) on an
 * {@code ops-manager} source made of the job's project and cluster and this host's API key: the data goes from the
 * source to the destination over the MongoDB protocol, never through the control plane, which gets figures only.
 * A migration that ended has its report sent ({@code POST /api/v1/agent/migrations/{id}/report}) before its end state.
 *
 * <p>When the control plane cannot be reached the migrations go on and the statuses wait for the next poll. When it
 * refuses the agent (token revoked or replaced, address off the access list, another agent of this name) the agent
 * stops: it closes every session, each resumable by id, and {@link #awaitStop} returns the coded reason.
 */
public final class MigrationAgent implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MigrationAgent.class);

    /** A job this host runs (or failed to start). */
    private static final class Running {
        final String id;
        final int attempt;
        volatile MigrationSession session;
        volatile MigrationException startFailure;
        volatile boolean reported;
        /** The last state a report carried. */
        volatile String sentState;

        Running(String id, int attempt) {
            this.id = id;
            this.attempt = attempt;
        }
    }

    private final AgentSettings settings;
    private final AgentClient client;
    private final String org;
    private final String instanceId = UUID.randomUUID().toString();
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    /** Answers to commands, and findings of validations, for the next poll; both guarded by {@code results}. */
    private final List<ObjectNode> results = new ArrayList<>();
    private final List<ObjectNode> validated = new ArrayList<>();
    private final ScheduledExecutorService poller;
    private final ExecutorService work;
    private final CompletableFuture<MigrationException> stopped = new CompletableFuture<>();
    private volatile Instant refreshedAt;
    private volatile boolean unreachableLogged;
    private volatile boolean closing;
    private volatile Thread longPoller;

    private MigrationAgent(AgentSettings settings, AgentClient client, String org) {
        this.settings = settings;
        this.client = client;
        this.org = org;
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "livemigrate-agent-poll"));
        this.work = Executors.newCachedThreadPool(r -> daemon(r, "livemigrate-agent-work"));
    }

    /**
     * Says hello to the control plane and starts polling.
     *
     * @throws MigrationException the control plane's refusal ({@code LINK_TOKEN_INVALID}, {@code ACCESS_LIST_DENIED}),
     *                            {@code MIGRATION_HOST_OFFLINE} when it cannot be reached
     */
    public static MigrationAgent start(AgentSettings settings) {
        AgentClient client = new AgentClient(settings.linkToken());
        JsonNode hello;
        try {
            hello = client.get(LinkTokenRoutes.AGENT_PREFIX + "hello");
        } catch (AgentClient.Unreachable e) {
            throw new MigrationException(ErrorCode.MIGRATION_HOST_OFFLINE, e.getMessage() + ": check that the control plane runs"
                    + " and that this host can reach it");
        }
        MigrationAgent agent = new MigrationAgent(settings, client, hello.path("org").asText());
        LOG.info("migration host {} connected to {} (organization {})", settings.name(), client.base(), agent.org);
        agent.poller.scheduleWithFixedDelay(agent::reportIfDue, 0, settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
        if (!settings.longPoll().isZero()) {
            agent.longPoller = daemon(agent::longPoll, "livemigrate-agent-long-poll");
            agent.longPoller.start();
        }
        return agent;
    }

    public String org() {
        return org;
    }

    /** The control plane's address, from the link-token. */
    public String controlPlane() {
        return client.base().toString();
    }

    /**
     * Waits until the agent stops: the control plane's refusal that stopped it, or {@code null} after {@link #close}.
     *
     * @throws MigrationException {@code INTERRUPTED} when the wait timed out
     */
    public MigrationException awaitStop(Duration timeout) {
        try {
            return stopped.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new MigrationException(ErrorCode.INTERRUPTED, "the agent is still running after " + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationException(ErrorCode.INTERRUPTED, "interrupted while waiting for the agent");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Reports when there is something to say (always without long polls: the report is then the only call). */
    private void reportIfDue() {
        boolean due = settings.longPoll().isZero() || refreshedAt == null
                || refreshedAt.plus(settings.refreshInterval()).isBefore(Instant.now());
        synchronized (results) {
            due |= !results.isEmpty() || !validated.isEmpty();
        }
        for (Running r : running.values()) {
            MigrationSession s = r.session;
            if (r.startFailure != null) {
                due |= !MigrationState.FAILED.name().equals(r.sentState);
            } else if (s == null) {
                due = true; // starting
            } else {
                MigrationState state = s.state();
                due |= !state.isTerminal() || !state.name().equals(r.sentState)
                        || !r.reported && state != MigrationState.FAILED && state != MigrationState.STOPPED;
            }
        }
        if (due) {
            pollSafely();
        }
    }

    /** A report at once, after a command was answered or a validation ran. */
    private void reportNow() {
        try {
            poller.execute(this::pollSafely);
        } catch (RejectedExecutionException e) {
            LOG.debug("the agent stops: no report");
        }
    }

    private void pollSafely() {
        try {
            poll();
            unreachableLogged = false;
        } catch (AgentClient.Unreachable e) {
            unreachable(e);
        } catch (MigrationException e) {
            refused(e);
        } catch (RuntimeException e) {
            LOG.error("migration host {}: a poll failed", settings.name(), e);
        }
    }

    private void unreachable(AgentClient.Unreachable e) {
        if (!unreachableLogged) {
            LOG.warn("{}; the migrations go on, and their status is sent once it answers", e.getMessage());
            unreachableLogged = true;
        }
    }

    private void refused(MigrationException e) {
        if (!closing) {
            LOG.error("migration host {} stops: {}", settings.name(), e.getMessage());
            stop(e);
        }
    }

    /** Long polls one after the other until the agent stops; after a failure, waits a poll interval before the next. */
    private void longPoll() {
        while (!closing) {
            try {
                ObjectNode body = JsonSupport.object().put("migrationHost", settings.name()).put("instanceId", instanceId)
                        .put("wait", settings.longPoll().toSeconds());
                ArrayNode runs = body.putArray("migrations");
                running.values().forEach(r -> runs.addObject().put("id", r.id).put("attempt", r.attempt));
                JsonNode answer = client.post(LinkTokenRoutes.AGENT_PREFIX + "poll", body);
                boolean work = !answer.path("commands").isEmpty() || !answer.path("validations").isEmpty()
                        || answer.path("jobs").size() > runs.size();
                if (!closing) {
                    take(answer);
                }
                if (work) {
                    continue;
                }
                // nothing came: the hold ended, or a control plane that does not hold answered at once; a short pause
                // keeps the latter from being called in a loop
                LockSupport.parkNanos(Math.min(settings.pollInterval().toNanos(), TimeUnit.SECONDS.toNanos(1)));
                continue;
            } catch (AgentClient.Unreachable e) {
                unreachable(e);
            } catch (MigrationException e) {
                refused(e);
            } catch (RuntimeException e) {
                LOG.error("migration host {}: a long poll failed", settings.name(), e);
            }
            LockSupport.parkNanos(settings.pollInterval().toNanos()); // a pause before trying again, not a wait for a condition
        }
    }

    private void poll() throws AgentClient.Unreachable {
        for (Running r : running.values()) { // the report first: the control plane keeps it when it sees the end
            MigrationSession s = r.session;
            if (s != null && !r.reported && s.state().isTerminal() && s.state() != MigrationState.FAILED && s.state() != MigrationState.STOPPED) {
                client.post(LinkTokenRoutes.AGENT_PREFIX + "migrations/" + r.id + "/report",
                        JsonSupport.tree(s.awaitCompletion(Duration.ofSeconds(10)).toJson()));
                r.reported = true;
            }
        }
        ObjectNode body = JsonSupport.object().put("migrationHost", settings.name()).put("instanceId", instanceId);
        List<ObjectNode> sent;
        List<ObjectNode> sentValidations;
        synchronized (results) {
            sent = List.copyOf(results);
            sentValidations = List.copyOf(validated);
        }
        sentValidations.forEach(body.withArray("validations")::add);
        // the statuses after the answers: what an answered command did shows in the same call
        ArrayNode statuses = body.putArray("migrations");
        Map<Running, String> states = new HashMap<>();
        running.values().forEach(r -> {
            ObjectNode status = status(r);
            statuses.add(status);
            states.put(r, status.path("state").asText());
        });
        sent.forEach(body.withArray("results")::add);
        Instant now = Instant.now();
        boolean refresh = refreshedAt == null || refreshedAt.plus(settings.refreshInterval()).isBefore(now);
        if (refresh) {
            body.set("projects", projects());
        }
        JsonNode answer = client.post(LinkTokenRoutes.AGENT_PREFIX + "poll", body);
        if (refresh) {
            refreshedAt = now;
        }
        synchronized (results) {
            results.removeAll(sent);
            validated.removeAll(sentValidations);
        }
        states.forEach((r, state) -> r.sentState = state);
        take(answer);
    }

    /** Starts the jobs it does not run yet, and runs the commands and validations of an answer. */
    private void take(JsonNode answer) {
        synchronized (running) { // a report's answer and a long poll's may come at once: a job starts once
            for (JsonNode job : answer.path("jobs")) {
                Running r = running.get(job.path("id").asText());
                if (r == null || r.attempt < job.path("attempt").asInt()) {
                    begin(job, r);
                }
            }
        }
        answer.path("commands").forEach(c -> work.execute(() -> run(c)));
        answer.path("validations").forEach(v -> work.execute(() -> validate(v)));
    }

    /** {@code [{projectId, name, deployments}]} of the configured projects; one that cannot be read is logged and left out. */
    private ArrayNode projects() {
        ArrayNode projects = JsonSupport.MAPPER.createArrayNode();
        for (String id : settings.projects()) {
            try {
                OpsManagerProjects.Project p = OpsManagerProjects.describe(settings.opsManagerUrl(), settings.publicKey(),
                        settings.privateKey(), id);
                ObjectNode o = projects.addObject().put("projectId", p.projectId()).put("name", p.name());
                ArrayNode deployments = o.putArray("deployments");
                p.deployments().forEach(d -> deployments.add(JsonSupport.MAPPER.valueToTree(d)));
            } catch (MigrationException e) {
                LOG.warn("project {} cannot be read from Ops Manager: {}", id, e.getMessage());
            }
        }
        return projects;
    }

    private ObjectNode status(Running r) {
        ObjectNode o = JsonSupport.object().put("id", r.id).put("attempt", r.attempt);
        MigrationSession s = r.session;
        if (r.startFailure != null) {
            o.put("state", MigrationState.FAILED.name()).set("failure", AgentWire.failure(r.startFailure));
        } else if (s == null) {
            o.put("state", MigrationState.CREATED.name());
        } else {
            o.put("state", s.state().name()).set("progress", AgentWire.progress(s.progress()));
            s.cutoverWindowExpiresAt().ifPresent(t -> o.put("cutoverWindowExpiresAt", t.toString()));
            s.failure().ifPresent(f -> o.set("failure", AgentWire.failure(f)));
        }
        return o;
    }

    /** Starts a job (a new attempt replaces the old session, which is closed first: the new one resumes by id). */
    private void begin(JsonNode job, Running previous) {
        Running r = new Running(job.path("id").asText(), job.path("attempt").asInt());
        running.put(r.id, r);
        work.execute(() -> {
            if (previous != null && previous.session != null) {
                previous.session.close();
            }
            try {
                MigrationSpec spec = spec(job);
                LOG.info("migration {} (attempt {}) starts on {}", r.id, r.attempt, settings.name());
                r.session = Migrations.start(spec);
                reportNow(); // the control plane waits for the start
            } catch (MigrationException e) {
                LOG.warn("migration {} could not start: {}", r.id, Errors.redact(e.getMessage()));
                r.startFailure = e;
            } catch (ApiException e) {
                r.startFailure = new MigrationException(e.code(), e.getMessage());
            }
            if (r.startFailure != null) {
                reportNow();
            }
        });
    }

    /**
     * The spec of a job or validation {@code {clusterName, body}}: the body's destination, selection and options, and an
     * {@code ops-manager} source of its project and the job's cluster, read with this host's API key.
     */
    private MigrationSpec spec(JsonNode job) {
        MigrationBody body = MigrationBody.parse(job.path("body"));
        SourceSettings.Builder source = SourceSettings.builder().kind(OpsManagerSourceProvider.KIND)
                .property(OpsManagerSourceProvider.BASE_URL, settings.opsManagerUrl())
                .property(OpsManagerSourceProvider.PUBLIC_KEY, settings.publicKey())
                .property(OpsManagerSourceProvider.PRIVATE_KEY, settings.privateKey())
                .property(OpsManagerSourceProvider.PROJECT_ID, body.pushSource("projectId"))
                .property(OpsManagerSourceProvider.CLUSTER_NAME, job.path("clusterName").asText());
        for (String name : List.of(OpsManagerSourceProvider.USERNAME, OpsManagerSourceProvider.PASSWORD, OpsManagerSourceProvider.CA_FILE)) {
            if (body.pushSource(name) != null) {
                source.property(name, body.pushSource(name));
            }
        }
        List<String> recopy = new ArrayList<>();
        job.path("recopy").forEach(n -> recopy.add(n.asText()));
        return body.spec().source(source.build()).recopy(recopy).build();
    }

    /** Runs every pre-flight check of a validation the control plane sent, and queues the findings. */
    private void validate(JsonNode validation) {
        ValidationReport report;
        try {
            report = Migrations.validate(spec(validation));
        } catch (MigrationException e) {
            report = new ValidationReport(List.of(ValidationFinding.error(e.errorCode().name(), Errors.redact(e.getMessage()),
                    "correct the migration body and validate again")));
        } catch (ApiException e) {
            report = new ValidationReport(List.of(ValidationFinding.error(e.code().name(), e.getMessage(), "correct the migration body")));
        }
        ObjectNode result = JsonSupport.object().put("id", validation.path("id").asText());
        result.set("findings", Errors.findings(report.findings()));
        synchronized (results) {
            validated.add(result);
        }
        reportNow();
    }

    /** Runs a command on its session and queues the answer. */
    private void run(JsonNode command) {
        ObjectNode result = JsonSupport.object().put("commandId", command.path("commandId").asText())
                .put("migrationId", command.path("migrationId").asText());
        Running r = running.get(command.path("migrationId").asText());
        MigrationSession s = r == null ? null : r.session;
        try {
            if (s == null) {
                throw new MigrationException(ErrorCode.INVALID_STATE, "migration '" + command.path("migrationId").asText()
                        + "' is not running on migration host " + settings.name() + " yet");
            }
            switch (command.path("verb").asText()) {
                case "cutover" -> s.cutover(command.path("blockWrites").asBoolean());
                case "pause" -> s.pause();
                case "resume" -> s.resume();
                case "extend" -> result.put("expiresAt", s.extendCutoverWindow().toString());
                case "cancel" -> s.cancel();
                default -> throw new MigrationException(ErrorCode.INVALID_REQUEST, "unknown command " + command.path("verb").asText());
            }
            result.put("ok", true);
        } catch (MigrationException e) {
            result.put("ok", false).set("failure", AgentWire.failure(e));
        }
        synchronized (results) {
            results.add(result);
        }
        reportNow();
    }

    private void stop(MigrationException reason) {
        closing = true;
        Thread poll = longPoller;
        if (poll != null && poll != Thread.currentThread()) {
            poll.interrupt(); // its held call ends at once
        }
        poller.shutdown();
        running.values().forEach(r -> {
            MigrationSession s = r.session;
            if (s != null && !s.state().isTerminal()) {
                s.close();
                LOG.info("migration {} stopped on {}; it resumes by id", r.id, settings.name());
            }
        });
        work.shutdownNow();
        stopped.complete(reason);
    }

    /** Stops polling and closes every session, each resumable by id. */
    @Override
    public void close() {
        stop(null);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
