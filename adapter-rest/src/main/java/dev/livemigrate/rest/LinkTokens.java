package dev.livemigrate.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The organizations' link-tokens: one per organization, a new one replacing the old. A token is
 * {@code lmlt1.<payload>.<signature>}: the payload is base64url (no padding) of the JSON
 * {@code {v: 1, url, org, keyId, secret, iat, exp}} (the control plane's URL for the agent, the organization, the
 * token's id, 256 random bits, the creation and expiry times in epoch seconds); the signature is base64url of the HMAC-SHA256 of the
 * ASCII text {@code lmlt1.<payload>} under this server's key, 256 random bits kept in {@value #KEY_FILE} of the data
 * directory. The token is handed back once; {@value #FILE} keeps per organization its key id, the SHA-256 of the
 * whole token, its access list, URL and creation time, never the token or its secret.
 *
 * <p>{@link #verify} accepts a token only when its signature is this server's (in time independent of where it
 * differs), its payload is version 1, it has not expired, its organization holds a token of the same key id, and
 * the stored hash is the token's own: so a changed payload or signature, another server's token, an expired, a
 * revoked or a replaced one are refused. Methods are synchronized; a create or revoke is on disk before it answers.
 */
final class LinkTokens {

    static final String FILE = "link-tokens.json";
    static final String KEY_FILE = "link-token.key";
    static final String PREFIX = "lmlt1.";

    /** What is kept of an organization's token. */
    record Stored(String org, String keyId, byte[] hash, AccessList accessList, URI url, Instant createdAt, Instant expiresAt) {
    }

    /** How long a token is valid when the request does not say: 30 days, longer than a copy, sync and cutover window. */
    static final Duration DEFAULT_LIFETIME = Duration.ofDays(30);

    /** A token just created: the only time its text exists on the server. */
    record Issued(String token, Stored stored) {
        @Override
        public String toString() {
            return "Issued[token=<hidden>, org=" + stored.org() + ", keyId=" + stored.keyId() + "]";
        }
    }

    /** Why a token was refused; the message never holds the token. */
    static final class Refused extends Exception {
        Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DataDir dir;
    private final SecretKeySpec key;
    private final Map<String, Stored> tokens = new TreeMap<>();
    private final Clock clock;

    LinkTokens(DataDir dir) {
        this(dir, Clock.systemUTC());
    }

    LinkTokens(DataDir dir, Clock clock) {
        this.dir = dir;
        this.clock = clock;
        this.key = new SecretKeySpec(loadOrCreateKey(dir), "HmacSHA256");
        load();
    }

    /**
     * A new token for the organization, valid for {@code lifetime}, replacing its old one, whose hash is stored before
     * it is returned.
     */
    synchronized Issued create(String org, AccessList accessList, URI url, Duration lifetime) {
        String keyId = "lt" + HexFormat.of().formatHex(random(8));
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant expires = now.plus(lifetime);
        ObjectNode payload = JsonSupport.object().put("v", 1).put("url", url.toString()).put("org", org).put("keyId", keyId)
                .put("secret", B64.encodeToString(random(32))).put("iat", now.getEpochSecond()).put("exp", expires.getEpochSecond());
        String signed = PREFIX + B64.encodeToString(JsonSupport.bytes(payload));
        String token = signed + "." + B64.encodeToString(hmac(signed));
        Stored stored = new Stored(org, keyId, sha256(token), accessList, url, now, expires);
        tokens.put(org, stored);
        save();
        return new Issued(token, stored);
    }

    /** Revokes the organization's token; false when it had none. */
    synchronized boolean revoke(String org) {
        if (tokens.remove(org) == null) {
            return false;
        }
        save();
        return true;
    }

    /**
     * The stored token the text is.
     *
     * @throws Refused saying why it is not one of this server's current tokens
     */
    synchronized Stored verify(String token) throws Refused {
        if (token == null || !token.startsWith(PREFIX)) {
            throw new Refused("it is not a link-token (they start with " + PREFIX + ")");
        }
        int dot = token.indexOf('.', PREFIX.length());
        if (dot < 0 || token.indexOf('.', dot + 1) >= 0) {
            throw new Refused("it is not a link-token (" + PREFIX + "<payload>.<signature>)");
        }
        String signed = token.substring(0, dot);
        byte[] signature;
        try {
            signature = Base64.getUrlDecoder().decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            throw new Refused("it is not a link-token (its signature is not base64url)");
        }
        if (!MessageDigest.isEqual(hmac(signed), signature)) {
            throw new Refused("its signature does not match: it was changed, or made by another server");
        }
        JsonNode payload;
        try {
            payload = JsonSupport.parse(Base64.getUrlDecoder().decode(signed.substring(PREFIX.length())));
        } catch (IllegalArgumentException | ApiException e) {
            throw new Refused("it is not a link-token (its payload is not base64url JSON)");
        }
        String org = payload.path("org").asText();
        Stored stored = tokens.get(org);
        if (payload.path("v").asInt() != 1 || stored == null) {
            throw new Refused(stored == null ? "organization '" + org + "' has no link-token: it was revoked" : "unknown version");
        }
        Instant expires = Instant.ofEpochSecond(payload.path("exp").asLong(0));
        if (!clock.instant().isBefore(expires)) {
            throw new Refused("it expired at " + expires + ": create a new one (POST /api/v1/orgs/" + org + "/linkTokens)");
        }
        if (!stored.keyId().equals(payload.path("keyId").asText())) {
            throw new Refused("it was replaced by a newer link-token of organization '" + org + "'");
        }
        // with the server's key alone a token cannot be made: the secret must be the one issued
        if (!MessageDigest.isEqual(stored.hash(), sha256(token))) {
            throw new Refused("it is not the token issued under key id " + stored.keyId());
        }
        return stored;
    }

    private void save() {
        ObjectNode root = JsonSupport.object().put("version", 1);
        ObjectNode all = root.putObject("tokens");
        tokens.values().forEach(t -> {
            ObjectNode o = all.putObject(t.org()).put("keyId", t.keyId()).put("sha256", HexFormat.of().formatHex(t.hash()))
                    .put("url", t.url().toString()).put("createdAt", t.createdAt().toString())
                    .put("expiresAt", t.expiresAt().toString());
            t.accessList().entries().forEach(o.putArray("accessList")::add);
        });
        dir.write(FILE, JsonSupport.bytes(root));
    }

    private void load() {
        Path file = dir.file(FILE);
        if (!Files.exists(file)) {
            return;
        }
        try {
            JsonNode root = JsonSupport.tree(Files.readString(file, StandardCharsets.UTF_8));
            root.path("tokens").properties().forEach(e -> {
                JsonNode t = e.getValue();
                List<AccessList.Block> blocks = new ArrayList<>();
                t.path("accessList").forEach(b -> blocks.add(AccessList.parse(b.asText())));
                tokens.put(e.getKey(), new Stored(e.getKey(), t.path("keyId").asText(), HexFormat.of().parseHex(t.path("sha256").asText()),
                        new AccessList(blocks), URI.create(t.path("url").asText()), Instant.parse(t.path("createdAt").asText()),
                        Instant.parse(t.path("expiresAt").asText())));
            });
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read the link-tokens from " + file + ": fix or delete it (deleting revokes"
                    + " every link-token)", e);
        }
    }

    private static byte[] loadOrCreateKey(DataDir dir) {
        Path file = dir.file(KEY_FILE);
        try {
            if (Files.exists(file)) {
                return HexFormat.of().parseHex(Files.readString(file, StandardCharsets.US_ASCII).strip());
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot read the link-token key from " + file + ": deleting it makes a new key"
                    + " and invalidates every link-token", e);
        }
        byte[] key = random(32);
        dir.write(KEY_FILE, (HexFormat.of().formatHex(key) + "\n").getBytes(StandardCharsets.US_ASCII));
        return key;
    }

    private byte[] hmac(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(text.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static byte[] random(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
