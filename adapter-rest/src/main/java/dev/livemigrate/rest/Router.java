package dev.livemigrate.rest;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Dispatches every request of the server: finds the route by method and path template ({@code /a/{id}/b}), checks
 * the API token for paths under {@code /api/} and for {@code /metrics} before anything else (so a request without it learns nothing, not
 * even whether a path exists), and renders every failure as the API's error body: an {@link ApiException} as it
 * is, a {@link MigrationException} by its code ({@link Errors}), anything else as 500 with an incident id that the
 * log holds with the stack trace. No stack trace reaches a client.
 */
final class Router implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(Router.class);

    /** What a route does with a request. */
    interface Handler {
        Response handle(Request request);
    }

    private record Route(String method, String[] template, Handler handler) {
    }

    private final List<Route> routes = new ArrayList<>();
    private final Predicate<String> authorized;

    /** @param authorized whether the {@code Authorization} header's value (or {@code null}) carries the API token */
    Router(Predicate<String> authorized) {
        this.authorized = authorized;
    }

    Router add(String method, String template, Handler handler) {
        routes.add(new Route(method, template.split("/"), handler));
        return this;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        Response response;
        try {
            response = dispatch(exchange);
        } catch (ApiException e) {
            response = Errors.render(e);
        } catch (MigrationException e) {
            response = Errors.render(Errors.of(e));
        } catch (RuntimeException | LinkageError | AssertionError e) { // an answer, never a hung request
            String incident = UUID.randomUUID().toString().substring(0, 8);
            LOG.error("incident {}: {} {} failed", incident, exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e);
            response = Errors.render(new ApiException(500, ErrorCode.INTERNAL, "the server failed to answer (incident "
                    + incident + "; its log has the details): try again, and report it if it persists"));
        }
        send(exchange, response);
    }

    private Response dispatch(HttpExchange exchange) {
        String path = exchange.getRequestURI().getPath();
        if (needsToken(path) && !authorized.test(exchange.getRequestHeaders().getFirst("Authorization"))) {
            exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer");
            throw new ApiException(401, ErrorCode.UNAUTHORIZED, "this call needs the header 'Authorization: Bearer <token>' with"
                    + " the server's API token (LIVEMIGRATE_API_TOKEN, or the one printed at its first start)");
        }
        String[] parts = path.split("/");
        TreeSet<String> allowed = new TreeSet<>();
        for (Route route : routes) {
            Map<String, String> parameters = match(route.template(), parts);
            if (parameters == null) {
                continue;
            }
            if (route.method().equals(exchange.getRequestMethod())) {
                return route.handler().handle(new Request(exchange, parameters));
            }
            allowed.add(route.method());
        }
        if (!allowed.isEmpty()) {
            exchange.getResponseHeaders().add("Allow", String.join(", ", allowed));
            throw new ApiException(405, ErrorCode.INVALID_REQUEST, exchange.getRequestMethod() + " is not allowed on "
                    + path + ": use " + String.join(" or ", allowed));
        }
        throw ApiException.notFound("there is no route " + path + ": GET /api/v1/openapi.json lists them");
    }

    /**
     * Every path under {@code /api/}, and the metrics; not the status page's files, nor the agent's paths
     * ({@link LinkTokenRoutes#AGENT_PREFIX}), whose routes check the link-token themselves.
     */
    static boolean needsToken(String path) {
        return (path.startsWith("/api/") && !path.startsWith(LinkTokenRoutes.AGENT_PREFIX)) || path.equals("/metrics");
    }

    private static Map<String, String> match(String[] template, String[] parts) {
        if (template.length != parts.length) {
            return null;
        }
        Map<String, String> parameters = new HashMap<>();
        for (int i = 0; i < template.length; i++) {
            String t = template[i];
            if (t.startsWith("{") && t.endsWith("}")) {
                if (parts[i].isEmpty()) {
                    return null;
                }
                parameters.put(t.substring(1, t.length() - 1), parts[i]);
            } else if (!t.equals(parts[i])) {
                return null;
            }
        }
        return parameters;
    }

    private static void send(HttpExchange exchange, Response response) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", response.contentType());
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        // the status page loads only its own files and calls only this server; nothing may frame it
        exchange.getResponseHeaders().set("Content-Security-Policy", "default-src 'self'; base-uri 'none'; form-action 'none';"
                + " frame-ancestors 'none'");
        exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        exchange.sendResponseHeaders(response.status(), response.body().length == 0 ? -1 : response.body().length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(response.body());
        }
    }
}
