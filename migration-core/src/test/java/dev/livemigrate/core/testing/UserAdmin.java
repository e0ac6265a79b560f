package dev.livemigrate.core.testing;

import org.bson.BsonBinary;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonString;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link WireProxy.Handler} that gives an {@link EmbeddedMongo} (which has no users and no authentication) the user
 * commands and the SCRAM-SHA-256 authentication a destination with access control has, in MongoDB's shapes:
 * <ul>
 * <li>{@code createUser} and {@code dropUser} on {@code admin} are answered {@code {ok: 1}} and change the users it
 * knows (https://www.mongodb.com/docs/manual/reference/command/createUser/,
 * https://www.mongodb.com/docs/manual/reference/command/dropUser/); a user already there is {@code DuplicateKey} (11000,
 * "User ... already exists"), an unknown one {@code UserNotFound} (11); {@link #refuseCreateUser} answers
 * {@code createUser} {@code Unauthorized} (13) as MongoDB does for a user without the {@code createUser} action;</li>
 * <li>{@code saslStart}/{@code saslContinue} run SCRAM-SHA-256 (RFC 5802 and RFC 7677; MongoDB's replies
 * {@code {conversationId, done, payload, ok}} as mongodb/specifications source/auth/auth.md shows them, with the
 * {@code skipEmptyExchange} option honoured) against the users it knows: a wrong password or an unknown user is
 * {@code AuthenticationFailed} (18);</li>
 * <li>everything else goes to the embedded server.</li>
 * </ul>
 * Every user command and authentication is recorded by the proxy ({@link WireProxy#commands(String)}).
 */
public final class UserAdmin implements WireProxy.Handler {

    private static final int ITERATIONS = 4096;
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Conversation(String user, String clientFirstBare, String serverFirst, byte[] salt, boolean skipEmpty) {
    }

    private final Map<String, String> passwords = new ConcurrentHashMap<>();
    private final Map<Integer, Conversation> conversations = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile boolean refuseCreateUser;

    /** Knows one user to begin with: the operator's. */
    public UserAdmin(String user, String password) {
        passwords.put(user, password);
    }

    /** From now on {@code createUser} is refused as MongoDB refuses it to a user without the action. */
    public UserAdmin refuseCreateUser() {
        refuseCreateUser = true;
        return this;
    }

    /** Whether a user of this name exists now. */
    public boolean knows(String user) {
        return passwords.containsKey(user);
    }

    @Override
    public byte[] reply(WireProxy.Command command, WireProxy.Upstream upstream) throws IOException {
        BsonDocument body = command.body();
        return switch (command.name()) {
            case "createUser" -> WireProxy.bytes(createUser(body));
            case "dropUser" -> WireProxy.bytes(passwords.remove(body.getString("dropUser").getValue()) != null ? ok()
                    : error(11, "UserNotFound", "User '" + body.getString("dropUser").getValue() + "@admin' not found"));
            case "saslStart" -> WireProxy.bytes(start(body));
            case "saslContinue" -> WireProxy.bytes(proceed(body));
            default -> upstream.forward();
        };
    }

    private BsonDocument createUser(BsonDocument body) {
        String user = body.getString("createUser").getValue();
        if (refuseCreateUser) {
            return error(13, "Unauthorized", "not authorized on admin to execute command { createUser: \"" + user + "\", ... }");
        }
        if (passwords.putIfAbsent(user, body.getString("pwd").getValue()) != null) {
            return error(11000, "DuplicateKey", "User \"" + user + "@admin\" already exists");
        }
        return ok();
    }

    /** {@code saslStart}: the client-first message {@code n,,n=USER,r=NONCE}; answers the server-first message. */
    private BsonDocument start(BsonDocument body) {
        if (!body.getString("mechanism").getValue().equals("SCRAM-SHA-256")) {
            return error(2, "BadValue", "Unsupported mechanism " + body.getString("mechanism").getValue());
        }
        String clientFirst = new String(body.getBinary("payload").getData(), StandardCharsets.UTF_8);
        String bare = clientFirst.substring(clientFirst.indexOf(",,") + 2);
        String user = attribute(bare, 'n').replace("=2C", ",").replace("=3D", "=");
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        String serverFirst = "r=" + attribute(bare, 'r') + Base64.getEncoder().encodeToString(salt).replace("=", "")
                + ",s=" + Base64.getEncoder().encodeToString(salt) + ",i=" + ITERATIONS;
        boolean skipEmpty = body.getDocument("options", new BsonDocument()).getBoolean("skipEmptyExchange", BsonBoolean.FALSE).getValue();
        int id = ids.incrementAndGet();
        conversations.put(id, new Conversation(user, bare, serverFirst, salt, skipEmpty));
        return step(id, false, serverFirst);
    }

    /** {@code saslContinue}: checks the client's proof and answers the server's signature, or ends an empty exchange. */
    private BsonDocument proceed(BsonDocument body) {
        int id = body.getNumber("conversationId").intValue();
        Conversation c = conversations.get(id);
        String clientFinal = new String(body.getBinary("payload").getData(), StandardCharsets.UTF_8);
        if (c == null) {
            return error(17, "ProtocolError", "No SASL session state found");
        }
        if (clientFinal.isEmpty()) {
            conversations.remove(id);
            return step(id, true, "");
        }
        String password = passwords.get(c.user());
        String withoutProof = clientFinal.substring(0, clientFinal.lastIndexOf(",p="));
        String authMessage = c.clientFirstBare() + "," + c.serverFirst() + "," + withoutProof;
        try {
            if (password == null) {
                return failed(id);
            }
            byte[] salted = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(password.toCharArray(), c.salt(), ITERATIONS, 256)).getEncoded();
            byte[] clientKey = hmac(salted, "Client Key");
            byte[] signature = hmac(MessageDigest.getInstance("SHA-256").digest(clientKey), authMessage);
            byte[] proof = Base64.getDecoder().decode(attribute(clientFinal, 'p'));
            for (int i = 0; i < proof.length; i++) {
                proof[i] ^= signature[i];
            }
            if (!MessageDigest.isEqual(proof, clientKey)) {
                return failed(id);
            }
            String serverFinal = "v=" + Base64.getEncoder().encodeToString(hmac(hmac(salted, "Server Key"), authMessage));
            if (c.skipEmpty()) {
                conversations.remove(id);
            }
            return step(id, c.skipEmpty(), serverFinal);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private BsonDocument failed(int id) {
        conversations.remove(id);
        return error(18, "AuthenticationFailed", "Authentication failed.");
    }

    private static String attribute(String message, char name) {
        for (String part : message.split(",")) {
            if (part.length() > 1 && part.charAt(0) == name && part.charAt(1) == '=') {
                return part.substring(2);
            }
        }
        throw new IllegalArgumentException("no " + name + "= in " + message);
    }

    private static byte[] hmac(byte[] key, String data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }

    private static BsonDocument step(int id, boolean done, String payload) {
        return new BsonDocument("conversationId", new BsonInt32(id)).append("done", BsonBoolean.valueOf(done))
                .append("payload", new BsonBinary(payload.getBytes(StandardCharsets.UTF_8))).append("ok", new BsonDouble(1));
    }

    private static BsonDocument ok() {
        return new BsonDocument("ok", new BsonDouble(1));
    }

    private static BsonDocument error(int code, String name, String message) {
        return new BsonDocument("ok", new BsonDouble(0)).append("errmsg", new BsonString(message)).append("code", new BsonInt32(code))
                .append("codeName", new BsonString(name));
    }
}
