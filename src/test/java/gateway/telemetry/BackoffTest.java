package gateway.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.observe.ExportCounters.Signal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackoffTest {
    static final Instant NOW = Instant.parse("2025-01-01T12:00:00Z");

    @Test
    void retryAfterIsSecondsOrAnHttpDateCapped() {
        assertEquals(Optional.of(Duration.ZERO), Backoff.retryAfter("0", NOW));
        assertEquals(Optional.of(Duration.ofSeconds(7)), Backoff.retryAfter(" 7 ", NOW));
        assertEquals(Optional.of(Backoff.MAX_RETRY_AFTER), Backoff.retryAfter("3600", NOW));
        assertEquals(Optional.of(Backoff.MAX_RETRY_AFTER), Backoff.retryAfter("99999999999999999999999", NOW));
        assertEquals(Optional.of(Duration.ofSeconds(30)), Backoff.retryAfter("Wed, 01 Jan 2025 12:00:30 GMT", NOW));
        assertEquals(Optional.of(Duration.ZERO), Backoff.retryAfter("Wed, 01 Jan 2025 11:00:00 GMT", NOW), "a past date: at once");
        assertEquals(Optional.empty(), Backoff.retryAfter("-1", NOW));
        assertEquals(Optional.empty(), Backoff.retryAfter("soon", NOW));
        assertEquals(Optional.empty(), Backoff.retryAfter(null, NOW));
    }

    @Test
    void withoutRetryAfterTheDelayDoublesWithJitterUpToTheCap() {
        for (int i = 0; i < 100; i++) {
            assertBetween(500, 1_000, Backoff.delay(1, null, NOW));
            assertBetween(1_000, 2_000, Backoff.delay(2, "garbage", NOW));
            assertBetween(4_000, 8_000, Backoff.exponential(4));
            assertBetween(15_000, 30_000, Backoff.exponential(40));
        }
        assertEquals(Duration.ofSeconds(2), Backoff.delay(1, "2", NOW), "the collector's word wins");
    }

    static void assertBetween(long fromMillis, long toMillis, Duration delay) {
        assertTrue(delay.toMillis() >= fromMillis && delay.toMillis() <= toMillis, delay.toString());
    }

    @Test
    void partialSuccessNamesTheRejectedItemsAsStringOrNumber() {
        assertEquals(3, rejected(Signal.TRACES, "{\"partialSuccess\":{\"rejectedSpans\":\"3\",\"errorMessage\":\"x\"}}"));
        assertEquals(4, rejected(Signal.METRICS, "{\"partialSuccess\":{\"rejectedDataPoints\":4}}"));
        assertEquals(0, rejected(Signal.TRACES, "{\"partialSuccess\":{\"rejectedDataPoints\":4}}"), "the other signal's field");
        assertEquals(0, rejected(Signal.TRACES, "{\"partialSuccess\":{\"rejectedSpans\":-2}}"));
        assertEquals(0, rejected(Signal.TRACES, "{}"));
        assertEquals(0, rejected(Signal.TRACES, ""));
        assertEquals(0, rejected(Signal.TRACES, "<html>"));
    }

    static long rejected(Signal signal, String body) {
        return OtlpClient.rejected(signal, body.getBytes(StandardCharsets.UTF_8));
    }
}
