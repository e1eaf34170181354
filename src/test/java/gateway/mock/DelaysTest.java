package gateway.mock;

import static gateway.mock.MockHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Time the mock spends before a reply's first byte: the slow fault and the prompt's prefill. */
class DelaysTest {
    static final String HI = MockHttp.chat("user", "hi"); // 8 characters, 2 tokens

    static long millisToAnswer(MockBackend mock, String path, String request) {
        long started = System.nanoTime();
        var response = MockHttp.post(mock.uri().resolve(path), request);
        assertEquals(200, response.statusCode(), response.body());
        return Duration.ofNanos(System.nanoTime() - started).toMillis();
    }

    @Test
    void aSlowReplyTakesAtLeastTheRangesMinimum() {
        var slow = MockOptions.builder().slowRate(1).slow(Duration.ofMillis(300), Duration.ofMillis(400));
        try (var mock = MockHttp.start(slow.build())) {
            long ms = millisToAnswer(mock, "/v1/chat/completions", HI);
            assertTrue(ms >= 300, "answered in " + ms + " ms");
        }
        try (var mock = MockHttp.start(slow.shape(Shape.CHAT).build())) {
            long ms = millisToAnswer(mock, "/chat", "{\"prompt\":\"hi\"}");
            assertTrue(ms >= 300, "a prompt shape is slowed too: " + ms + " ms");
        }
    }

    @Test
    void theSlowRangeDefaultsToTheSeedVendorsTwoToFiveSeconds() {
        var faults = MockOptions.defaults().faults();
        assertEquals(Duration.ofSeconds(2), faults.slowMin());
        assertEquals(Duration.ofSeconds(5), faults.slowMax());
    }

    @Test
    void theFirstTokenWaitsForThePromptTokensNotInTheCache() {
        String prompt = MockHttp.chat("user", "x".repeat(122)); // 128 characters: 32 tokens, 2 whole blocks
        var options = MockOptions.builder().cacheTokens(4096).prefillPerToken(Duration.ofMillis(10)).build();
        try (var mock = MockHttp.start(options)) {
            long started = System.nanoTime();
            var first = json(MockHttp.post(mock.uri().resolve("/v1/chat/completions"), prompt));
            long ms = Duration.ofNanos(System.nanoTime() - started).toMillis();
            assertTrue(ms >= 320, "32 tokens at 10 ms: " + ms + " ms");
            assertEquals(320, first.object("timings").orElseThrow().longValue("prompt_ms").orElseThrow());

            var second = json(MockHttp.post(mock.uri().resolve("/v1/chat/completions"), prompt));
            assertEquals(10, second.object("timings").orElseThrow().longValue("prompt_ms").orElseThrow(),
                    "one token recomputed");
        }
    }
}
