package gateway.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.http.ApiError;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The limiter on a fake clock: time passes only when the test says so. */
class RateLimiterTest {
    final AtomicLong now = new AtomicLong(1_000_000_000L);

    RateLimiter limiter(int rpm, int burst, int tpm) {
        var limits = new RateLimiter.Limits(rpm, burst, tpm);
        return new RateLimiter(() -> limits, now::get);
    }

    void advanceMillis(long millis) {
        now.addAndGet(millis * 1_000_000);
    }

    @Test
    void aBurstIsLetInThenRequestsWaitForTheRefill() {
        RateLimiter limiter = limiter(60, 2, 0); // one request per second, two at once
        assertEquals(Map.of("x-ratelimit-limit-requests", "60", "x-ratelimit-remaining-requests", "1",
                "x-ratelimit-reset-requests", "1s"), limiter.admit("alice"));
        assertEquals("0", limiter.admit("alice").get("x-ratelimit-remaining-requests"));

        ApiError limited = assertThrows(ApiError.class, () -> limiter.admit("alice"));
        assertEquals(429, limited.status());
        assertEquals("rate_limit_error", limited.type());
        assertEquals("rate_limit_exceeded", limited.code());
        assertEquals("1", limited.headers().get("Retry-After"));
        assertEquals("1000", limited.headers().get("retry-after-ms"));
        assertEquals("2s", limited.headers().get("x-ratelimit-reset-requests"));
        assertEquals("Rate limit reached for requests per minute (60). Try again in 1s.", limited.getMessage());

        limiter.admit("bob"); // callers have their own buckets
        advanceMillis(250);
        assertEquals("750", assertThrows(ApiError.class, () -> limiter.admit("alice")).headers().get("retry-after-ms"));
        advanceMillis(750);
        limiter.admit("alice");
    }

    @Test
    void tokensAreChargedAfterTheFactAndMayOvershoot() {
        RateLimiter limiter = limiter(0, 0, 600); // 10 tokens per second
        limiter.admit("alice");
        limiter.charge("alice", 900); // one request used more than the whole minute's budget
        ApiError limited = assertThrows(ApiError.class, () -> limiter.admit("alice"));
        assertEquals("Rate limit reached for tokens per minute (600). Try again in 30.1s.", limited.getMessage());
        assertEquals("31", limited.headers().get("Retry-After"));
        assertEquals("0", limited.headers().get("x-ratelimit-remaining-tokens"));
        assertEquals("1m30s", limited.headers().get("x-ratelimit-reset-tokens"));
        advanceMillis(30_100);
        assertEquals("1", limiter.admit("alice").get("x-ratelimit-remaining-tokens"));
    }

    @Test
    void rememberedCallersStayBounded() {
        RateLimiter limiter = limiter(1_000, 1_000, 0);
        for (int i = 0; i < 3 * RateLimiter.MAX_CALLERS; i++) {
            limiter.admit("address:" + i);
        }
        assertTrue(limiter.callers() <= RateLimiter.MAX_CALLERS, "remembered " + limiter.callers());
    }

    @ParameterizedTest
    @CsvSource({"1, 1ms", "250000000, 250ms", "999000001, 1s", "1000000000, 1s", "1500000000, 1.5s",
        "59999000000, 59.999s", "360000000000, 6m0s", "90250000000, 1m30.25s", "2050000000, 2.05s",
        "61007000000, 1m1.007s"})
    void durationsAreWrittenAsOpenAiDoes(long nanos, String text) {
        assertEquals(text, RateLimiter.duration(nanos));
    }
}
