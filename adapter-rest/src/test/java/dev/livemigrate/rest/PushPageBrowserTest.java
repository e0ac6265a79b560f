package dev.livemigrate.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoCollection;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.opsmanager.FakeOpsManager;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.livemigrate.core.testing.DataAssertions.assertSameDocuments;
import static dev.livemigrate.opsmanager.FakeOpsManager.host;
import static dev.livemigrate.rest.PushMigrationTest.PASSWORD;
import static dev.livemigrate.rest.PushMigrationTest.PRIVATE_KEY;
import static dev.livemigrate.rest.PushMigrationTest.PROJECT;
import static dev.livemigrate.rest.PushMigrationTest.PUBLIC_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The status page's push journey in headless Chromium: the operator creates a link-token on the page (shown once,
 * copied with its button), a migration host (an in-JVM {@link MigrationAgent} started with that token) reports the
 * project a fake Ops Manager describes, and the operator picks project, cluster and host from the drop-downs, types a
 * user for a cluster automation does not manage (refused by the host's checks; the password then gone from the page),
 * picks the managed one, validates, reviews, starts, follows the lag, extends the window, cuts over and reads the
 * report; the destination ends byte for byte equal. No secret (the typed password, the link-token) is left in the
 * page's DOM, input values, storage or URL. Skipped where the system has no Chromium ({@link Chromium}).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PushPageBrowserTest {

    private static final Namespace ORDERS = Namespace.parse("shop.orders");

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();
    /** The deployment of the cluster automation does not manage. */
    @RegisterExtension
    final EmbeddedMongo monitored = new EmbeddedMongo();

    @Test
    void pushesAMigrationPickedFromTheHostsReportToTheReport(@TempDir Path dir) throws Exception {
        MongoCollection<Document> orders = Served.seedOrders(source, 300);
        // "shop" is the embedded source, managed by automation; "legacy" is only monitored
        try (FakeOpsManager opsManager = new FakeOpsManager(PUBLIC_KEY, PRIVATE_KEY, PROJECT)
                .cluster("shop", null, "REPLICA_SET", List.of(host("127.0.0.1", source.port(), null, false)))
                .cluster("legacy", null, "REPLICA_SET", List.of(host("127.0.0.1", monitored.port(), null, false)))
                .automation("12.0.11.7606-1", "7.0.12", "7.0", 1024, "127.0.0.1:" + source.port())
                .measurement("127.0.0.1", source.port(), "DB_DATA_SIZE_TOTAL", "BYTES", 1_288_490_189);
             Served served = new Served(dir); Chromium browser = Chromium.start()) {
            browser.driver.get(served.plane.uri() + "/#new");
            browser.type("token", Served.TOKEN);
            browser.click("token-save");
            browser.awaitShown("setup-screen");
            browser.click("kind-push");
            browser.awaitShown("push-source");
            assertThat(browser.find("f-source").isDisplayed()).isFalse();

            // the link-token: created on the page for the access list typed, shown once, copied by its button
            browser.type("p-org", "acme");
            browser.type("p-access-list", "127.0.0.1");
            browser.click("p-create-token");
            browser.awaitShown("p-token-box");
            String linkToken = browser.text("p-token");
            assertThat(linkToken).isNotBlank();
            assertThat(browser.text("p-token-meta")).matches("Key lt[0-9a-f]{16}, expires at \\d{4}-\\d\\d-\\d\\dT[0-9:]{8}Z, usable from 127\\.0\\.0\\.1/32\\.");
            browser.driver.executeCdpCommand("Browser.grantPermissions", Map.of("origin", served.plane.uri().toString(),
                    "permissions", List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
            browser.click("p-copy-token");
            await().atMost(Duration.ofSeconds(10)).until(() -> browser.text("p-copy-status").equals("Copied."));
            assertThat(browser.driver.executeAsyncScript("navigator.clipboard.readText().then(arguments[0])")).isEqualTo(linkToken);
            assertThat(browser.text("p-waiting")).startsWith("No migration host of organization acme has reported a project yet");
            assertThat(browser.find("p-pick").isDisplayed()).isFalse();

            try (MigrationAgent agent = MigrationAgent.start(AgentSettings.builder().linkToken(linkToken).name("host-a")
                    .opsManager(opsManager.baseUrl(), PUBLIC_KEY, PRIVATE_KEY).project(PROJECT).pollInterval(Duration.ofMillis(100))
                    .build())) {
                // the page asks until the host's report is there: project, clusters with their figures, host
                browser.awaitShown("p-pick");
                assertThat(browser.text("p-waiting")).isEqualTo("1 project(s) reported by connected migration hosts.");
                assertThat(options("p-project", browser)).containsExactly("Shop (production) (" + PROJECT + ")");
                assertThat(options("p-cluster", browser)).containsExactly(
                        "shop (MongoDB 7.0.12, 1.2 GiB, replica set, no TLS, managed)",
                        "legacy (MongoDB 7.0.12, size not reported, replica set, no TLS, not managed)");
                assertThat(options("p-host", browser)).containsExactly("host-a");
                assertThat(browser.text("p-d-version")).isEqualTo("7.0.12 (FCV 7.0)");
                assertThat(browser.text("p-d-agent")).isEqualTo("12.0.11.7606-1");
                assertThat(browser.text("p-d-oplog")).isEqualTo("1024 MB");
                assertThat(browser.text("p-d-size")).isEqualTo("1.2 GiB");
                assertThat(browser.find("p-credentials").isDisplayed()).isFalse();

                // a monitored cluster asks for a user; the embedded server knows none, so the host's checks refuse it
                pick(browser, "p-cluster", "legacy");
                browser.awaitShown("p-credentials");
                assertThat(browser.text("p-d-managed")).isEqualTo("monitored only: give a user below");
                assertThat(browser.text("p-d-agent")).isEqualTo("not reported");
                assertThat(browser.text("p-d-size")).isEqualTo("size not reported");
                browser.type("p-username", "migrator");
                browser.type("p-password", PASSWORD);
                browser.type("f-destination", destination.connectionString());
                browser.type("f-include", "shop.*");
                browser.type("f-lag", "5s");
                browser.type("f-id", "pushpage");
                browser.click("validate");
                await().atMost(Duration.ofMinutes(2)).until(() -> browser.text("validation-status").equals("FAILED"));
                assertThat(browser.text("findings")).startsWith("ERROR SOURCE_AUTHENTICATION_FAILED: ");
                assertThat(browser.find("to-review").isEnabled()).isFalse();
                assertThat(browser.find("p-password").getAttribute("value")).isEmpty();
                assertNoSecret(browser, PASSWORD);

                // the managed cluster: no user asked, validated on the host, reviewed, started
                pick(browser, "p-cluster", "shop");
                await().atMost(Duration.ofSeconds(10)).until(() -> !browser.find("p-credentials").isDisplayed());
                assertThat(browser.find("p-username").getAttribute("value")).isEmpty();
                browser.click("validate");
                browser.awaitEnabled("to-review");
                assertThat(browser.text("validation-status")).isEqualTo("SUCCESS");
                assertThat(browser.text("findings")).doesNotContain("ERROR");
                browser.click("to-review");
                browser.awaitShown("review-screen");
                assertThat(browser.text("review-source")).isEqualTo("cluster shop of project Shop (production) (" + PROJECT + ")");
                assertThat(browser.text("review-host")).isEqualTo("host-a");
                assertThat(browser.text("review-source-user")).isEqualTo("the credentials automation manages");
                assertThat(browser.text("review-destination")).isEqualTo("127.0.0.1:" + destination.port());
                assertThat(browser.text("review-include")).isEqualTo("shop.*");
                browser.click("start");

                // the same screens as a pull migration, fed by the host's reports
                browser.awaitShown("migration-screen");
                assertThat(browser.text("m-id")).isEqualTo("pushpage");
                String clusterId = served.api.get("/api/v1/orgs/acme/availableProjects").body().get(0).path("deployments").get(0)
                        .path("clusterId").asText();
                await().atMost(Duration.ofSeconds(30)).until(() -> browser.text("m-source")
                        .equals("cluster " + clusterId + " of project " + PROJECT + ", on migration host host-a"));
                orders.updateOne(new Document("_id", 7), new Document("$set", new Document("n", 7)));
                orders.insertOne(new Document("_id", 1000).append("code", "late"));
                await().atMost(Duration.ofMinutes(2)).ignoreExceptions().alias("lag timer green")
                        .until(() -> browser.hasClass("m-lag", "ok"));
                browser.awaitEnabled("cutover");
                assertThat(browser.text("m-state")).isEqualTo("READY_TO_CUTOVER");
                assertThat(browser.text("m-collections")).isEqualTo("1 of 1");

                Instant closes = Instant.parse(served.api.get("/api/v1/migrations/pushpage").body().path("cutoverWindowExpiresAt").asText());
                browser.awaitEnabled("extend").click();
                String extended = closes.plus(Duration.ofHours(24)).toString();
                await().atMost(Duration.ofSeconds(30)).until(() -> browser.text("m-window").endsWith("(at " + extended + ")"));
                orders.deleteOne(new Document("_id", 3));
                orders.insertOne(new Document("_id", 1001).append("code", "while-ready"));

                browser.click("cutover");
                browser.awaitShown("cutover-panel");
                browser.click("writes-stopped");
                browser.awaitEnabled("finalize").click();
                browser.awaitShown("report");
                JsonNode report = served.api.get("/api/v1/migrations/pushpage/report").body();
                assertThat(browser.text("r-state")).isEqualTo("COMPLETED");
                assertThat(browser.text("r-verification")).isEqualTo("EQUAL");
                assertThat(browser.text("r-collections")).isEqualTo("1");
                assertThat(browser.text("r-changes")).isEqualTo(report.path("changesApplied").asText());
                assertThat(browser.text("m-status")).isEqualTo("COMPLETE");
                assertNoSecret(browser, PASSWORD);
                assertNoSecret(browser, linkToken);
            }
        }
        assertSameDocuments(source.client(), ORDERS, destination.client(), ORDERS);
    }

    private static List<String> options(String id, Chromium browser) {
        return browser.driver.findElements(By.cssSelector("#" + id + " option")).stream().map(WebElement::getText).toList();
    }

    /** Picks the option whose text starts with {@code name + " ("}, as an operator clicks it. */
    private static void pick(Chromium browser, String select, String name) {
        browser.click(select);
        browser.driver.findElements(By.cssSelector("#" + select + " option")).stream()
                .filter(o -> o.getText().startsWith(name + " (")).findFirst().orElseThrow().click();
    }

    /** The secret is nowhere the page keeps things: its HTML, its inputs' values, its storage, its URL, its cookies. */
    private static void assertNoSecret(Chromium browser, String secret) {
        assertThat(browser.driver.getPageSource()).doesNotContain(secret);
        assertThat((String) browser.script("return document.documentElement.outerHTML + document.body.innerText")).doesNotContain(secret);
        assertThat((String) browser.script("return Array.from(document.querySelectorAll('input, textarea, select'))"
                + ".map((e) => e.value).join('\\n')")).doesNotContain(secret);
        assertThat((String) browser.script("return JSON.stringify(Object.assign({}, sessionStorage)) + JSON.stringify("
                + "Object.assign({}, localStorage)) + location.href + document.cookie")).doesNotContain(secret);
    }
}
