package dev.livemigrate.rest;

import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Headless Chromium driven through Selenium, using the system's browser and driver only (Debian's {@code chromium}
 * and {@code chromium-driver}; other paths through {@code -Dlivemigrate.chromium} and
 * {@code -Dlivemigrate.chromedriver}). Both paths are given to Selenium, so Selenium Manager never runs and nothing
 * is downloaded. Where either is missing the test is skipped, saying how to install them.
 */
final class Chromium implements AutoCloseable {

    static final Path BINARY = Path.of(System.getProperty("livemigrate.chromium", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getProperty("livemigrate.chromedriver", "/usr/bin/chromedriver"));

    final ChromeDriver driver;

    private Chromium(ChromeDriver driver) {
        this.driver = driver;
    }

    /** A headless browser; skips the calling test when the system has no Chromium or no chromedriver. */
    static Chromium start() {
        assumeTrue(Files.isExecutable(BINARY) && Files.isExecutable(DRIVER), "no Chromium here (looked for " + BINARY + " and "
                + DRIVER + "): install them with 'apt-get install chromium chromium-driver' (Debian/Ubuntu), or name them with"
                + " -Dlivemigrate.chromium=... -Dlivemigrate.chromedriver=...");
        System.setProperty("webdriver.chrome.driver", DRIVER.toString());
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-dev-shm-usage", "--window-size=1200,1600");
        return new Chromium(new ChromeDriver(service, options));
    }

    WebElement find(String id) {
        return driver.findElement(By.id(id));
    }

    String text(String id) {
        return find(id).getText();
    }

    void type(String id, String text) {
        WebElement input = find(id);
        input.clear();
        input.sendKeys(text);
    }

    void click(String id) {
        find(id).click();
    }

    /** Waits (two minutes at most) until the element is shown and enabled. */
    WebElement awaitEnabled(String id) {
        await().atMost(Duration.ofMinutes(2)).ignoreExceptions().alias(id + " enabled")
                .until(() -> find(id).isDisplayed() && find(id).isEnabled());
        return find(id);
    }

    /** Waits (two minutes at most) until the element is shown. */
    WebElement awaitShown(String id) {
        await().atMost(Duration.ofMinutes(2)).ignoreExceptions().alias(id + " shown").until(() -> find(id).isDisplayed());
        return find(id);
    }

    Object script(String script) {
        return driver.executeScript(script);
    }

    /** Whether the element carries the class. */
    boolean hasClass(String id, String name) {
        String classes = find(id).getAttribute("class");
        assertThat(classes).isNotNull();
        return (" " + classes + " ").contains(" " + name + " ");
    }

    @Override
    public void close() {
        driver.quit();
    }
}
