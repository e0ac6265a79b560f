package dev.livemigrate.rest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The status page's files over HTTP: served without the token, with a policy that keeps the page to its own files. */
class StatusPageTest {

    @TempDir
    Path dir;
    Served served;

    @BeforeEach
    void start() {
        served = new Served(dir);
    }

    @AfterEach
    void stop() {
        served.close();
    }

    @Test
    void servesThePageAndItsFilesWithoutTheToken() {
        Api stranger = Api.withAuthorization(served.plane.uri(), null);
        Api.Reply page = stranger.get("/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(page.text()).contains("<script src=\"/page/app.js\" defer></script>").doesNotContain(Served.TOKEN);
        assertThat(page.header("Content-Security-Policy"))
                .isEqualTo("default-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
        assertThat(page.header("Referrer-Policy")).isEqualTo("no-referrer");
        Api.Reply script = stranger.get("/page/app.js");
        assertThat(script.status()).isEqualTo(200);
        assertThat(script.header("Content-Type")).isEqualTo("text/javascript; charset=utf-8");
        assertThat(script.text()).contains("sessionStorage").doesNotContain("innerHTML").doesNotContain("localStorage");
        Api.Reply style = stranger.get("/page/app.css");
        assertThat(style.status()).isEqualTo(200);
        assertThat(style.header("Content-Type")).isEqualTo("text/css; charset=utf-8");
        Served.assertError(stranger.get("/page/other.js"), 404, "NOT_FOUND");
    }
}
