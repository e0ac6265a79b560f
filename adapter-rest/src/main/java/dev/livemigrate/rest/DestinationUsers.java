package dev.livemigrate.rest;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The temporary destination user of a push migration: the control plane does not hand the destination's own
 * credentials to a migration host. When the destination connection string carries a user, the control plane runs, with
 * that user, {@code createUser} on {@code admin} for a user {@code livemigrate-agent-<16 hex digits>} with a random
 * password (192 random bits) and the roles {@link #ROLES} (what the engine does on the destination, as
 * {@code PrivilegesValidator} checks it); the host gets the connection string with that user in place of the
 * operator's ({@link #handOver}, {@code authSource=admin}). When the migration completes or is cancelled the control
 * plane runs {@code dropUser} with the operator's user ({@link #drop}).
 *
 * <p>A connection string without a user (a destination without access control) is handed over as it is. When the
 * destination refuses {@code createUser} (the operator's user may not create users: {@code Unauthorized}, code 13; or
 * any other failure), the connection string is handed over as it is and the reason is logged and shown among the
 * migration's warnings. Passwords are never logged. The commands are MongoDB's:
 * https://www.mongodb.com/docs/manual/reference/command/createUser/ and
 * https://www.mongodb.com/docs/manual/reference/command/dropUser/.
 */
final class DestinationUsers {

    private static final Logger LOG = LoggerFactory.getLogger(DestinationUsers.class);
    /** What the engine needs on the destination: read and write, collection options and indexes, restore's bypass. */
    static final List<String> ROLES = List.of("readWriteAnyDatabase", "dbAdminAnyDatabase", "restore");
    static final String PREFIX = "livemigrate-agent-";
    /** MongoDB's Unauthorized (src/mongo/base/error_codes.yml). */
    static final int UNAUTHORIZED = 13;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A temporary user, or why none was made ({@code name} null, {@code refusal} the reason). */
    record Temporary(String name, String password, String refusal) {
        boolean made() {
            return name != null;
        }

        @Override
        public String toString() {
            return made() ? "Temporary[" + name + ", password=<hidden>]" : "Temporary[none: " + refusal + "]";
        }
    }

    private DestinationUsers() {
    }

    /**
     * Makes the temporary user of a migration with the connection string's user; {@code null} when the string names no
     * user (nothing to hide), a {@link Temporary} with the refusal when the destination refused.
     */
    static Temporary create(String destinationUri, String migrationId) {
        if (new ConnectionString(destinationUri).getCredential() == null) {
            return null;
        }
        byte[] id = new byte[8];
        byte[] secret = new byte[24];
        RANDOM.nextBytes(id);
        RANDOM.nextBytes(secret);
        String name = PREFIX + HexFormat.of().formatHex(id);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        BsonArray roles = new BsonArray();
        ROLES.forEach(r -> roles.add(new BsonDocument("role", new BsonString(r)).append("db", new BsonString("admin"))));
        BsonDocument command = new BsonDocument("createUser", new BsonString(name)).append("pwd", new BsonString(password))
                .append("roles", roles);
        try {
            run(destinationUri, command);
            LOG.info("migration {}: temporary destination user {} created for its migration host", migrationId, name);
            return new Temporary(name, password, null);
        } catch (MongoCommandException e) {
            String why = e.getErrorCode() == UNAUTHORIZED
                    ? "the destination's user may not create users (" + e.getErrorCodeName() + ", code 13)"
                    : "the destination refused createUser (" + e.getErrorCodeName() + ", code " + e.getErrorCode() + ")";
            return refused(migrationId, why);
        } catch (MongoException e) {
            return refused(migrationId, "the destination could not be reached to create a user (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static Temporary refused(String migrationId, String why) {
        String refusal = why + ": the migration host was given the destination connection string itself; to hand it a temporary"
                + " user instead, give a destination user with the userAdminAnyDatabase role";
        LOG.warn("migration {}: {}", migrationId, refusal);
        return new Temporary(null, null, refusal);
    }

    /** The connection string with the temporary user in place of the operator's, authenticated on {@code admin}. */
    static String handOver(String destinationUri, Temporary user) {
        int authority = destinationUri.indexOf("://") + 3;
        int at = destinationUri.lastIndexOf('@', end(destinationUri, authority));
        String credentials = URLEncoder.encode(user.name(), StandardCharsets.UTF_8) + ":"
                + URLEncoder.encode(user.password(), StandardCharsets.UTF_8) + "@";
        String uri = destinationUri.substring(0, authority) + credentials + destinationUri.substring(at < authority ? authority : at + 1);
        int query = uri.indexOf('?', authority);
        if (query < 0) {
            return uri + (uri.indexOf('/', authority) < 0 ? "/" : "") + "?authSource=admin";
        }
        StringBuilder options = new StringBuilder("authSource=admin");
        for (String option : uri.substring(query + 1).split("&")) {
            if (!option.isEmpty() && !option.regionMatches(true, 0, "authSource=", 0, 11)) {
                options.append('&').append(option);
            }
        }
        return uri.substring(0, query + 1) + options;
    }

    /** Where the host list ends: the first {@code /} or {@code ?} after the scheme, else the end. */
    private static int end(String uri, int from) {
        for (int i = from; i < uri.length(); i++) {
            if (uri.charAt(i) == '/' || uri.charAt(i) == '?') {
                return i;
            }
        }
        return uri.length();
    }

    /**
     * Drops the temporary user with the operator's user; a failure is logged with what to run by hand.
     *
     * @return whether it was dropped (or was gone already)
     */
    static boolean drop(String destinationUri, String migrationId, String name) {
        try {
            run(destinationUri, new BsonDocument("dropUser", new BsonString(name)));
            LOG.info("migration {}: temporary destination user {} dropped", migrationId, name);
            return true;
        } catch (MongoCommandException e) {
            if (e.getErrorCodeName().equals("UserNotFound")) {
                return true;
            }
            LOG.warn("migration {}: the temporary destination user {} could not be dropped ({}, code {}): drop it with"
                    + " db.getSiblingDB('admin').dropUser('{}')", migrationId, name, e.getErrorCodeName(), e.getErrorCode(), name);
        } catch (MongoException e) {
            LOG.warn("migration {}: the temporary destination user {} could not be dropped ({}): drop it with"
                    + " db.getSiblingDB('admin').dropUser('{}')", migrationId, name, e.getClass().getSimpleName(), name);
        }
        return false;
    }

    private static void run(String uri, BsonDocument command) {
        MongoClientSettings settings = MongoClientSettings.builder().applyConnectionString(new ConnectionString(uri))
                .applyToClusterSettings(c -> c.serverSelectionTimeout(10, TimeUnit.SECONDS))
                .applyToSocketSettings(s -> s.connectTimeout(10, TimeUnit.SECONDS).readTimeout(30, TimeUnit.SECONDS)).build();
        try (MongoClient client = MongoClients.create(settings)) {
            client.getDatabase("admin").runCommand(command, BsonDocument.class);
        }
    }
}
