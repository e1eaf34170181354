package gateway.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LogTimeTest {
    @Test
    void writesWhatInstantToStringWrites() {
        var random = new SplittableRandom(7);
        long[] seconds = {0, 1, 59, 86_399, 1_795_992_075, 1_795_992_076, 4_102_444_799L, 1_795_992_075};
        int[] nanos = {0, 1, 7_000, 10_000_000, 120_000_000, 999_999_999, 987_678_340, 500_000, 100};
        for (long second : seconds) {
            for (int nano : nanos) {
                assertSame(Instant.ofEpochSecond(second, nano));
            }
            for (int i = 0; i < 200; i++) {
                assertSame(Instant.ofEpochSecond(second, random.nextInt(1_000_000_000)));
            }
        }
    }

    @Test
    void theSecondChangesWithTheTime() {
        assertSame(Instant.parse("2026-11-29T23:59:59.999Z"));
        assertSame(Instant.parse("2026-11-30T00:00:00Z"));
        assertSame(Instant.parse("2026-11-29T23:59:59.5Z")); // back in time too: a clock may step
    }

    private static void assertSame(Instant time) {
        var line = new StringBuilder();
        LogTime.append(line, time);
        assertEquals(time.toString(), line.toString());
    }
}
