package dev.livemigrate.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livemigrate.ErrorCode;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.regex.Pattern;

/**
 * The routes a migration-host agent calls, with its link-token ({@link LinkTokenRoutes#authenticate}: 401
 * {@code LINK_TOKEN_INVALID}, 403 {@code ACCESS_LIST_DENIED}), and the operator's list of what the hosts reported.
 * Every call goes from the agent to the control plane; the control plane never calls a host.
 * <ul>
 * <li>{@code POST /api/v1/agent/poll} with {@code {migrationHost, instanceId, wait?, projects?, migrations: [{id, attempt,
 * state?, progress?, cutoverWindowExpiresAt?, failure?}], results: [{commandId, migrationId, ok, failure?,
 * expiresAt?}], validations: [{id, findings}]}}: records the call (a second agent of a connected host's name gets 409
 * {@code MIGRATION_HOST_CONFLICT}), the projects when sent, each migration's status (an entry without {@code state}
 * only says the host runs that attempt) and each command's answer; answers {@code {org, jobs: [{id, attempt,
 * clusterName, body, recopy?}], commands: [{commandId, migrationId, verb, blockWrites}], validations?: [{id,
 * clusterName, body}]}}: the push migrations the host should be running, what to do on them, and the pre-flight checks
 * to run. With {@code wait} (seconds, at most {@value #MAX_WAIT_SECONDS}) the answer is held until there is work for
 * the host (a job it does not run, a command, a validation) or the time passed: a long poll, so that the host hears
 * of work at once without calling every few seconds. At most {@value #MAX_HELD} polls are held at once (the server
 * has few request threads); past that a poll is answered at once.</li>
 * <li>{@code POST /api/v1/agent/migrations/{id}/report} with the final report of a migration of the host.</li>
 * <li>{@code GET /api/v1/orgs/{orgId}/availableProjects} (API token): {@link MigrationHosts#available}.</li>
 * </ul>
 */
final class AgentRoutes {

    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** The longest hold of a poll: under the agent's 30 s request timeout and the 30 s after which a host is offline. */
    static final int MAX_WAIT_SECONDS = 25;
    static final int MAX_HELD = 4;

    private final Semaphore held = new Semaphore(MAX_HELD);

    private final LinkTokenRoutes links;
    private final MigrationHosts hosts;

    AgentRoutes(LinkTokenRoutes links, MigrationHosts hosts) {
        this.links = links;
        this.hosts = hosts;
    }

    void register(Router router) {
        links.register(router);
        router.add("POST", LinkTokenRoutes.AGENT_PREFIX + "poll", this::poll)
                .add("POST", LinkTokenRoutes.AGENT_PREFIX + "migrations/{id}/report", this::report)
                .add("GET", "/api/v1/orgs/{orgId}/availableProjects", r -> Response.ok(hosts.available(r.parameter("orgId"))));
    }

    private Response poll(Request request) {
        String org = links.authenticate(request).org();
        JsonNode body = request.json();
        String host = hostName(body.path("migrationHost"));
        hosts.seen(org, host, body.path("instanceId").asText(""));
        if (body.path("projects").isArray()) {
            hosts.report(org, host, body.get("projects"));
        }
        Set<String> running = new HashSet<>();
        for (JsonNode status : body.path("migrations")) {
            running.add(status.path("id").asText() + "#" + status.path("attempt").asInt());
            RemoteSession session = mine(org, host, status.path("id").asText());
            if (session != null && session.job().attempt() == status.path("attempt").asInt() && status.hasNonNull("state")) {
                session.update(status);
            }
        }
        for (JsonNode result : body.path("results")) {
            RemoteSession session = mine(org, host, result.path("migrationId").asText());
            if (session != null) {
                session.answer(result);
            }
        }
        body.path("validations").forEach(result -> hosts.validated(org, host, result));
        int wait = Math.min(MAX_WAIT_SECONDS, Math.max(0, body.path("wait").asInt(0)));
        if (wait > 0 && held.tryAcquire()) {
            try {
                hosts.awaitWork(org, host, running, Duration.ofSeconds(wait));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the server stops: answer with what there is
            } finally {
                held.release();
            }
        }
        ObjectNode answer = JsonSupport.object().put("org", org);
        ArrayNode jobs = answer.putArray("jobs");
        ArrayNode commands = answer.putArray("commands");
        for (RemoteSession session : hosts.jobs(org, host)) {
            jobs.add(session.jobJson());
            session.takeCommands().forEach(commands::add);
        }
        hosts.takeValidations(org, host).forEach(answer.withArray("validations")::add);
        return Response.ok(answer);
    }

    private Response report(Request request) {
        String org = links.authenticate(request).org();
        RemoteSession session = hosts.session(request.parameter("id"));
        if (session == null || !session.job().org().equals(org)) {
            throw ApiException.notFound("organization '" + org + "' has no push migration '" + request.parameter("id") + "'");
        }
        session.report(request.json());
        return new Response(204, Response.JSON, new byte[0]);
    }

    private RemoteSession mine(String org, String host, String id) {
        RemoteSession session = hosts.session(id);
        return session != null && session.job().org().equals(org) && session.job().host().equals(host) ? session : null;
    }

    private static String hostName(JsonNode name) {
        if (!name.isTextual() || !HOST_NAME.matcher(name.asText()).matches()) {
            ObjectNode extra = JsonSupport.object();
            extra.putArray("fields").addObject().put("field", "migrationHost").put("problem", "'" + name.asText() + "': a migration"
                    + " host name is 1 to 64 letters, digits, '.', '-' or '_', starting with a letter or digit");
            throw new ApiException(400, ErrorCode.INVALID_REQUEST, "the migration host name is not valid (see fields)", extra);
        }
        return name.asText();
    }
}
