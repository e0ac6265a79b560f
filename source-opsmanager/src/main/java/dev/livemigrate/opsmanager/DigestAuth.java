package dev.livemigrate.opsmanager;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP digest authentication (RFC 7616) for the Ops Manager / Cloud Manager public API, which authenticates API keys
 * that way only: the public key is the user name, the private key the password. Answers a {@code Digest} challenge
 * with algorithm {@code MD5}, {@code MD5-sess}, {@code SHA-256} or {@code SHA-256-sess}, {@code qop=auth} (or no qop,
 * RFC 2069), a fresh client nonce and a counting nonce count.
 *
 * <p>Written here because the JDK's {@code java.net.http.HttpClient} does basic authentication only, and the
 * libraries that do digest (Apache HttpClient, OkHttp add-ons) would bring a whole HTTP stack for a few dozen lines.
 * Not thread-safe: one instance per resolution.
 */
final class DigestAuth {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String username;
    private final String password;
    private Map<String, String> challenge;
    private int nonceCount;

    DigestAuth(String username, String password) {
        this.username = username;
        this.password = password;
    }

    /** Takes the server's challenge from its {@code WWW-Authenticate} headers; false when none is a digest one. */
    boolean accept(List<String> wwwAuthenticate) {
        Map<String, String> best = null;
        for (String header : wwwAuthenticate) {
            if (header.regionMatches(true, 0, "Digest ", 0, 7)) {
                Map<String, String> params = parameters(header.substring(7));
                // a server may offer several algorithms: SHA-256 before MD5, as RFC 7616 section 3.7 prefers
                if (best == null || algorithm(params).startsWith("SHA-256")) {
                    best = params;
                }
            }
        }
        if (best == null || !best.containsKey("nonce")) {
            return false;
        }
        challenge = best;
        nonceCount = 0;
        return true;
    }

    /** The {@code Authorization} header for a request, once a challenge was accepted. */
    Optional<String> authorization(String method, String requestTarget) {
        if (challenge == null) {
            return Optional.empty();
        }
        String algorithm = algorithm(challenge);
        String hashName = algorithm.startsWith("SHA-256") ? "SHA-256" : "MD5";
        String realm = challenge.getOrDefault("realm", "");
        String nonce = challenge.get("nonce");
        String cnonce = HexFormat.of().formatHex(RANDOM.generateSeed(16));
        String nc = String.format(Locale.ROOT, "%08x", ++nonceCount);
        String ha1 = hash(hashName, username + ":" + realm + ":" + password);
        if (algorithm.endsWith("-SESS")) {
            ha1 = hash(hashName, ha1 + ":" + nonce + ":" + cnonce);
        }
        String ha2 = hash(hashName, method + ":" + requestTarget);
        boolean qopAuth = challenge.containsKey("qop");
        String response = qopAuth ? hash(hashName, ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:" + ha2)
                : hash(hashName, ha1 + ":" + nonce + ":" + ha2);
        StringBuilder header = new StringBuilder("Digest username=\"").append(username)
                .append("\", realm=\"").append(realm).append("\", nonce=\"").append(nonce)
                .append("\", uri=\"").append(requestTarget).append("\", algorithm=").append(challenge.getOrDefault("algorithm", "MD5"))
                .append(", response=\"").append(response).append('"');
        if (qopAuth) {
            header.append(", qop=auth, nc=").append(nc).append(", cnonce=\"").append(cnonce).append('"');
        }
        if (challenge.containsKey("opaque")) {
            header.append(", opaque=\"").append(challenge.get("opaque")).append('"');
        }
        return Optional.of(header.toString());
    }

    /** {@code H(data)} in lower-case hex, for algorithm {@code MD5} or {@code SHA-256}. */
    static String hash(String algorithm, String data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has " + algorithm, e);
        }
    }

    /** The comma-separated {@code name=value} / {@code name="value"} pairs of a challenge or credentials header. */
    static Map<String, String> parameters(String text) {
        Map<String, String> params = new LinkedHashMap<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            while (i < n && (text.charAt(i) == ',' || Character.isWhitespace(text.charAt(i)))) {
                i++;
            }
            int eq = text.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String name = text.substring(i, eq).trim().toLowerCase(Locale.ROOT);
            StringBuilder value = new StringBuilder();
            i = eq + 1;
            if (i < n && text.charAt(i) == '"') {
                for (i++; i < n && text.charAt(i) != '"'; i++) {
                    if (text.charAt(i) == '\\' && i + 1 < n) {
                        i++;
                    }
                    value.append(text.charAt(i));
                }
                i++;
            } else {
                for (; i < n && text.charAt(i) != ','; i++) {
                    value.append(text.charAt(i));
                }
            }
            params.put(name, value.toString().trim());
        }
        return params;
    }

    private static String algorithm(Map<String, String> params) {
        return params.getOrDefault("algorithm", "MD5").toUpperCase(Locale.ROOT);
    }
}
