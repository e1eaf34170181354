package gateway.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.http.ApiError;
import gateway.http.UpstreamErrors;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OutcomesTest {
    static ApiError limited(Map<String, String> headers) {
        return new ApiError(429, "rate_limit_error", "rate_limit_exceeded", null, "slow down", headers);
    }

    @Test
    void aRetryIsWorthItOnlyWhereAnotherBackendMaySucceed() {
        assertTrue(Outcomes.retryable(UpstreamErrors.backendUnavailable("refused")));
        assertTrue(Outcomes.retryable(UpstreamErrors.gatewayTimeout("slow")));
        assertTrue(Outcomes.retryable(limited(Map.of())));
        for (int status : new int[] {502, 503, 504}) {
            assertTrue(Outcomes.retryable(UpstreamErrors.backendError("x").fromBackendStatus(status)), "" + status);
        }
        assertFalse(Outcomes.retryable(UpstreamErrors.backendError("a 500: a request that breaks the model").fromBackendStatus(500)));
        assertFalse(Outcomes.retryable(ApiError.invalidRequest("context_length_exceeded", null, "too long").fromBackendStatus(400)));
        assertFalse(Outcomes.retryable(UpstreamErrors.backendError("a reply that is not a completion")));
    }

    @Test
    void retryAfterIsReadFromMillisecondsSecondsOrADate() {
        assertEquals(Optional.of(Duration.ofMillis(1500)), Outcomes.retryAfter(limited(Map.of("retry-after-ms", "1500", "Retry-After", "9"))));
        assertEquals(Optional.of(Duration.ofSeconds(7)), Outcomes.retryAfter(limited(Map.of("Retry-After", "7"))));
        String inTenSeconds = ZonedDateTime.now().plusSeconds(10).format(DateTimeFormatter.RFC_1123_DATE_TIME);
        long seconds = Outcomes.retryAfter(limited(Map.of("Retry-After", inTenSeconds))).orElseThrow().toSeconds();
        assertTrue(seconds >= 8 && seconds <= 10, "" + seconds);
        assertEquals(Optional.empty(), Outcomes.retryAfter(limited(Map.of("Retry-After", "soon"))));
        assertEquals(Optional.empty(), Outcomes.retryAfter(limited(Map.of())));
    }
}
