package dev.livemigrate.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoCollection;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.testing.EmbeddedMongo;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.livemigrate.core.testing.DataAssertions.assertSameDocuments;
import static dev.livemigrate.core.testing.DataAssertions.indexes;
import static dev.livemigrate.rest.Served.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The status page in headless Chromium: an operator takes a live migration between two embedded servers from the
 * set-up form to the final report without a terminal, and server strings are shown as text, never run as HTML.
 * Skipped where the system has no Chromium ({@link Chromium}).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class StatusPageBrowserTest {

    private static final Namespace ORDERS = Namespace.parse("shop.orders");

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    void walksAMigrationFromValidationToTheReport(@TempDir Path dir) {
        MongoCollection<Document> orders = Served.seedOrders(source, 300);
        try (Served served = new Served(dir); Chromium browser = Chromium.start()) {
            browser.driver.get(served.plane.uri() + "/");
            browser.awaitShown("token-screen");
            browser.type("token", Served.TOKEN);
            browser.click("token-save");
            browser.awaitShown("list-screen");
            assertThat(browser.text("list-empty")).isEqualTo("This server manages no migration yet.");

            // 1. set up and validate: the page lists every finding the API reports, each with its remedy
            browser.click("nav-new");
            browser.awaitShown("setup-screen");
            browser.type("f-source", source.connectionString());
            browser.type("f-destination", destination.connectionString());
            browser.type("f-include", "shop.*");
            browser.type("f-lag", "5s");
            browser.type("f-id", "page");
            browser.click("validate");
            browser.awaitEnabled("to-review");
            assertThat(browser.text("validation-status")).isEqualTo("SUCCESS");
            JsonNode validated = served.api.post("/api/v1/migrations/validate", body(source.connectionString(),
                    destination.connectionString(), "\"includeNamespaces\": [\"shop.*\"]", "\"lagThreshold\": \"5s\"",
                    "\"migrationId\": \"page\"")).body();
            List<String> expected = new ArrayList<>();
            validated.path("findings").forEach(f -> expected.add(f.path("severity").asText() + " " + f.path("code").asText()
                    + ": " + f.path("message").asText() + (f.path("remedy").asText().isEmpty() ? "" : "\n" + f.path("remedy").asText())));
            assertThat(expected).isNotEmpty();
            assertThat(browser.driver.findElements(By.cssSelector("#findings li")).stream().map(WebElement::getText))
                    .containsExactlyElementsOf(expected);

            // 2. review and confirm
            browser.click("to-review");
            browser.awaitShown("review-screen");
            assertThat(browser.text("review-source")).isEqualTo("127.0.0.1:" + source.port());
            assertThat(browser.text("review-destination")).isEqualTo("127.0.0.1:" + destination.port());
            assertThat(browser.text("review-include")).isEqualTo("shop.*");
            assertThat(browser.text("review-drop")).isEqualTo("no");
            browser.click("start");

            // 3. the migration: changes while it runs, the lag timer turns green, then ready
            browser.awaitShown("migration-screen");
            assertThat(browser.text("m-id")).isEqualTo("page");
            orders.updateOne(new Document("_id", 7), new Document("$set", new Document("n", 7)));
            orders.insertOne(new Document("_id", 1000).append("code", "late"));
            await().atMost(Duration.ofMinutes(2)).ignoreExceptions().alias("lag timer green")
                    .until(() -> browser.hasClass("m-lag", "ok"));
            browser.awaitEnabled("cutover");
            assertThat(browser.text("m-state")).isEqualTo("READY_TO_CUTOVER");
            assertThat(browser.text("m-threshold")).isEqualTo("5 s");
            assertThat(browser.text("m-collections")).isEqualTo("1 of 1");

            // extend: the countdown shows the window's new end, 24 hours later
            Instant closes = Instant.parse(served.api.get("/api/v1/migrations/page").body().path("cutoverWindowExpiresAt").asText());
            assertThat(browser.text("m-window")).startsWith("closes in 119 h").endsWith("(at " + closes + ")");
            browser.awaitEnabled("extend").click();
            String extended = closes.plus(Duration.ofHours(24)).toString();
            await().atMost(Duration.ofSeconds(30)).until(() -> browser.text("m-window").endsWith("(at " + extended + ")"));
            orders.deleteOne(new Document("_id", 3));
            orders.insertOne(new Document("_id", 1001).append("code", "while-ready"));

            // cut over: nothing happens before the operator confirms that writes stopped
            browser.click("cutover");
            browser.awaitShown("cutover-panel");
            assertThat(browser.find("finalize").isEnabled()).isFalse();
            browser.click("writes-stopped");
            browser.awaitEnabled("finalize").click();

            // the final report, as the API has it
            browser.awaitShown("report");
            JsonNode report = served.api.get("/api/v1/migrations/page/report").body();
            assertThat(browser.text("r-state")).isEqualTo("COMPLETED");
            assertThat(browser.text("r-verification")).isEqualTo("EQUAL");
            assertThat(browser.text("r-collections")).isEqualTo("1");
            assertThat(browser.text("r-changes")).isEqualTo(report.path("changesApplied").asText());
            assertThat(browser.text("r-copied")).endsWith("(" + report.path("copiedDocuments").asText() + " documents)");
            assertThat(browser.text("r-downtime")).isNotBlank().isNotEqualTo("—");
            assertThat(browser.text("m-status")).isEqualTo("COMPLETE");
            assertThat(browser.find("cutover").isEnabled()).isFalse();
            assertThat(browser.find("cancel").isEnabled()).isFalse();

            // the token stayed in this tab's session storage: no cookie, nothing in local storage
            assertThat(browser.script("return sessionStorage.getItem('livemigrate.token')")).isEqualTo(Served.TOKEN);
            assertThat(browser.script("return localStorage.length")).isEqualTo(0L);
            assertThat(browser.script("return document.cookie")).isEqualTo("");
        }
        assertSameDocuments(source.client(), ORDERS, destination.client(), ORDERS);
        assertThat(indexes(destination.client(), ORDERS)).isEqualTo(indexes(source.client(), ORDERS));
    }

    @Test
    void showsServerStringsAsTextNeverAsHtml(@TempDir Path dir) {
        String name = "<img src=x onerror=\"window.pwned=1\">";
        source.client().getDatabase("shop").getCollection(name).insertOne(new Document("_id", 1));
        destination.client().getDatabase("shop").getCollection(name).insertOne(new Document("_id", 2));
        try (Served served = new Served(dir); Chromium browser = Chromium.start()) {
            browser.driver.get(served.plane.uri() + "/#new");
            browser.type("token", Served.TOKEN);
            browser.click("token-save");
            browser.awaitShown("setup-screen");
            browser.type("f-source", source.connectionString());
            browser.type("f-destination", destination.connectionString());
            browser.click("validate");
            await().atMost(Duration.ofMinutes(1)).until(() -> browser.text("validation-status").equals("FAILED"));
            assertThat(browser.text("findings")).contains("DESTINATION_NAMESPACE_CONFLICT").contains("shop." + name);
            assertThat(browser.driver.findElements(By.cssSelector("#findings img"))).isEmpty();
            assertThat(browser.script("return window.pwned === undefined")).isEqualTo(true);
            assertThat(browser.find("to-review").isEnabled()).isFalse();
        }
    }
}
