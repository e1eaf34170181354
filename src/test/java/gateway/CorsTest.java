package gateway;

import static gateway.TestHttp.errorCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.config.Settings;
import gateway.config.SettingsException;
import gateway.http.Cors;
import gateway.observe.Log;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** CORS_ALLOW_ORIGINS: off by default; when on, browsers' preflights and answers carry the right headers. */
class CorsTest {
    static final String APP = "https://app.example.com";
    static final String KEY = "sk-cors-test-key";
    static final String SDK_HEADERS = "authorization, content-type, x-stainless-os, x-stainless-retry-count";

    private static Gateway start(String origins) {
        return Gateway.start(Settings.from(Map.of("PORT", "0", "ECHO_TOKEN_DELAY_MS", "0",
                "API_KEYS", "web:" + KEY, "CORS_ALLOW_ORIGINS", origins)), new Log(line -> { }));
    }

    private static HttpResponse<String> preflight(URI uri, String origin, String requestHeaders) {
        return TestHttp.send(HttpRequest.newBuilder(uri).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", requestHeaders)
                .build());
    }

    private static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    @Test
    void aPreflightFromAnAllowedOriginIsAnsweredWithoutAKey() {
        try (var gateway = start(APP + ",http://localhost:5173")) {
            var answer = preflight(gateway.uri().resolve("/v1/chat/completions"), APP, SDK_HEADERS);
            assertEquals(204, answer.statusCode(), answer.body());
            assertEquals(APP, header(answer, "Access-Control-Allow-Origin"));
            assertEquals("POST", header(answer, "Access-Control-Allow-Methods"));
            assertEquals(SDK_HEADERS, header(answer, "Access-Control-Allow-Headers"), "the SDK's own headers are allowed");
            assertEquals("600", header(answer, "Access-Control-Max-Age"));
            assertEquals("Origin", header(answer, "Vary"));
            assertEquals("", answer.body());

            var models = preflight(gateway.uri().resolve("/v1/models"), "http://localhost:5173", "authorization");
            assertEquals(204, models.statusCode());
            assertEquals("GET", header(models, "Access-Control-Allow-Methods"));
        }
    }

    @Test
    void aPreflightFromAnotherOriginGets403AndNoPermission() {
        try (var gateway = start(APP)) {
            var answer = preflight(gateway.uri().resolve("/v1/chat/completions"), "https://evil.example", SDK_HEADERS);
            assertEquals(403, answer.statusCode());
            assertEquals("origin_not_allowed", errorCode(answer));
            assertTrue(answer.body().contains("https://evil.example"), answer.body());
            assertEquals(null, header(answer, "Access-Control-Allow-Origin"));
            assertEquals(null, header(answer, "Access-Control-Allow-Methods"));
        }
    }

    @Test
    void aMalformedHeaderListIsNotEchoed() {
        try (var gateway = start(APP)) {
            var answer = preflight(gateway.uri().resolve("/v1/chat/completions"), APP, "authorization, x-a\tb");
            assertEquals(204, answer.statusCode());
            assertEquals(null, header(answer, "Access-Control-Allow-Headers"));
        }
    }

    @Test
    void answersToAnAllowedOriginAreReadableErrorsIncluded() {
        try (var gateway = start(APP)) {
            URI chat = gateway.uri().resolve("/v1/chat/completions");
            var ok = TestHttp.post(chat, SilenceTest.HELLO, "Origin", APP, "Authorization", "Bearer " + KEY);
            assertEquals(200, ok.statusCode(), ok.body());
            assertEquals(APP, header(ok, "Access-Control-Allow-Origin"));
            assertTrue(header(ok, "Access-Control-Expose-Headers").contains("X-Request-ID"));
            assertTrue(header(ok, "Access-Control-Expose-Headers").contains("Retry-After"));
            assertTrue(header(ok, "Access-Control-Expose-Headers").contains("retry-after-ms"), "the SDKs read it first");

            var unauthorized = TestHttp.post(chat, SilenceTest.HELLO, "Origin", APP);
            assertEquals(401, unauthorized.statusCode());
            assertEquals(APP, header(unauthorized, "Access-Control-Allow-Origin"), "the page can read why it failed");

            var stream = TestHttp.post(chat, SilenceTest.STREAM, "Origin", APP, "Authorization", "Bearer " + KEY);
            assertEquals(APP, header(stream, "Access-Control-Allow-Origin"));
            assertTrue(stream.body().endsWith("data: [DONE]\n\n"));
        }
    }

    @Test
    void anotherOriginIsServedButNotPermitted() {
        try (var gateway = start(APP)) {
            var answer = TestHttp.post(gateway.uri().resolve("/v1/chat/completions"), SilenceTest.HELLO,
                    "Origin", "https://evil.example", "Authorization", "Bearer " + KEY);
            assertEquals(200, answer.statusCode(), "CORS only tells browsers what a page may read");
            assertEquals(null, header(answer, "Access-Control-Allow-Origin"));
            assertEquals("Origin", header(answer, "Vary"));
        }
    }

    @Test
    void anyOriginIsAllowedWithAStar() {
        try (var gateway = start("*")) {
            var answer = preflight(gateway.uri().resolve("/v1/chat/completions"), "https://anywhere.example", "authorization");
            assertEquals(204, answer.statusCode());
            assertEquals("*", header(answer, "Access-Control-Allow-Origin"));
            assertEquals(null, header(answer, "Vary"), "the answer is the same for every origin");
        }
    }

    @Test
    void offByDefault() {
        try (var gateway = Gateway.start(Settings.defaults().withPort(0), new Log(line -> { }))) {
            URI chat = gateway.uri().resolve("/v1/chat/completions");
            var answer = preflight(chat, APP, "authorization");
            assertEquals(405, answer.statusCode(), "a preflight is an OPTIONS like any other");
            assertEquals(null, header(answer, "Access-Control-Allow-Origin"));
            var post = TestHttp.post(chat, SilenceTest.HELLO, "Origin", APP);
            assertEquals(200, post.statusCode());
            assertEquals(null, header(post, "Access-Control-Allow-Origin"));
            assertEquals(null, header(post, "Vary"));
        }
    }

    @Test
    void originsAreParsedAsBrowsersSendThem() {
        assertFalse(Cors.parse("").enabled());
        assertFalse(Cors.parse(" , ").enabled());
        assertEquals("http://localhost:5173,https://app.example.com",
                Cors.parse("HTTPS://App.Example.com/, http://localhost:5173").toString());
        assertEquals("*", Cors.parse("*").toString());
        for (String bad : new String[] {"app.example.com", "https://app.example.com/path", "ftp://x.example",
                "https://user@app.example.com", "https://app.example.com?x=1", "*,https://app.example.com"}) {
            assertThrows(IllegalArgumentException.class, () -> Cors.parse(bad), bad);
        }
        var error = assertThrows(SettingsException.class, () -> Settings.from(Map.of("CORS_ALLOW_ORIGINS", "app.example.com")));
        assertTrue(error.getMessage().startsWith("CORS_ALLOW_ORIGINS: app.example.com is not an origin"), error.getMessage());
    }
}
