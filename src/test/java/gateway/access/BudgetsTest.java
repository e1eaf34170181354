package gateway.access;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import gateway.http.ApiError;
import gateway.keys.KeyPolicy;
import gateway.keys.UsageBook;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Token budgets per UTC day and month, on usage the test writes: each resets at its period's start. */
class BudgetsTest {
    final UsageBook usage = new UsageBook();
    final Budgets budgets = new Budgets(usage);

    static long at(String instant) {
        return Instant.parse(instant).getEpochSecond();
    }

    static Caller caller(Long perDay, Long perMonth) {
        return new Caller("key_1", "alice", new KeyPolicy(null, null, null, perDay, perMonth, null));
    }

    void spend(long tokens, String when) {
        usage.record("key_1", false, tokens / 2, tokens - tokens / 2, 0, at(when));
    }

    @Test
    void aKeyWithoutBudgetsIsNeverRefused() {
        spend(1_000_000, "2026-03-10T08:00:00Z");
        assertDoesNotThrow(() -> budgets.check(new Caller("key_1", "alice", KeyPolicy.NONE), at("2026-03-10T09:00:00Z")));
    }

    @Test
    void aSpentDayIsRefusedUntilUtcMidnightAndSaysWhen() {
        var alice = caller(100L, null);
        spend(60, "2026-03-10T08:15:00Z");
        assertDoesNotThrow(() -> budgets.check(alice, at("2026-03-10T09:00:00Z")));
        spend(40, "2026-03-10T09:30:00Z"); // exactly the budget: the next request is refused

        ApiError e = assertThrows(ApiError.class, () -> budgets.check(alice, at("2026-03-10T23:00:00Z")));
        assertEquals(429, e.status());
        assertEquals("rate_limit_error", e.type());
        assertEquals("budget_exceeded", e.code());
        assertEquals(null, e.param());
        assertEquals(Map.of("Retry-After", "3600", "x-should-retry", "false", "x-budget-reset", "2026-03-11T00:00:00Z"), e.headers());
        assertEquals("This API key has used its 100 tokens per day (100 used). The budget resets at 2026-03-11T00:00:00Z, in 3600 s.",
                e.getMessage());
        assertEquals("1", assertThrows(ApiError.class, () -> budgets.check(alice, at("2026-03-10T23:59:59Z")))
                .headers().get("Retry-After"));

        assertDoesNotThrow(() -> budgets.check(alice, at("2026-03-11T00:00:00Z")), "a new day");
    }

    @Test
    void aSpentMonthIsRefusedUntilTheFirstOfTheNext() {
        var alice = caller(1_000L, 150L);
        spend(100, "2026-01-31T22:00:00Z");
        spend(60, "2026-01-02T10:00:00Z");

        ApiError e = assertThrows(ApiError.class, () -> budgets.check(alice, at("2026-01-31T23:00:00Z")));
        assertEquals("budget_exceeded", e.code());
        assertEquals("3600", e.headers().get("Retry-After"));
        assertEquals("2026-02-01T00:00:00Z", e.headers().get("x-budget-reset"));
        assertEquals("This API key has used its 150 tokens per month (160 used). The budget resets at 2026-02-01T00:00:00Z, in 3600 s.",
                e.getMessage());
        assertDoesNotThrow(() -> budgets.check(alice, at("2026-02-01T00:00:00Z")), "a new month");
    }

    @Test
    void monthsEndOnTheirOwnLastDayAndYearsRollOver() {
        var alice = caller(null, 10L);
        spend(10, "2028-02-29T12:00:00Z"); // a leap year
        assertEquals("2028-03-01T00:00:00Z", assertThrows(ApiError.class, () -> budgets.check(alice, at("2028-02-29T12:00:00Z")))
                .headers().get("x-budget-reset"));
        spend(10, "2026-12-15T00:00:00Z");
        ApiError december = assertThrows(ApiError.class, () -> budgets.check(alice, at("2026-12-15T00:00:00Z")));
        assertEquals("2027-01-01T00:00:00Z", december.headers().get("x-budget-reset"));
        assertEquals(Long.toString(17 * 24 * 3600), december.headers().get("Retry-After"));
        assertDoesNotThrow(() -> budgets.check(alice, at("2027-01-01T00:00:00Z")));
    }

    @Test
    void theDayIsCheckedBeforeTheMonthAndYesterdayCountsOnlyForTheMonth() {
        var alice = caller(50L, 80L);
        spend(50, "2026-05-04T10:00:00Z");
        assertEquals("2026-05-05T00:00:00Z", assertThrows(ApiError.class, () -> budgets.check(alice, at("2026-05-04T11:00:00Z")))
                .headers().get("x-budget-reset"), "the day's 50 are spent");
        spend(30, "2026-05-05T10:00:00Z");
        ApiError month = assertThrows(ApiError.class, () -> budgets.check(alice, at("2026-05-05T11:00:00Z")));
        assertEquals("2026-06-01T00:00:00Z", month.headers().get("x-budget-reset"), "30 today is under the day's 50");
    }
}
