package gateway.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.Gateway;
import gateway.config.Settings;
import gateway.observe.Log;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The web pages as a browser gets them: the files, their encodings, revalidation, and the headers that lock them down. */
class WebPagesTest {
    static final String ADMIN = "admin-secret";
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static Gateway gateway;

    @BeforeAll
    static void start() {
        gateway = start(Map.of("ADMIN_API_KEY", ADMIN));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    static Gateway start(Map<String, String> settings) {
        var values = new HashMap<>(settings);
        values.put("PORT", "0");
        return Gateway.start(Settings.from(values), new Log(line -> { }));
    }

    static HttpResponse<byte[]> get(Gateway gateway, String path, String... headers) {
        var request = HttpRequest.newBuilder(gateway.uri().resolve(path));
        if (headers.length > 0) {
            request.headers(headers);
        }
        try {
            return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest
    @CsvSource({
        "/,             text/html; charset=utf-8",
        "/console,      text/html; charset=utf-8",
        "/docs,         text/html; charset=utf-8",
        "/openapi.json, application/json",
        "/ui/base.css,  text/css; charset=utf-8",
        "/ui/api.js,    text/javascript; charset=utf-8",
        "/favicon.ico,  image/svg+xml",
    })
    void servesEachPageWithItsTypeAndTheHeadersThatLockItDown(String path, String type) {
        var answer = get(gateway, path);
        assertEquals(200, answer.statusCode());
        assertEquals(type, answer.headers().firstValue("Content-Type").orElseThrow());
        assertLockedDown(answer);
        assertEquals("no-cache", answer.headers().firstValue("Cache-Control").orElseThrow());
        assertEquals("Accept-Encoding", answer.headers().firstValue("Vary").orElseThrow());
        assertTrue(answer.headers().firstValue("ETag").orElseThrow().matches("\"[0-9a-f]{24}\""));
    }

    static void assertLockedDown(HttpResponse<?> answer) {
        String csp = answer.headers().firstValue("Content-Security-Policy").orElseThrow();
        for (String directive : List.of("default-src 'none'", "script-src 'self'", "connect-src 'self'",
                "frame-ancestors 'none'", "require-trusted-types-for 'script'", "base-uri 'none'")) {
            assertTrue(csp.contains(directive), directive + " in " + csp);
        }
        assertFalse(csp.contains("unsafe-inline") || csp.contains("unsafe-eval"), csp);
        assertEquals("nosniff", answer.headers().firstValue("X-Content-Type-Options").orElseThrow());
        assertEquals("no-referrer", answer.headers().firstValue("Referrer-Policy").orElseThrow());
        assertEquals("DENY", answer.headers().firstValue("X-Frame-Options").orElseThrow());
    }

    @Test
    void gzipsForABrowserThatAcceptsItAndSendsTheSameBytes() throws IOException {
        byte[] plain = get(gateway, "/ui/api.js").body();
        var gzipped = get(gateway, "/ui/api.js", "Accept-Encoding", "gzip, deflate, br");
        assertEquals("gzip", gzipped.headers().firstValue("Content-Encoding").orElseThrow());
        assertTrue(gzipped.body().length < plain.length / 2, gzipped.body().length + " of " + plain.length);
        try (var in = new GZIPInputStream(new ByteArrayInputStream(gzipped.body()))) {
            assertEquals(new String(plain, StandardCharsets.UTF_8), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertFalse(gzipped.headers().firstValue("ETag").equals(get(gateway, "/ui/api.js").headers().firstValue("ETag")),
                "two encodings are two representations: two tags");
    }

    @ParameterizedTest
    @ValueSource(strings = {"identity", "gzip;q=0", "br"})
    void sendsPlainTextToOneThatDoesNot(String acceptEncoding) {
        var answer = get(gateway, "/", "Accept-Encoding", acceptEncoding);
        assertEquals(200, answer.statusCode());
        assertTrue(answer.headers().firstValue("Content-Encoding").isEmpty());
        assertTrue(new String(answer.body(), StandardCharsets.UTF_8).startsWith("<!doctype html>"));
    }

    @Test
    void answers304WhenTheBrowserHasTheSameFile() {
        for (String encoding : List.of("identity", "gzip")) {
            String tag = get(gateway, "/ui/base.css", "Accept-Encoding", encoding).headers().firstValue("ETag").orElseThrow();
            var again = get(gateway, "/ui/base.css", "Accept-Encoding", encoding, "If-None-Match", "\"other\", W/" + tag);
            assertEquals(304, again.statusCode(), encoding);
            assertEquals(0, again.body().length);
            assertEquals(tag, again.headers().firstValue("ETag").orElseThrow());
            assertLockedDown(again);
            assertEquals(200, get(gateway, "/ui/base.css", "If-None-Match", "\"stale\"").statusCode());
        }
    }

    @Test
    void anUnknownAssetIsAnErrorWithTheSameHeaders() {
        var answer = get(gateway, "/ui/missing.js");
        assertEquals(404, answer.statusCode());
        assertTrue(new String(answer.body(), StandardCharsets.UTF_8).contains("\"code\":\"not_found\""));
        assertLockedDown(answer);
        assertEquals(404, get(gateway, "/ui/").statusCode());
        assertEquals(404, get(gateway, "/ui/a/b.js").statusCode(), "assets are one folder deep");
    }

    @Test
    void theApiIsUnchanged() {
        var models = get(gateway, "/v1/models");
        assertEquals(200, models.statusCode());
        assertTrue(models.headers().firstValue("Content-Security-Policy").isEmpty());
        assertEquals("application/json", models.headers().firstValue("Content-Type").orElseThrow());
    }

    @Test
    void theConsoleExistsOnlyWithAnAdminKey() {
        try (var withoutAdmin = start(Map.of())) {
            var console = get(withoutAdmin, "/console");
            assertEquals(404, console.statusCode());
            // A person who follows the page's Console link learns why and what to set.
            assertEquals("text/html; charset=utf-8", console.headers().firstValue("Content-Type").orElseThrow());
            assertTrue(new String(console.body(), StandardCharsets.UTF_8).contains("ADMIN_API_KEY"));
            assertLockedDown(console);
            assertEquals(404, get(withoutAdmin, "/admin/keys").statusCode());
            assertEquals(200, get(withoutAdmin, "/").statusCode());
        }
    }

    @Test
    void uiDisabledAnswers404ForAllOfIt() {
        try (var off = start(Map.of("UI_ENABLED", "false", "ADMIN_API_KEY", ADMIN))) {
            for (String path : List.of("/", "/console", "/docs", "/openapi.json", "/ui/base.css")) {
                assertEquals(404, get(off, path).statusCode(), path);
            }
            assertEquals(200, get(off, "/v1/models").statusCode());
        }
    }

    @Test
    void allThePagesTogetherWeighAtMost200KB() {
        long total = WebPages.load().totalBytes();
        assertTrue(total > 1000 && total <= 200 * 1024, total + " bytes");
    }

    static final String SVG_NAMESPACE = "http://www.w3.org/2000/svg";

    /** No page may load or call anything but the gateway: no CDN, no font service, no analytics. */
    @Test
    void noPageNamesAnotherOrigin() {
        var url = Pattern.compile("(?i)(https?:)?//[a-z0-9.-]+\\.[a-z]{2,}|url\\(\\s*['\"]?(https?:|//)");
        for (String name : WebAssets.names()) {
            if (name.equals("openapi.json")) {
                continue; // describes URLs, loads none
            }
            // SVG's namespace is a name that is never fetched, not an address.
            String text = new String(WebAssets.read(name), StandardCharsets.UTF_8).replace(SVG_NAMESPACE, "");
            var found = url.matcher(text);
            assertFalse(found.find(), name + " names another origin: " + (found.hitEnd() ? "" : found.group()));
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "gzip                 | true",
        "deflate, gzip;q=0.5  | true",
        "*                    | true",
        "gzip;q=0             | false",
        "gzip; q=0.000        | false",
        "identity             | false",
        "''                   | false",
    })
    void readsAcceptEncoding(String header, boolean gzip) {
        assertEquals(gzip, WebPages.acceptsGzip(header));
    }

    @Test
    void noHeaderNoGzip() {
        assertFalse(WebPages.acceptsGzip(null));
    }

    @Test
    void comparesTagsWeakly() {
        assertTrue(WebPages.matches("W/\"a\"", "\"a\""));
        assertTrue(WebPages.matches("*", "\"a\""));
        assertTrue(WebPages.matches("\"b\", \"a\"", "\"a\""));
        assertFalse(WebPages.matches("\"b\"", "\"a\""));
        assertFalse(WebPages.matches(null, "\"a\""));
    }

    @Test
    void contentTypes() {
        assertEquals("image/svg+xml", Asset.contentType("ui/logo.svg"));
        assertEquals("application/octet-stream", Asset.contentType("ui/x.bin"));
    }
}
