package gateway;

import static gateway.TestHttp.errorCode;
import static gateway.TestHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.config.Settings;
import gateway.json.JsonObject;
import gateway.mock.MockBackend;
import gateway.mock.MockOptions;
import gateway.observe.Log;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** API keys and rate limits, end to end. */
class AccessGatewayTest {
    static final String HELLO = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void withKeysSetEveryV1RouteNeedsOneAndTheBackendIsNeverCalledWithout() {
        List<String> log = new CopyOnWriteArrayList<>();
        try (var mock = MockBackend.start("127.0.0.1", 0, MockOptions.defaults());
             var gateway = Gateway.start(Settings.from(Map.of("PORT", "0", "BACKEND_URL", mock.uri().toString(),
                     "API_KEYS", "alice:sk-alice-secret", "MAX_BODY_BYTES", "100")), new Log(log::add))) {
            URI chat = gateway.uri().resolve("/v1/chat/completions");

            var missing = TestHttp.post(chat, HELLO);
            assertEquals(401, missing.statusCode());
            assertEquals("missing_api_key", errorCode(missing));
            assertEquals("authentication_error", json(missing).object("error").get().string("type").orElseThrow());
            assertEquals("Bearer", missing.headers().firstValue("WWW-Authenticate").orElseThrow());

            // Decided before the body is read: an oversized body without a key is a 401, not a 413.
            assertEquals(401, TestHttp.post(chat, "x".repeat(10_000)).statusCode());
            assertEquals(401, TestHttp.post(chat, HELLO, "Authorization", "Bearer sk-wrong").statusCode());
            assertEquals(401, TestHttp.get(gateway.uri().resolve("/v1/models")).statusCode());
            assertEquals(0, mock.chatRequests(), "the backend never saw an unauthenticated request");

            assertEquals(200, TestHttp.get(gateway.uri().resolve("/healthz")).statusCode());
            assertEquals(200, TestHttp.get(gateway.uri().resolve("/readyz")).statusCode());

            var ok = TestHttp.post(chat, HELLO, "x-api-key", "sk-alice-secret", "X-Request-ID", "keyed-1");
            assertEquals(200, ok.statusCode());
            assertFalse(mock.lastRequest().headers().containsKey("x-api-key"), "the client's key is not forwarded");
            assertEquals(200, TestHttp.get(gateway.uri().resolve("/v1/models"), "Authorization", "Api-Key sk-alice-secret").statusCode());

            JsonObject line = log.stream().map(TestHttp::json)
                    .filter(l -> l.string("request_id").orElse("").equals("keyed-1")).findFirst().orElseThrow();
            assertEquals("alice", line.string("key").orElseThrow());
            assertTrue(log.stream().noneMatch(l -> l.contains("sk-alice-secret")), "the key never reaches the log");
            assertFalse(TestHttp.get(gateway.uri().resolve("/metrics")).body().contains("sk-alice-secret"));
        }
    }

    @Test
    void overTheRequestLimitIs429WithRetryTimingAndEveryAnswerCarriesTheHeaders() {
        var settings = Settings.from(Map.of("PORT", "0", "ECHO_TOKEN_DELAY_MS", "0", "API_KEYS", "alice:sk-a,bob:sk-b",
                "RATE_LIMIT_RPM", "2", "RATE_LIMIT_TPM", "1000"));
        try (var gateway = Gateway.start(settings, new Log(line -> { }))) {
            URI chat = gateway.uri().resolve("/v1/chat/completions");
            var first = TestHttp.post(chat, HELLO, "Authorization", "Bearer sk-a");
            assertEquals("2", first.headers().firstValue("x-ratelimit-limit-requests").orElseThrow());
            assertEquals("1", first.headers().firstValue("x-ratelimit-remaining-requests").orElseThrow());
            assertTrue(first.headers().firstValue("x-ratelimit-reset-requests").orElseThrow().matches("\\d+(\\.\\d+)?s|\\d+ms"));
            assertEquals("1000", first.headers().firstValue("x-ratelimit-limit-tokens").orElseThrow());
            assertEquals("1000", first.headers().firstValue("x-ratelimit-remaining-tokens").orElseThrow(),
                    "checked before the request, charged after");

            var stream = TestHttp.post(chat, "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                    "Authorization", "Bearer sk-a");
            assertEquals("0", stream.headers().firstValue("x-ratelimit-remaining-requests").orElseThrow());
            assertEquals("997", stream.headers().firstValue("x-ratelimit-remaining-tokens").orElseThrow(),
                    "the first reply's 3 tokens were charged");

            var limited = TestHttp.post(chat, HELLO, "Authorization", "Bearer sk-a");
            assertEquals(429, limited.statusCode());
            assertEquals("rate_limit_exceeded", errorCode(limited));
            assertEquals("rate_limit_error", json(limited).object("error").get().string("type").orElseThrow());
            long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
            long retryAfterMs = Long.parseLong(limited.headers().firstValue("retry-after-ms").orElseThrow());
            assertTrue(retryAfter >= 1 && retryAfter <= 30, "Retry-After " + retryAfter);
            assertTrue(retryAfterMs > 0 && retryAfterMs <= 30_000, "retry-after-ms " + retryAfterMs);
            assertTrue(limited.headers().firstValue("x-ratelimit-remaining-requests").isPresent());

            assertEquals(200, TestHttp.post(chat, HELLO, "Authorization", "Bearer sk-b").statusCode(), "bob has his own limit");
        }
    }

    @Test
    void withoutKeysLimitsApplyPerClientAddress() {
        var settings = Settings.from(Map.of("PORT", "0", "RATE_LIMIT_RPM", "1"));
        try (var gateway = Gateway.start(settings, new Log(line -> { }))) {
            URI chat = gateway.uri().resolve("/v1/chat/completions");
            assertEquals(200, TestHttp.post(chat, HELLO).statusCode());
            assertEquals(429, TestHttp.post(chat, HELLO).statusCode());
        }
    }
}
