package dev.livemigrate.opsmanager;

import dev.livemigrate.ConfigurationException;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.Secrets;
import org.bson.Document;
import org.bson.json.JsonParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The few reads of the Ops Manager / Cloud Manager public API v1.0 the {@code ops-manager} source needs, over the
 * JDK's HTTP client with {@link DigestAuth}. Lists are read page by page, following the envelope's {@code links}
 * entry whose {@code rel} is {@code next}. A 429 is retried up to {@value #RATE_LIMIT_RETRIES} times, after the
 * {@code Retry-After} seconds the server asks for (at most a minute each). Every failure is a coded
 * {@link ConfigurationException} that names the URL and the server's reason and never the private key.
 */
final class OpsManagerApi {

    private static final Logger LOG = LoggerFactory.getLogger(OpsManagerApi.class);
    static final int RATE_LIMIT_RETRIES = 3;
    private static final int MAX_PAGES = 1000;
    private static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(1);

    private final HttpClient http;
    private final URI base;
    private final String publicKey;
    private final String privateKey;
    private final DigestAuth digest;

    OpsManagerApi(HttpClient http, URI base, String publicKey, String privateKey) {
        this.http = http;
        this.base = base;
        this.publicKey = publicKey;
        this.privateKey = privateKey;
        this.digest = new DigestAuth(publicKey, privateKey);
    }

    /** Every result of a paged list, for example {@code groups/ID/clusters}. */
    List<Document> list(String path, String projectId) {
        List<Document> results = new ArrayList<>();
        URI next = base.resolve("api/public/v1.0/" + path);
        for (int page = 0; next != null && page < MAX_PAGES; page++) {
            Document envelope = get(next, projectId);
            results.addAll(envelope.getList("results", Document.class, List.of()));
            next = envelope.getList("links", Document.class, List.of()).stream()
                    .filter(l -> "next".equals(l.getString("rel")) && l.getString("href") != null)
                    .map(l -> base.resolve(l.getString("href"))).findFirst().orElse(null);
        }
        return results;
    }

    /** One resource, for example {@code groups/ID}. */
    Document document(String path, String projectId) {
        return get(base.resolve("api/public/v1.0/" + path), projectId);
    }

    /**
     * One resource the key may not be allowed to read (the automation configuration needs a project role some keys
     * lack): empty when it is refused (401, 403) or absent (404); other failures as {@link #document}.
     */
    Optional<Document> optional(String path, String projectId) {
        try {
            return Optional.of(document(path, projectId));
        } catch (ConfigurationException e) {
            if (e.errorCode() == ErrorCode.OPS_MANAGER_UNAUTHORIZED || e.errorCode() == ErrorCode.OPS_MANAGER_PROJECT_NOT_FOUND) {
                LOG.info("{} is not readable with this API key: {}", path, e.getMessage());
                return Optional.empty();
            }
            throw e;
        }
    }

    private Document get(URI uri, String projectId) {
        HttpResponse<String> response = send(uri);
        for (int retry = 1; response.statusCode() == 429 && retry <= RATE_LIMIT_RETRIES; retry++) {
            Duration wait = retryAfter(response);
            LOG.info("Ops Manager answered 429 (too many requests) to {}; retry {} of {} in {} s", uri, retry,
                    RATE_LIMIT_RETRIES, wait.toSeconds());
            pause(wait);
            response = send(uri);
        }
        int status = response.statusCode();
        if (status == 200) {
            try {
                return Document.parse(response.body());
            } catch (JsonParseException e) {
                throw failure(ErrorCode.OPS_MANAGER_UNREACHABLE, uri + " answered 200 with a body that is not JSON: check that "
                        + "baseUrl is the address of Ops Manager or Cloud Manager, not of a proxy or login page");
            }
        }
        String reason = reason(response);
        throw switch (status) {
            case 401, 403 -> failure(ErrorCode.OPS_MANAGER_UNAUTHORIZED, uri + " refused the API key " + publicKey + " ("
                    + status + reason + "): check the public and private key, that the key has a role in project "
                    + projectId + ", and that this host's address is on the key's access list");
            case 404 -> failure(ErrorCode.OPS_MANAGER_PROJECT_NOT_FOUND, uri + " found no project " + projectId + " (404"
                    + reason + "): give the id of the project (Project Settings, or GET /api/public/v1.0/groups)");
            case 429 -> failure(ErrorCode.OPS_MANAGER_UNREACHABLE, uri + " kept answering 429 (too many requests) after "
                    + RATE_LIMIT_RETRIES + " retries" + reason + ": wait a minute and try again, or raise the API rate limit");
            default -> failure(ErrorCode.OPS_MANAGER_UNREACHABLE, uri + " answered " + status + reason
                    + ": check that Ops Manager is up and that baseUrl is its address");
        };
    }

    /** One GET, answering a digest challenge once when the server sends one. */
    private HttpResponse<String> send(URI uri) {
        HttpResponse<String> response = exchange(uri);
        if (response.statusCode() == 401 && digest.accept(response.headers().allValues("WWW-Authenticate"))) {
            response = exchange(uri);
        }
        return response;
    }

    private HttpResponse<String> exchange(URI uri) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json").GET();
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        digest.authorization("GET", target).ifPresent(a -> request.header("Authorization", a));
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw failure(ErrorCode.OPS_MANAGER_UNREACHABLE, "could not reach Ops Manager at " + uri + " ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                    + "): check baseUrl, and that this host can reach it (proxy, firewall, TLS)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigurationException(ErrorCode.INTERRUPTED, "interrupted while reading " + uri);
        }
    }

    /** {@code ": detail"} from Ops Manager's error body ({@code {detail, error, errorCode, reason}}), if any. */
    private static String reason(HttpResponse<String> response) {
        try {
            Document error = Document.parse(response.body());
            String code = error.get("errorCode") instanceof String c ? c : null;
            String detail = error.get("detail") instanceof String d ? d : null;
            return (code == null ? "" : " " + code) + (detail == null ? "" : ": " + detail);
        } catch (RuntimeException notJson) {
            return "";
        }
    }

    private static Duration retryAfter(HttpResponse<String> response) {
        try {
            long seconds = Long.parseLong(response.headers().firstValue("Retry-After").orElse("1").trim());
            Duration d = Duration.ofSeconds(Math.max(0, seconds));
            return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
        } catch (NumberFormatException httpDate) {
            return Duration.ofSeconds(1);
        }
    }

    private static void pause(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigurationException(ErrorCode.INTERRUPTED, "interrupted while waiting for Ops Manager's rate limit");
        }
    }

    /** A coded error whose message cannot carry the private key, even if the server echoed it. */
    private ConfigurationException failure(ErrorCode code, String message) {
        return new ConfigurationException(code, privateKey.isEmpty() ? message : message.replace(privateKey, Secrets.HIDDEN));
    }
}
