package dev.livemigrate.rest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The status page ({@code GET /}): plain HTML, CSS and JavaScript from this module's resources ({@code page/}),
 * read once at start, no build step. The files are served without the API token (they hold no data); the page
 * asks the operator for the token and sends it with every API call it makes. Every answer carries a
 * Content-Security-Policy that lets the page load only its own files and talk only to this server
 * ({@link Router}).
 */
final class StatusPage {

    private static final String HTML = "text/html; charset=utf-8";
    private static final Map<String, String> FILES = Map.of(
            "/", "index.html",
            "/page/app.js", "app.js",
            "/page/app.css", "app.css");

    private StatusPage() {
    }

    static void register(Router router) {
        FILES.forEach((path, file) -> {
            Response response = new Response(200, contentType(file), read(file));
            router.add("GET", path, r -> response);
        });
    }

    private static String contentType(String file) {
        if (file.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        return file.endsWith(".css") ? "text/css; charset=utf-8" : HTML;
    }

    private static byte[] read(String file) {
        try (InputStream in = StatusPage.class.getResourceAsStream("page/" + file)) {
            if (in == null) {
                throw new IllegalStateException("the status page's file page/" + file + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
