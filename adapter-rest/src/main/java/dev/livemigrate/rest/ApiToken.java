package dev.livemigrate.rest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The bearer token every {@code /api} call must carry. Given by the operator ({@code LIVEMIGRATE_API_TOKEN}), it
 * is kept in memory only; otherwise it is generated at the first start (256 random bits), handed back once to be
 * printed, and only its SHA-256 is stored, in {@value #FILE} of the data directory, where later starts read it.
 * A presented token is hashed and compared with {@link MessageDigest#isEqual}, in time independent of where
 * the two differ.
 */
final class ApiToken {

    static final String FILE = "api-token.sha256";

    private final byte[] hash;
    private final String generated;

    private ApiToken(byte[] hash, String generated) {
        this.hash = hash;
        this.generated = generated;
    }

    /** The operator's token when given, else the stored hash, else a new token whose hash is stored. */
    static ApiToken of(String configured, DataDir dir) {
        if (configured != null && !configured.isBlank()) {
            return new ApiToken(sha256(configured.strip()), null);
        }
        Path stored = dir.file(FILE);
        try {
            if (Files.exists(stored)) {
                return new ApiToken(HexFormat.of().parseHex(Files.readString(stored, StandardCharsets.US_ASCII).strip()), null);
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot read the API token's hash from " + stored
                    + ": delete the file to have a new token generated", e);
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        byte[] hash = sha256(token);
        dir.write(FILE, (HexFormat.of().formatHex(hash) + "\n").getBytes(StandardCharsets.US_ASCII));
        return new ApiToken(hash, token);
    }

    /** The token generated at this start, to be shown once; empty when it was given or generated before. */
    Optional<String> generated() {
        return Optional.ofNullable(generated);
    }

    /** Whether an {@code Authorization} header value ({@code null} when absent) is {@code Bearer <the token>}. */
    boolean accepts(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(hash, sha256(authorization.substring(7).strip()));
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
