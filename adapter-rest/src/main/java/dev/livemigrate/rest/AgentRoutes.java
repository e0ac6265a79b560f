package dev.livemigrate.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livemigrate.ErrorCode;

import java.util.regex.Pattern;

/**
 * The routes a migration-host agent calls, with its link-token ({@link LinkTokenRoutes#authenticate}: 401
 * {@code LINK_TOKEN_INVALID}, 403 {@code ACCESS_LIST_DENIED}), and the operator's list of what the hosts reported.
 * Every call goes from the agent to the control plane; the control plane never calls a host.
 * <ul>
 * <li>{@code POST /api/v1/agent/poll} with {@code {migrationHost, instanceId, projects?, migrations: [{id, attempt,
 * state, progress?, cutoverWindowExpiresAt?, failure?}], results: [{commandId, migrationId, ok, failure?,
 * expiresAt?}], validations: [{id, findings}]}}: records the call (a second agent of a connected host's name gets 409
 * {@code MIGRATION_HOST_CONFLICT}), the projects when sent, each migration's status and each command's answer; answers
 * {@code {org, jobs: [{id, attempt, clusterName, body}], commands: [{commandId, migrationId, verb, blockWrites}],
 * validations?: [{id, clusterName, body}]}}: the push migrations the host should be running, what to do on them, and
 * the pre-flight checks to run.</li>
 * <li>{@code POST /api/v1/agent/migrations/{id}/report} with the final report of a migration of the host.</li>
 * <li>{@code GET /api/v1/orgs/{orgId}/availableProjects} (API token): {@link MigrationHosts#available}.</li>
 * </ul>
 */
final class AgentRoutes {

    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

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
        for (JsonNode status : body.path("migrations")) {
            RemoteSession session = mine(org, host, status.path("id").asText());
            if (session != null && session.job().attempt() == status.path("attempt").asInt()) {
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
