package dev.livemigrate.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.MigrationListener;
import dev.livemigrate.MigrationProgress;
import dev.livemigrate.MigrationReport;
import dev.livemigrate.MigrationSession;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.MigrationState;
import dev.livemigrate.Migrations;
import dev.livemigrate.ValidationReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The migrations this server manages, each run by a library session in this process. Creating one starts it
 * ({@link Migrations#start}); at server start every stored migration that had not ended is started again by its
 * id, in the background, which resumes it from the checkpoints the engine keeps on the destination (a paused one
 * waits for {@code resume}); {@link #close()} closes every session, which leaves each resumable. Every state
 * change but STOPPED is written to the {@link MigrationStore}, and so is the report or failure at the end.
 *
 * <p>A push migration ({@link MigrationBody#push()}) runs in the agent of its migration host instead: its session
 * is a {@link RemoteSession} the host's polls feed, assigned in {@link MigrationHosts}. Creating one (or resuming one
 * that failed) needs the host connected and the cluster in its report, and waits up to {@link #AGENT_WAIT} for the
 * agent to start it: a refusal there (the pre-flight checks, run on the host) is the creation's failure. At server
 * start a stored push migration that had not ended is attached again without waiting: its agent kept running it.
 * The host of a push migration gets the destination with a temporary user ({@link DestinationUsers}) made at its
 * first start and dropped once it completed or was cancelled (or when the host refused to start it).
 */
final class MigrationRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MigrationRegistry.class);
    /** How long a watcher waits for a session to end: as long as it runs. */
    private static final Duration FOREVER = Duration.ofDays(36_500);
    /** How long a call waits for a migration host's agent to start a migration or to answer a command. */
    static final Duration AGENT_WAIT = Duration.ofSeconds(30);

    private final Map<String, ManagedMigration> migrations = new LinkedHashMap<>();
    private final MigrationStore store;
    private final ExecutorService background;
    private final Metrics metrics;
    private final Webhook webhook;
    private final MigrationHosts hosts;
    private volatile boolean closed;

    /** @param webhook where each session's notices go; {@code null} for none */
    MigrationRegistry(MigrationStore store, ExecutorService background, Metrics metrics, Webhook webhook, MigrationHosts hosts) {
        this.store = store;
        this.background = background;
        this.metrics = metrics;
        this.webhook = webhook;
        this.hosts = hosts;
    }

    /** Loads the stored migrations and resumes, in the background, each that had not ended and is not paused. */
    void loadAndResume() {
        for (ManagedMigration m : store.load()) {
            synchronized (this) {
                migrations.put(m.id, m);
            }
            metrics.bind(m);
            if (m.body.push() && !m.lastState.isTerminal()) {
                run(m, true, false, List.of()); // its agent kept running it, paused or not
            } else if (!m.lastState.isTerminal() && m.lastState != MigrationState.PAUSED) {
                m.resuming = true;
                background.execute(() -> {
                    try {
                        run(m, true, true, List.of());
                        LOG.info("migration {} resumed", m.id);
                    } catch (RuntimeException e) {
                        LOG.warn("migration {} could not be resumed: {}", m.id, Errors.redact(e.getMessage()));
                    }
                });
            }
        }
    }

    synchronized List<ManagedMigration> all() {
        return List.copyOf(migrations.values());
    }

    synchronized Optional<ManagedMigration> find(String id) {
        return Optional.ofNullable(migrations.get(id));
    }

    /** The migration of this id. @throws ApiException 404 when there is none */
    ManagedMigration get(String id) {
        return find(id).orElseThrow(() -> ApiException.notFound("no migration '" + id + "' is managed by this server:"
                + " GET /api/v1/migrations lists them"));
    }

    /**
     * Starts a new migration (the pre-flight checks run first; nothing is kept when they refuse).
     *
     * @throws MigrationException {@link ErrorCode#MIGRATION_ID_CONFLICT} when this server already manages the id;
     *                            the library's failure when the start is refused
     */
    ManagedMigration create(MigrationBody body) {
        MigrationSpec probe = body.spec().build();
        MigrationBody named = body.withMigrationId(probe.migrationId());
        ManagedMigration m = new ManagedMigration(probe.migrationId(), named, Instant.now(), MigrationState.CREATED);
        synchronized (this) {
            if (migrations.containsKey(m.id)) {
                throw new MigrationException(ErrorCode.MIGRATION_ID_CONFLICT, "migration '" + m.id + "' is already managed"
                        + " by this server: GET /api/v1/migrations/" + m.id + " shows it; resume it, or choose another migrationId");
            }
            m.resuming = true;
            migrations.put(m.id, m); // reserved while it starts
        }
        try {
            run(m, false, true, List.of());
        } catch (RuntimeException e) {
            synchronized (this) {
                migrations.remove(m.id);
            }
            save(); // a push migration's host reports FAILED before the refusal comes back, and that state was stored
            throw e;
        }
        metrics.bind(m);
        return m;
    }

    /**
     * Starts a session for a migration that has none running (after a restart, after a failure): the library
     * resumes it by id.
     */
    /**
     * Starts a migration that stopped, failed or expired again by id; {@code recopy} names collections to copy
     * again (after a lost change history), for this start only: it is not stored with the migration.
     */
    void restart(ManagedMigration m, List<String> recopy) {
        synchronized (m) {
            MigrationSession current = m.session;
            if (m.resuming || current != null && !current.state().isTerminal() || m.state() == MigrationState.COMPLETED) {
                throw new MigrationException(ErrorCode.INVALID_STATE, "cannot resume migration '" + m.id + "' while it is "
                        + m.state() + ": resume needs a PAUSED migration, or one that stopped, failed or expired");
            }
            m.resuming = true;
        }
        run(m, true, true, recopy);
    }

    /**
     * Starts a session for the migration; a refusal is kept as its failure when {@code keepFailure}. A push migration
     * is assigned to its host, checked and waited for when {@code fresh}, attached as it was otherwise; {@code recopy}
     * names collections to copy again for this start only.
     */
    private void run(ManagedMigration m, boolean keepFailure, boolean fresh, List<String> recopy) {
        m.resuming = true;
        try {
            MigrationSpec.Builder spec = m.body.spec().recopy(recopy).listener(new Recorder(m));
            if (webhook != null) {
                spec.listener(webhook.listener(m.id));
            }
            MigrationSession session = m.body.push() ? startPush(m, spec.build(), fresh) : Migrations.start(spec.build());
            m.session = session;
            if (closed) { // the server stopped while this session started
                session.close();
                return;
            }
            m.failure = null;
            m.cutoverFailure = null;
            save();
            background.execute(() -> watch(m, session));
        } catch (RuntimeException e) {
            if (keepFailure) {
                m.failure = e instanceof MigrationException me ? ManagedMigration.Failure.of(me)
                        : new ManagedMigration.Failure(ErrorCode.INTERNAL.name(), e.toString());
                save();
            }
            throw e;
        } finally {
            m.resuming = false;
        }
    }

    /**
     * Has the migration host of a push migration run its pre-flight checks.
     *
     * @throws MigrationException MIGRATION_HOST_OFFLINE, OPS_MANAGER_PROJECT_NOT_FOUND or OPS_MANAGER_CLUSTER_NOT_FOUND
     *                            as for {@link #create}
     */
    CompletableFuture<ValidationReport> validatePush(MigrationBody body) {
        String org = body.pushSource("orgId");
        String host = body.pushSource("migrationHost");
        String cluster = hosts.clusterName(org, host, body.pushSource("projectId"), body.pushSource("clusterId"), body.pushSource("clusterName"));
        return hosts.validate(org, host, cluster, body.json(), AGENT_WAIT.multipliedBy(4));
    }

    /** Assigns a push migration to its host's agent (a new attempt when {@code fresh}) and waits for it to start. */
    private RemoteSession startPush(ManagedMigration m, MigrationSpec spec, boolean fresh) {
        RemoteSession.Job previous = m.job;
        String org = m.body.pushSource("orgId");
        String host = m.body.pushSource("migrationHost");
        String projectId = m.body.pushSource("projectId");
        String cluster = previous == null ? m.body.pushSource("clusterName") : previous.clusterName();
        if (fresh) {
            cluster = hosts.clusterName(org, host, projectId, m.body.pushSource("clusterId"), m.body.pushSource("clusterName"));
        }
        int attempt = previous == null ? 1 : previous.attempt() + (fresh ? 1 : 0);
        boolean madeNow = false;
        if (fresh && (m.destinationUser == null || !m.destinationUser.made())) {
            m.destinationUser = DestinationUsers.create(m.body.destinationUri(), m.id);
            madeNow = m.destinationUser != null && m.destinationUser.made();
        }
        DestinationUsers.Temporary user = m.destinationUser;
        ObjectNode job = user != null && user.made()
                ? m.body.withDestinationUri(DestinationUsers.handOver(m.body.destinationUri(), user)) : m.body.json();
        m.job = new RemoteSession.Job(org, host, projectId, cluster, attempt);
        RemoteSession session = new RemoteSession(spec, m.job, job, hosts, AGENT_WAIT);
        if (!fresh) {
            session.restore(m.lastState);
        }
        hosts.assign(session);
        LOG.info("migration {} assigned to migration host {} of organization {} (attempt {})", m.id, host, org, attempt);
        if (fresh) {
            try {
                session.started.get(AGENT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                LOG.info("migration {}: host {} has not started it yet; it shows as NEW until it does", m.id, host);
            } catch (ExecutionException e) {
                if (madeNow) { // the host refused to start it: the user it would have used goes (nothing is stored yet)
                    dropDestinationUser(m, false);
                }
                throw e.getCause() instanceof MigrationException me ? me : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MigrationException(ErrorCode.INTERRUPTED, "interrupted while migration host " + host + " started " + m.id);
            }
        }
        return session;
    }

    /** Waits for the session's end and keeps its report or failure. */
    private void watch(ManagedMigration m, MigrationSession session) {
        try {
            MigrationReport report = session.awaitCompletion(FOREVER);
            if (report.state() != MigrationState.STOPPED) {
                m.report = session instanceof RemoteSession remote ? remote.reportJson() : JsonSupport.tree(report.toJson());
            }
        } catch (MigrationException e) {
            if (session.state() == MigrationState.FAILED) {
                m.failure = ManagedMigration.Failure.of(e);
            }
        }
        if (session.state() != MigrationState.STOPPED) {
            m.lastProgress = session.progress();
            save();
        }
        if (session.state() == MigrationState.COMPLETED || session.state() == MigrationState.CANCELLED) {
            dropDestinationUser(m, true);
        }
    }

    /** Drops the temporary destination user of a push migration, if it has one, and forgets it once dropped. */
    private void dropDestinationUser(ManagedMigration m, boolean stored) {
        DestinationUsers.Temporary user = m.destinationUser;
        if (user != null && user.made() && DestinationUsers.drop(m.body.destinationUri(), m.id, user.name())) {
            m.destinationUser = null;
            if (stored) {
                save();
            }
        }
    }

    void save() {
        store.save(all());
    }

    /**
     * Closes every session: each stops where it is and stays resumable by id (a push migration goes on on its host);
     * then the webhook.
     */
    @Override
    public void close() {
        closed = true;
        for (ManagedMigration m : all()) {
            MigrationSession s = m.session;
            if (s instanceof RemoteSession) {
                LOG.info("migration {} goes on on its migration host; the server follows it again when it starts", m.id);
            } else if (s != null && !s.state().isTerminal()) {
                s.close();
                LOG.info("migration {} stopped; it resumes when the server starts again", m.id);
            }
        }
        save();
        if (webhook != null) {
            webhook.close(); // after the sessions' last notices (STOPPED) were queued
        }
    }

    /** Keeps the last state and progress of a session, and writes each state change to the store. */
    private final class Recorder implements MigrationListener {
        private final ManagedMigration m;

        Recorder(ManagedMigration m) {
            this.m = m;
        }

        @Override
        public void stateChanged(MigrationState from, MigrationState to) {
            if (to != MigrationState.STOPPED) {
                m.lastState = to;
                save();
            }
        }

        @Override
        public void progress(MigrationProgress progress) {
            m.lastProgress = progress;
        }
    }
}
