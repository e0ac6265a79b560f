package dev.livemigrate.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static dev.livemigrate.rest.Served.assertError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Link-tokens over real HTTP: created with the API token, one per organization, stored only as a hash, refused
 * when changed, replaced, revoked or made by another server, and usable only from an address on their access
 * list, judged by the TCP peer's address (127.0.0.1 here). No token text reaches the data directory, the log or an
 * error body.
 */
class LinkTokensTest {

    private static final String PATH = "/api/v1/orgs/acme-1/linkTokens";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private PrintStream stderr;
    private Served served;

    @BeforeEach
    void serve() {
        stderr = System.err;
        // slf4j-simple writes each line to System.err as it is at that moment: the test reads the server's log
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        served = new Served(dir);
    }

    @AfterEach
    void stop() {
        served.close();
        System.setErr(stderr);
    }

    @Test
    void createsOneTokenPerOrganizationThatReplacesTheOldAndIsRevoked() throws Exception {
        Api.Reply created = served.api.post(PATH, "{\"accessListIps\": [\"127.0.0.1\", \"10.0.0.0/24\", \"2001:db8::/32\"]}");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String first = created.body().path("linkToken").asText();
        assertThat(created.body().path("accessListIps").toString()).isEqualTo("[\"127.0.0.1/32\",\"10.0.0.0/24\",\"2001:db8:0:0:0:0:0:0/32\"]");
        JsonNode payload = payload(first);
        assertThat(first).startsWith("lmlt1.");
        assertThat(payload.path("v").asInt()).isEqualTo(1);
        assertThat(payload.path("url").asText()).isEqualTo(served.plane.uri().toString());
        assertThat(payload.path("exp").asLong() - payload.path("iat").asLong()).as("30 days by default").isEqualTo(30L * 24 * 3600);
        assertThat(payload.path("org").asText()).isEqualTo("acme-1");
        assertThat(payload.path("keyId").asText()).isEqualTo(created.body().path("keyId").asText());
        assertThat(Base64.getUrlDecoder().decode(payload.path("secret").asText())).hasSize(32);
        assertHello(first, 200);

        String second = served.api.post(PATH, "{\"accessListIps\": [\"127.0.0.1/32\"], \"url\": \"https://cp.example.com:8443\"}")
                .body().path("linkToken").asText();
        assertThat(payload(second).path("url").asText()).isEqualTo("https://cp.example.com:8443");
        assertHello(second, 200);
        assertThat(refusal(first)).startsWith("the link-token was refused: it was replaced by a newer link-token of organization 'acme-1'");

        served.close(); // the token and the server key outlive a restart
        served = new Served(dir);
        assertHello(second, 200);
        assertThat(served.api.delete(PATH).status()).isEqualTo(204);
        assertThat(refusal(second)).startsWith("the link-token was refused: organization 'acme-1' has no link-token: it was revoked");
        assertError(served.api.delete(PATH), 404, "NOT_FOUND");
        assertNoTokenIn(List.of(first, second));
    }

    @Test
    void keepsOnlyTheHashOfTheTokenInTheDataDirectory() throws Exception {
        String token = create("acme-1", "\"127.0.0.1\"");
        String secret = payload(token).path("secret").asText();
        JsonNode stored = JSON.readTree(Files.readString(dir.resolve(LinkTokens.FILE))).path("tokens").path("acme-1");
        assertThat(stored.path("sha256").asText()).isEqualTo(HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8))));
        assertThat(stored.path("accessList").toString()).isEqualTo("[\"127.0.0.1/32\"]");
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String content = Files.readString(file, StandardCharsets.ISO_8859_1);
                assertThat(content).as(file.toString()).doesNotContain(token).doesNotContain(secret)
                        .doesNotContain(token.split("\\.")[1]).doesNotContain(token.split("\\.")[2]);
            }
        }
    }

    @Test
    void refusesChangedForeignReplacedAndRevokedTokens(@TempDir Path otherDir) {
        String token = create("acme-1", "\"127.0.0.1\"");
        String[] parts = token.split("\\.");
        String foreign;
        try (Served other = new Served(otherDir)) { // another server: same organization, another key
            foreign = other.api.post(PATH, "{\"accessListIps\": [\"127.0.0.1\"]}").body().path("linkToken").asText();
        }
        Map<String, String[]> refused = new TreeMap<>(Map.of(
                "payload changed", new String[] {parts[0] + "." + flip(parts[1]) + "." + parts[2], "its signature does not match"},
                "signature changed", new String[] {parts[0] + "." + parts[1] + "." + flip(parts[2]), "its signature does not match"},
                "signature dropped", new String[] {parts[0] + "." + parts[1], "it is not a link-token"},
                "other version", new String[] {"lmlt2." + parts[1] + "." + parts[2], "it is not a link-token"},
                "another server's", new String[] {foreign, "its signature does not match"},
                "forged with the server's key, another secret", new String[] {forge(token), "it is not the token issued under key id"},
                "not a token", new String[] {"hello", "it is not a link-token"}));
        refused.forEach((what, bad) -> {
            Api.Reply reply = Api.withAuthorization(served.plane.uri(), "LinkToken " + bad[0]).get("/api/v1/agent/hello");
            assertError(reply, 401, "LINK_TOKEN_INVALID");
            assertThat(reply.body().path("detail").asText()).as(what).startsWith("the link-token was refused: " + bad[1]);
            assertThat(reply.text()).as(what).doesNotContain(parts[1]).doesNotContain(parts[2]);
        });
        assertError(Api.withAuthorization(served.plane.uri(), null).get("/api/v1/agent/hello"), 401, "LINK_TOKEN_INVALID");
        // the API token is not a link-token, and a link-token is not the API token
        assertError(served.api.get("/api/v1/agent/hello"), 401, "LINK_TOKEN_INVALID");
        assertError(Api.withAuthorization(served.plane.uri(), "Bearer " + token).get("/api/v1/migrations"), 401, "UNAUTHORIZED");
        assertError(Api.withAuthorization(served.plane.uri(), "LinkToken " + token).post(PATH, "{\"accessListIps\": [\"127.0.0.1\"]}"),
                401, "UNAUTHORIZED");
        assertHello(token, 200); // the original still works: none of the above changed it
        assertNoTokenIn(List.of(token, foreign));
    }

    @Test
    void answersOnlyCallsFromAnAddressOnTheAccessList() {
        String allowed = create("near", "\"10.9.8.0/24\", \"127.0.0.1/32\"");
        String elsewhere = create("far", "\"10.0.0.0/24\"");
        Api.Reply ok = Api.withAuthorization(served.plane.uri(), "LinkToken " + allowed).get("/api/v1/agent/hello");
        assertThat(ok.status()).as(ok.text()).isEqualTo(200);
        assertThat(ok.body().path("org").asText()).isEqualTo("near");
        Api.Reply denied = Api.withAuthorization(served.plane.uri(), "LinkToken " + elsewhere).get("/api/v1/agent/hello");
        assertError(denied, 403, "ACCESS_LIST_DENIED");
        assertThat(denied.body().path("detail").asText()).contains("calls from 127.0.0.1 are not on the access list");
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("refused link-token").contains("from 127.0.0.1: not on its access list [10.0.0.0/24]");
        assertNoTokenIn(List.of(allowed, elsewhere));
    }

    @Test
    void refusesBadOrganizationsAndAccessListsNamingFieldAndValueAndStoresNothing() {
        Map<String, String[]> bodies = new TreeMap<>(Map.of(
                "{\"accessListIps\": [\"0.0.0.0/0\"]}", new String[] {"accessListIps[0]", "'0.0.0.0/0': a /0 block lets every address in"},
                "{\"accessListIps\": [\"10.0.0.1\", \"::/0\"]}", new String[] {"accessListIps[1]", "'::/0': a /0 block"},
                "{\"accessListIps\": [\"10.0.0.0/33\"]}", new String[] {"accessListIps[0]", "'10.0.0.0/33': the prefix length 33 is over 32"},
                "{\"accessListIps\": [\"10.0.0.1/24\"]}", new String[] {"accessListIps[0]", "'10.0.0.1/24': host bits are set after the /24: write 10.0.0.0/24"},
                "{\"accessListIps\": [\"256.1.1.1\"]}", new String[] {"accessListIps[0]", "'256.1.1.1': not an IPv4 address"},
                "{\"accessListIps\": [\"example.com\"]}", new String[] {"accessListIps[0]", "'example.com': not an IPv4 or IPv6 address"},
                "{\"accessListIps\": [\"fe80::1%eth0\"]}", new String[] {"accessListIps[0]", "'fe80::1%eth0': not an IPv6 address"},
                "{\"accessListIps\": [\"2001:db8::/x\"]}", new String[] {"accessListIps[0]", "'2001:db8::/x': the prefix length 'x'"},
                "{\"accessListIps\": []}", new String[] {"accessListIps", "give a list of 1 to 200"},
                "{\"accessListIps\": [\"10.0.0.0/24\"], \"colour\": \"blue\"}", new String[] {"colour", "unknown field"}));
        bodies.put("{}", new String[] {"accessListIps", "give a list of 1 to 200"});
        bodies.put("{\"accessListIps\": [\"10.0.0.0/24\"], \"url\": \"ftp://x\"}", new String[] {"url", "'ftp://x': give the http(s)"});
        bodies.put("{\"accessListIps\": [\"10.0.0.0/24\"], \"expiresInHours\": 0}", new String[] {"expiresInHours", "'0': give a whole number of hours"});
        bodies.put("{\"accessListIps\": [\"10.0.0.0/24\"], \"expiresInHours\": 1.5}", new String[] {"expiresInHours", "'1.5': give a whole number"});
        bodies.forEach((body, problem) -> {
            Api.Reply reply = served.api.post(PATH, body);
            assertError(reply, 400, "INVALID_REQUEST", "fields");
            assertThat(reply.body().path("fields").size()).as(body).isEqualTo(1);
            assertThat(reply.body().path("fields").get(0).path("field").asText()).as(body).isEqualTo(problem[0]);
            assertThat(reply.body().path("fields").get(0).path("problem").asText()).as(body).startsWith(problem[1]);
        });
        for (String org : List.of("-acme", "a.b", "x".repeat(65), "acme%20corp")) {
            Api.Reply reply = served.api.post("/api/v1/orgs/" + org + "/linkTokens", "{\"accessListIps\": [\"10.0.0.0/24\"]}");
            assertError(reply, 400, "INVALID_REQUEST", "fields");
            assertThat(reply.body().path("fields").get(0).path("field").asText()).isEqualTo("orgId");
        }
        assertThat(dir.resolve(LinkTokens.FILE)).doesNotExist();
        assertError(Api.withAuthorization(served.plane.uri(), null).post(PATH, "{\"accessListIps\": [\"10.0.0.0/24\"]}"), 401, "UNAUTHORIZED");
        assertError(Api.withAuthorization(served.plane.uri(), null).delete(PATH), 401, "UNAUTHORIZED");
        assertThat(dir.resolve(LinkTokens.FILE)).doesNotExist();
    }

    private String create(String org, String ips) {
        Api.Reply reply = served.api.post("/api/v1/orgs/" + org + "/linkTokens", "{\"accessListIps\": [" + ips + "]}");
        assertThat(reply.status()).as(reply.text()).isEqualTo(201);
        return reply.body().path("linkToken").asText();
    }

    private void assertHello(String token, int status) {
        Api.Reply reply = Api.withAuthorization(served.plane.uri(), "LinkToken " + token).get("/api/v1/agent/hello");
        assertThat(reply.status()).as(reply.text()).isEqualTo(status);
        assertThat(reply.text()).doesNotContain(token);
    }

    /** The detail of the 401 that the token gets. */
    private String refusal(String token) {
        Api.Reply reply = Api.withAuthorization(served.plane.uri(), "LinkToken " + token).get("/api/v1/agent/hello");
        assertError(reply, 401, "LINK_TOKEN_INVALID");
        assertThat(reply.text()).doesNotContain(token);
        return reply.body().path("detail").asText();
    }

    /** Neither the tokens, nor their secrets, nor their signatures are in what the server logged. */
    private void assertNoTokenIn(List<String> tokens) {
        String logged = log.toString(StandardCharsets.UTF_8);
        assertThat(logged).as("the server logged its link-token work").contains("link-token");
        List<String> secrets = new ArrayList<>();
        for (String token : tokens) {
            secrets.add(token);
            secrets.add(token.split("\\.")[1]);
            secrets.add(token.split("\\.")[2]);
            secrets.add(payload(token).path("secret").asText());
        }
        secrets.forEach(s -> assertThat(logged).doesNotContain(s));
    }

    private static JsonNode payload(String token) {
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The token with another secret, signed with the server's own key read from the data directory: what someone
     * holding the key but not the issued token could make.
     */
    private String forge(String token) {
        try {
            ObjectNode payload = (ObjectNode) payload(token);
            payload.put("secret", Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]));
            String signed = "lmlt1." + Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(payload));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(HexFormat.of().parseHex(Files.readString(dir.resolve(LinkTokens.KEY_FILE)).strip()), "HmacSHA256"));
            return signed + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The text with its middle character changed to another base64url character. */
    private static String flip(String text) {
        int i = text.length() / 2;
        char c = text.charAt(i) == 'A' ? 'B' : 'A';
        return text.substring(0, i) + c + text.substring(i + 1);
    }
}
