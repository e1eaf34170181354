package gateway.mock;

import static gateway.mock.MockHttp.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code GET /health} as llama-server serves it, loading, and a mock refusing chats for a while. */
class HealthTest {
    static final String LOADING = "{\"error\":{\"code\":503,\"message\":\"Loading model\",\"type\":\"unavailable_error\"}}";
    static final String HI = MockHttp.chat("user", "hi");

    static URI health(MockBackend mock) {
        return mock.uri().resolve("/health");
    }

    static URI chat(MockBackend mock) {
        return mock.uri().resolve("/v1/chat/completions");
    }

    @Test
    void healthIsOkUnlessLoading() {
        try (var mock = MockHttp.start(MockOptions.defaults())) {
            var ok = MockHttp.get(health(mock));
            assertEquals(200, ok.statusCode());
            assertEquals("{\"status\":\"ok\"}", ok.body());

            mock.loading(true);
            var loading = MockHttp.get(health(mock));
            assertEquals(503, loading.statusCode());
            assertEquals(LOADING, loading.body());
            var chat = MockHttp.post(chat(mock), HI);
            assertEquals(503, chat.statusCode(), "llama.cpp refuses every request while loading");
            assertEquals(LOADING, chat.body());
            assertEquals(0, mock.promptTokens(), "nothing was processed");

            mock.loading(false);
            assertEquals(200, MockHttp.get(health(mock)).statusCode());
            assertEquals(200, MockHttp.post(chat(mock), HI).statusCode());
        }
    }

    @Test
    void aMockLoadsForTheTimeItIsToldAfterItStarts() {
        try (var mock = MockHttp.start(MockOptions.builder().loading(Duration.ofMinutes(10)).build())) {
            assertEquals(503, MockHttp.get(health(mock)).statusCode());
            mock.loading(false);
            assertEquals(200, MockHttp.get(health(mock)).statusCode(), "the switch ends the start's loading too");
        }
        try (var mock = MockHttp.start(MockOptions.builder().loading(Duration.ofMillis(300)).build())) {
            assertEquals(503, MockHttp.get(health(mock)).statusCode());
            await("loaded", () -> !mock.loading());
            assertEquals(200, MockHttp.get(health(mock)).statusCode());
        }
    }

    @Test
    void aCooldownRefusesChatsWithRetryAfter() {
        for (Shape shape : new Shape[] {Shape.OPENAI, Shape.VENDOR_A}) {
            try (var mock = MockHttp.start(MockOptions.builder().shape(shape).build())) {
                URI endpoint = mock.uri().resolve(shape.path());
                String request = shape == Shape.OPENAI ? HI : "{\"prompt\":\"hi\"}";
                mock.cooldown(Duration.ofMillis(6_500));
                var refused = MockHttp.post(endpoint, request);
                assertEquals(503, refused.statusCode());
                assertEquals("7", refused.headers().firstValue("Retry-After").orElseThrow(), "whole seconds, rounded up");
                assertEquals(shape == Shape.OPENAI
                        ? "{\"error\":{\"code\":503,\"message\":\"Server is cooling down\",\"type\":\"unavailable_error\"}}"
                        : "{\"error\":\"Server is cooling down\"}", refused.body());
                assertEquals(200, MockHttp.get(health(mock)).statusCode(), "alive, only busy");

                mock.cooldown(Duration.ZERO);
                var served = MockHttp.post(endpoint, request);
                assertEquals(200, served.statusCode());
                assertFalse(served.headers().firstValue("Retry-After").isPresent());
            }
        }
    }
}
