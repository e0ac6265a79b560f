package dev.livemigrate.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livemigrate.ConfigurationException;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.ValidationFinding;
import dev.livemigrate.ValidationReport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The migration hosts the control plane knows, by organization: when each last called ({@link #seen}; a host is
 * connected while its last call is under {@code offlineAfter} old), the projects each reported, and the push
 * migrations assigned to each ({@link RemoteSession}). Kept in memory: after a restart hosts are offline until they
 * call again, which they do every few seconds, and their projects come back with their next report.
 *
 * <p>A host is known by its organization and name; a second agent calling with the name of a connected one (another
 * instance id) is refused with {@link ErrorCode#MIGRATION_HOST_CONFLICT}. Thread-safe.
 */
final class MigrationHosts implements RemoteSession.Presence {

    /** How long after its last call a host counts as connected: agents call every few seconds. */
    static final Duration OFFLINE_AFTER = Duration.ofSeconds(30);

    private record Host(String instanceId, Instant lastSeen) {
    }

    private record Reported(JsonNode project, Instant at) {
    }

    private record Validation(String org, String host, ObjectNode job, CompletableFuture<ValidationReport> report, boolean[] sent) {
    }

    private final Map<String, Map<String, Host>> hosts = new TreeMap<>();
    /** org → host → projectId → what the host reported. */
    private final Map<String, Map<String, Map<String, Reported>>> projects = new TreeMap<>();
    private final Map<String, RemoteSession> sessions = new LinkedHashMap<>();
    /** Validations waiting for their host: sent with its next poll, answered with a later one. */
    private final Map<String, Validation> validations = new LinkedHashMap<>();
    private final Duration offlineAfter;
    private final Clock clock;

    MigrationHosts(Duration offlineAfter, Clock clock) {
        this.offlineAfter = offlineAfter;
        this.clock = clock;
    }

    /** Records a call of the host. @throws MigrationException MIGRATION_HOST_CONFLICT for a second agent of that name */
    synchronized void seen(String org, String host, String instanceId) {
        Map<String, Host> of = hosts.computeIfAbsent(org, o -> new TreeMap<>());
        Host known = of.get(host);
        if (known != null && !known.instanceId().equals(instanceId) && online(known)) {
            throw new MigrationException(ErrorCode.MIGRATION_HOST_CONFLICT, "another agent named '" + host + "' of organization '"
                    + org + "' is connected: give this one its own --name, or stop the other");
        }
        of.put(host, new Host(instanceId, clock.instant()));
    }

    @Override
    public synchronized boolean online(String org, String host) {
        Host known = hosts.getOrDefault(org, Map.of()).get(host);
        return known != null && online(known);
    }

    private boolean online(Host host) {
        return host.lastSeen().plus(offlineAfter).isAfter(clock.instant());
    }

    /** Replaces what the host reported of its projects ({@code [{projectId, name, deployments}]}). */
    synchronized void report(String org, String host, JsonNode reported) {
        Map<String, Reported> of = new TreeMap<>();
        reported.forEach(p -> of.put(p.path("projectId").asText(), new Reported(p, clock.instant())));
        projects.computeIfAbsent(org, o -> new TreeMap<>()).put(host, of);
    }

    /**
     * The organization's projects: {@code [{projectId, name, migrationHosts, deployments}]}, {@code migrationHosts}
     * being the connected hosts that reported the project; a project only offline hosts reported is left out.
     */
    synchronized ArrayNode available(String org) {
        Map<String, ObjectNode> byId = new TreeMap<>();
        projects.getOrDefault(org, Map.of()).forEach((host, reported) -> {
            if (!online(org, host)) {
                return;
            }
            reported.forEach((id, r) -> {
                ObjectNode p = byId.computeIfAbsent(id, k -> {
                    ObjectNode o = JsonSupport.object().put("projectId", id).put("name", r.project().path("name").asText());
                    o.putArray("migrationHosts");
                    o.set("deployments", r.project().path("deployments"));
                    return o;
                });
                ((ArrayNode) p.get("migrationHosts")).add(host);
            });
        });
        ArrayNode array = JsonSupport.MAPPER.createArrayNode();
        byId.values().forEach(array::add);
        return array;
    }

    /**
     * The name of the cluster a push source names (by {@code clusterId} or {@code clusterName}) in a project the host
     * reported.
     *
     * @throws MigrationException MIGRATION_HOST_OFFLINE when the host is not connected; OPS_MANAGER_PROJECT_NOT_FOUND
     *                            or OPS_MANAGER_CLUSTER_NOT_FOUND when its report has no such project or cluster
     */
    synchronized String clusterName(String org, String host, String projectId, String clusterId, String clusterName) {
        if (!online(org, host)) {
            throw new MigrationException(ErrorCode.MIGRATION_HOST_OFFLINE, "migration host '" + host + "' of organization '" + org
                    + "' is not connected: start livemigrate agent on it with the organization's link-token, or name a"
                    + " connected host (GET /api/v1/orgs/" + org + "/availableProjects lists them)");
        }
        Reported project = projects.getOrDefault(org, Map.of()).getOrDefault(host, Map.of()).get(projectId);
        if (project == null) {
            throw new ConfigurationException(ErrorCode.OPS_MANAGER_PROJECT_NOT_FOUND, "migration host '" + host + "' reported no project '"
                    + projectId + "' (it reported " + projects.getOrDefault(org, Map.of()).getOrDefault(host, Map.of()).keySet()
                    + "): give it the project with --ops-manager-project, or pick one GET /api/v1/orgs/" + org + "/availableProjects lists");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode d : project.project().path("deployments")) {
            names.add(d.path("name").asText());
            if (Objects.equals(d.path("clusterId").asText(null), clusterId) || Objects.equals(d.path("name").asText(null), clusterName)) {
                return d.path("name").asText();
            }
        }
        throw new ConfigurationException(ErrorCode.OPS_MANAGER_CLUSTER_NOT_FOUND, "project '" + projectId + "' as migration host '"
                + host + "' reported it has no cluster " + (clusterId != null ? "of id '" + clusterId + "'" : "named '" + clusterName + "'")
                + "; it has " + names + ": give one of these");
    }

    /**
     * Asks the host to run every pre-flight check of a push migration (the host alone reaches the source); the
     * future completes with its findings, or with a {@code MIGRATION_HOST_OFFLINE} ERROR finding when the host has not
     * answered within {@code wait}.
     */
    synchronized CompletableFuture<ValidationReport> validate(String org, String host, String clusterName, ObjectNode body, Duration wait) {
        String id = UUID.randomUUID().toString();
        ObjectNode job = JsonSupport.object().put("id", id).put("clusterName", clusterName);
        job.set("body", body);
        CompletableFuture<ValidationReport> report = new CompletableFuture<ValidationReport>().completeOnTimeout(new ValidationReport(
                List.of(ValidationFinding.error(ErrorCode.MIGRATION_HOST_OFFLINE.name(), "migration host '" + host + "' did not run the"
                        + " checks within " + wait.toSeconds() + " s", "check that livemigrate agent runs on it, then validate again"))),
                wait.toMillis(), TimeUnit.MILLISECONDS);
        validations.put(id, new Validation(org, host, job, report, new boolean[1]));
        notifyAll();
        report.whenComplete((r, e) -> forget(id));
        return report;
    }

    private synchronized void forget(String id) {
        validations.remove(id);
    }

    /** The validations the host has not been sent yet, marked sent. */
    synchronized List<ObjectNode> takeValidations(String org, String host) {
        List<ObjectNode> taken = new ArrayList<>();
        validations.values().stream().filter(v -> v.org().equals(org) && v.host().equals(host) && !v.sent()[0]).forEach(v -> {
            v.sent()[0] = true;
            taken.add(v.job());
        });
        return taken;
    }

    /** The host's findings for a validation it was sent: {@code {id, findings: [{code, severity, message, remedy}]}}. */
    void validated(String org, String host, JsonNode result) {
        Validation v;
        synchronized (this) {
            v = validations.get(result.path("id").asText());
        }
        if (v != null && v.org().equals(org) && v.host().equals(host)) {
            List<ValidationFinding> findings = new ArrayList<>();
            result.path("findings").forEach(f -> findings.add(new ValidationFinding(f.path("code").asText(),
                    ValidationFinding.Severity.valueOf(f.path("severity").asText()), f.path("message").asText(), f.path("remedy").asText())));
            v.report().complete(new ValidationReport(findings));
        }
    }

    synchronized void assign(RemoteSession session) {
        sessions.put(session.migrationId(), session);
        notifyAll();
    }

    @Override
    public synchronized void wake() {
        notifyAll();
    }

    /**
     * Holds a poll of the host until it has work, or {@code wait} passed: a job it does not run ({@code running}: the
     * {@code id#attempt} of each job it runs), a command, or a validation it was not sent.
     */
    synchronized void awaitWork(String org, String host, Set<String> running, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!hasWork(org, host, running)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    private boolean hasWork(String org, String host, Set<String> running) {
        if (validations.values().stream().anyMatch(v -> v.org().equals(org) && v.host().equals(host) && !v.sent()[0])) {
            return true;
        }
        return jobs(org, host).stream().anyMatch(s -> !running.contains(s.migrationId() + "#" + s.job().attempt()) || s.hasCommands());
    }

    synchronized RemoteSession session(String migrationId) {
        return sessions.get(migrationId);
    }

    /** The push migrations of the host that have not ended: what it should be running. */
    synchronized List<RemoteSession> jobs(String org, String host) {
        return sessions.values().stream().filter(s -> s.job().org().equals(org) && s.job().host().equals(host) && !s.ended()).toList();
    }
}
