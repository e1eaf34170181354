package gateway.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HealthTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Health health = new Health(now::get);

    private void pass(Duration time) {
        now.addAndGet(time.toNanos());
    }

    @Test
    void theFirstCheckDecidesThenThreeFailuresOrTwoSuccessesInARowChangeTheState() {
        assertTrue(health.available(), "unknown until checked: it may take requests");
        assertTrue(health.probed(false, "refused"), "the first check decides alone");
        assertEquals(Health.Probe.UNHEALTHY, health.state().probe());
        assertEquals("refused", health.state().probeReason());
        assertFalse(health.probed(true, null), "one success is not enough");
        assertFalse(health.probed(false, "refused"), "a failure resets the run of successes");
        assertFalse(health.probed(true, null));
        assertTrue(health.probed(true, null), "two in a row");
        assertTrue(health.available());
        assertFalse(health.probed(false, "503 Loading model"));
        assertFalse(health.probed(false, "503 Loading model"));
        assertTrue(health.available(), "two failures are not three");
        assertTrue(health.probed(false, "503 Loading model"));
        assertFalse(health.available());
    }

    @Test
    void fiveFailuresInARowEjectForThirtySecondsTimesTheEjectionsInARow() {
        for (int i = 0; i < Health.EJECT_AFTER - 1; i++) {
            assertFalse(health.failed("refused", () -> true));
        }
        health.succeeded();
        for (int i = 0; i < Health.EJECT_AFTER - 1; i++) {
            assertFalse(health.failed("refused", () -> true), "a success ended the run");
        }
        assertTrue(health.failed("refused", () -> true));
        assertTrue(health.state().ejected());
        assertTrue(health.state().ejectReason().startsWith("5 failures in a row, the last: refused"));
        pass(Duration.ofSeconds(29));
        assertFalse(health.available());
        pass(Duration.ofSeconds(2));
        assertTrue(health.available(), "back after 30 s");

        for (int i = 0; i < Health.EJECT_AFTER; i++) {
            health.failed("refused", () -> true);
        }
        pass(Duration.ofSeconds(59));
        assertFalse(health.available(), "the second ejection in a row lasts 60 s");
        pass(Duration.ofSeconds(2));
        assertTrue(health.available());
    }

    @Test
    void theLastBackendOfAModelIsKeptInAndSaysWhy() {
        for (int i = 0; i < Health.EJECT_AFTER; i++) {
            assertFalse(health.failed("refused", () -> false));
        }
        assertTrue(health.available());
        assertTrue(health.state().ejectReason().startsWith("kept in: the last backend"), health.state().ejectReason());
    }

    @Test
    void aCooldownLastsWhatTheBackendAskedUpToFiveMinutes() {
        health.coolDown(429, Duration.ofSeconds(10));
        assertTrue(health.state().coolingDown());
        assertEquals("answered 429 with Retry-After 10000 ms", health.state().coolReason());
        assertEquals(429, health.state().coolStatus());
        pass(Duration.ofSeconds(11));
        assertTrue(health.available());
        health.coolDown(503, Duration.ofHours(2));
        pass(Health.MAX_COOLDOWN.plusSeconds(1));
        assertTrue(health.available(), "a Retry-After of hours is capped");
    }
}
