package gateway.access;

import gateway.http.ApiError;
import gateway.keys.UsageBook;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * A key's token budgets per UTC day and per UTC month, counted from its usage: once a
 * budget is spent, requests get 429 {@code budget_exceeded} until it resets. A request in
 * flight may overshoot it; the next one is refused.
 */
final class Budgets {
    private final UsageBook usage;

    Budgets(UsageBook usage) {
        this.usage = usage;
    }

    void check(Caller caller, long now) {
        var policy = caller.policy();
        if (policy.tokensPerDay() == null && policy.tokensPerMonth() == null) {
            return;
        }
        LocalDate today = LocalDate.ofInstant(Instant.ofEpochSecond(now), ZoneOffset.UTC);
        if (policy.tokensPerDay() != null) {
            check(caller.id(), "day", policy.tokensPerDay(), epoch(today), epoch(today.plusDays(1)), now);
        }
        if (policy.tokensPerMonth() != null) {
            LocalDate month = today.withDayOfMonth(1);
            check(caller.id(), "month", policy.tokensPerMonth(), epoch(month), epoch(month.plusMonths(1)), now);
        }
    }

    private void check(String id, String period, long budget, long start, long reset, long now) {
        long used = usage.total(id, start, reset).tokens();
        if (used >= budget) {
            long wait = Math.max(1, reset - now);
            throw new ApiError(429, "rate_limit_error", "budget_exceeded", null,
                    "This API key has used its " + budget + " tokens per " + period + " (" + used + " used). The budget resets at "
                            + Instant.ofEpochSecond(reset) + ", in " + wait + " s.",
                    // The SDKs retry a 429 within seconds; this one lasts hours, so they are told not to.
                    Map.of("Retry-After", Long.toString(wait), "x-should-retry", "false",
                            "x-budget-reset", Instant.ofEpochSecond(reset).toString()));
        }
    }

    private static long epoch(LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    }
}
