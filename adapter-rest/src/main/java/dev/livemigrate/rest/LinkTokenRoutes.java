package dev.livemigrate.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livemigrate.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The link-token routes. With the API token: {@code POST /api/v1/orgs/{orgId}/linkTokens} with
 * {@code {accessListIps: [...], url?}} creates the organization's token (201 {@code {linkToken, keyId,
 * accessListIps}}, the token shown this once), replacing the old one; {@code DELETE} revokes it (204, 404 when it
 * has none). A bad org id or body is refused with 400 naming each bad field and value, and nothing is stored.
 *
 * <p>With the link-token instead ({@code Authorization: LinkToken <token>}; these paths are outside the API token's
 * reach, see {@link Router#needsToken}): {@code GET /api/v1/agent/hello} answers 200 {@code {org, keyId}} to a
 * current token used from an address on its access list, 401 {@code LINK_TOKEN_INVALID} to any other token and 403
 * {@code ACCESS_LIST_DENIED} from another address. Refusals are logged with the address, the reason and the key id
 * when known; never with the token.
 */
final class LinkTokenRoutes {

    /** Paths whose routes authenticate with a link-token, not the API token. */
    static final String AGENT_PREFIX = "/api/v1/agent/";

    private static final Logger LOG = LoggerFactory.getLogger(LinkTokenRoutes.class);
    private static final Set<String> FIELDS = Set.of("accessListIps", "url", "expiresInHours");
    private static final int MAX_LIFETIME_HOURS = 24 * 365;
    private static final int MAX_ORG = 64;
    private static final int MAX_ENTRIES = 200;

    private final LinkTokens tokens;
    private final URI defaultUrl;

    /** @param defaultUrl what the tokens carry for the agent to call when the body gives no {@code url} */
    LinkTokenRoutes(LinkTokens tokens, URI defaultUrl) {
        this.tokens = tokens;
        this.defaultUrl = defaultUrl;
    }

    void register(Router router) {
        router.add("POST", "/api/v1/orgs/{orgId}/linkTokens", this::create);
        router.add("DELETE", "/api/v1/orgs/{orgId}/linkTokens", this::revoke);
        router.add("GET", AGENT_PREFIX + "hello", this::hello);
    }

    private Response create(Request request) {
        String org = org(request);
        JsonNode body = request.json();
        if (!body.isObject()) {
            throw ApiException.badRequest("the body must be a JSON object: {\"accessListIps\": [\"203.0.113.7\", \"10.0.0.0/24\"]}");
        }
        List<String[]> problems = new ArrayList<>();
        body.properties().forEach(e -> {
            if (!FIELDS.contains(e.getKey())) {
                problems.add(new String[] {e.getKey(), "unknown field: the fields are accessListIps, url, expiresInHours"});
            }
        });
        List<AccessList.Block> blocks = new ArrayList<>();
        JsonNode ips = body.path("accessListIps");
        if (!ips.isArray() || ips.isEmpty() || ips.size() > MAX_ENTRIES) {
            problems.add(new String[] {"accessListIps", "give a list of 1 to " + MAX_ENTRIES + " IPv4/IPv6 addresses or CIDR"
                    + " blocks the migration host calls from, for example [\"203.0.113.7\", \"10.0.0.0/24\"]"});
        } else {
            for (int i = 0; i < ips.size(); i++) {
                JsonNode ip = ips.get(i);
                try {
                    if (!ip.isTextual()) {
                        throw new IllegalArgumentException("must be a string");
                    }
                    blocks.add(AccessList.parse(ip.asText()));
                } catch (IllegalArgumentException e) {
                    problems.add(new String[] {"accessListIps[" + i + "]", "'" + ip.asText() + "': " + e.getMessage()});
                }
            }
        }
        URI url = url(body.get("url"), problems);
        Duration lifetime = LinkTokens.DEFAULT_LIFETIME;
        JsonNode hours = body.get("expiresInHours");
        if (hours != null) {
            if (!hours.canConvertToInt() || !hours.isIntegralNumber() || hours.asInt() < 1 || hours.asInt() > MAX_LIFETIME_HOURS) {
                problems.add(new String[] {"expiresInHours", "'" + hours + "': give a whole number of hours from 1 to " + MAX_LIFETIME_HOURS});
            } else {
                lifetime = Duration.ofHours(hours.asInt());
            }
        }
        if (!problems.isEmpty()) {
            ObjectNode extra = JsonSupport.object();
            ArrayNode fields = extra.putArray("fields");
            problems.forEach(p -> fields.addObject().put("field", p[0]).put("problem", p[1]));
            throw new ApiException(400, ErrorCode.INVALID_REQUEST, problems.size() + " field(s) of the link-token request are"
                    + " wrong (see fields); nothing was stored", extra);
        }
        LinkTokens.Issued issued = tokens.create(org, new AccessList(blocks), url, lifetime);
        LOG.info("link-token {} created for organization {} (access list {})", issued.stored().keyId(), org,
                issued.stored().accessList().entries());
        ObjectNode answer = JsonSupport.object().put("linkToken", issued.token()).put("keyId", issued.stored().keyId())
                .put("expiresAt", issued.stored().expiresAt().toString());
        issued.stored().accessList().entries().forEach(answer.putArray("accessListIps")::add);
        return Response.json(201, answer);
    }

    private Response revoke(Request request) {
        String org = org(request);
        if (!tokens.revoke(org)) {
            throw ApiException.notFound("organization '" + org + "' has no link-token to revoke");
        }
        LOG.info("link-token of organization {} revoked", org);
        return new Response(204, Response.JSON, new byte[0]);
    }

    private Response hello(Request request) {
        LinkTokens.Stored stored = authenticate(request);
        return Response.ok(JsonSupport.object().put("org", stored.org()).put("keyId", stored.keyId()));
    }

    /**
     * The organization's token a request of the agent carries.
     *
     * @throws ApiException 401 {@code LINK_TOKEN_INVALID}, 403 {@code ACCESS_LIST_DENIED}
     */
    LinkTokens.Stored authenticate(Request request) {
        InetAddress from = request.remoteAddress();
        String header = request.header("Authorization");
        LinkTokens.Stored stored;
        try {
            if (header == null || !header.regionMatches(true, 0, "LinkToken ", 0, 10)) {
                throw new LinkTokens.Refused("no 'Authorization: LinkToken <token>' header");
            }
            stored = tokens.verify(header.substring(10).strip());
        } catch (LinkTokens.Refused e) {
            LOG.warn("refused a link-token call from {}: {}", from.getHostAddress(), e.getMessage());
            throw new ApiException(401, ErrorCode.LINK_TOKEN_INVALID, "the link-token was refused: " + e.getMessage()
                    + ". Send 'Authorization: LinkToken <token>' with the organization's current token, or create a new one"
                    + " (livemigrate link create)");
        }
        if (!stored.accessList().allows(from)) {
            LOG.warn("refused link-token {} of organization {} from {}: not on its access list {}", stored.keyId(), stored.org(),
                    from.getHostAddress(), stored.accessList().entries());
            throw new ApiException(403, ErrorCode.ACCESS_LIST_DENIED, "calls from " + from.getHostAddress() +  " are not on the"
                    + " access list of the link-token of organization '" + stored.org() + "': call from a listed address, or create"
                    + " a new token whose access list holds this one");
        }
        return stored;
    }

    /** The {@code orgId} path parameter: 1 to 64 letters, digits, '-' or '_', starting with a letter or digit. */
    private static String org(Request request) {
        String org = request.parameter("orgId");
        boolean valid = org.length() <= MAX_ORG && Character.isLetterOrDigit(org.charAt(0)) && org.chars()
                .allMatch(c -> (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_');
        if (!valid) {
            ObjectNode extra = JsonSupport.object();
            extra.putArray("fields").addObject().put("field", "orgId").put("problem", "'" + org + "': an organization id is 1 to "
                    + MAX_ORG + " letters, digits, '-' or '_', starting with a letter or digit");
            throw new ApiException(400, ErrorCode.INVALID_REQUEST, "the organization id in the path is not valid (see fields);"
                    + " nothing was stored", extra);
        }
        return org;
    }

    private URI url(JsonNode url, List<String[]> problems) {
        if (url == null) {
            return defaultUrl;
        }
        try {
            URI uri = url.isTextual() ? new URI(url.asText()) : null;
            if (uri != null && Set.of("http", "https").contains(String.valueOf(uri.getScheme())) && uri.getHost() != null
                    && uri.getUserInfo() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        problems.add(new String[] {"url", "'" + url.asText() + "': give the http(s)://host:port the migration host calls"
                + " this server at, without user information"});
        return null;
    }
}
