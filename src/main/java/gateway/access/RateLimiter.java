package gateway.access;

import gateway.http.ApiError;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Per-caller limits: {@code RATE_LIMIT_RPM} requests per minute with a burst, and
 * {@code RATE_LIMIT_TPM} tokens per minute, each a {@link TokenBucket}. A request is let
 * in when a request token is left and the token bucket is not empty; its real usage is
 * charged when it ends, so one request may overshoot the token limit (the next ones
 * then wait). Answers carry OpenAI's {@code x-ratelimit-*} headers.
 */
public final class RateLimiter {
    /**
     * Callers remembered at most. A caller whose buckets are full again is forgotten at
     * no cost (a new bucket is full too); past this many active callers (a flood of
     * client addresses), some are forgotten early, which only makes limits lenient.
     */
    static final int MAX_CALLERS = 10_000;

    /**
     * @param requestsPerMinute 0 turns the request limit off
     * @param burst             requests that may arrive at once
     * @param tokensPerMinute   0 turns the token limit off
     */
    public record Limits(int requestsPerMinute, int burst, int tokensPerMinute) {
        public boolean any() {
            return requestsPerMinute > 0 || tokensPerMinute > 0;
        }
    }

    private record Caller(Limits limits, TokenBucket requests, TokenBucket tokens) {
    }

    private final Supplier<Limits> limits;
    private final LongSupplier clock;
    private final Map<String, Caller> callers = new ConcurrentHashMap<>();

    /**
     * @param limits the limits of callers without their own, asked at each request (a reload may change them)
     * @param clock  nanosecond readings ({@code System::nanoTime}; a fake one in tests)
     */
    public RateLimiter(Supplier<Limits> limits, LongSupplier clock) {
        this.limits = limits;
        this.clock = clock;
    }

    /**
     * Lets one request of {@code caller} in and returns the {@code x-ratelimit-*} headers
     * for its answer.
     *
     * @throws ApiError 429 {@code rate_limit_exceeded} with {@code Retry-After},
     *         {@code retry-after-ms} and the same headers
     */
    public Map<String, String> admit(String caller) {
        return admit(caller, limits.get());
    }

    /**
     * The same, with limits of the caller's own (an API key's policy). When they change,
     * the caller starts again with full buckets.
     */
    public Map<String, String> admit(String caller, Limits limits) {
        if (!limits.any()) {
            return Map.of();
        }
        long now = clock.getAsLong();
        Caller state = callers.get(caller); // lock-free: compute() would lock the entry every busy caller shares
        if (state == null || !state.limits().equals(limits)) {
            state = callers.compute(caller, (c, old) -> old != null && old.limits().equals(limits) ? old : newCaller(limits, now));
        }
        if (callers.size() > MAX_CALLERS) {
            forgetIdleCallers(now);
        }
        long waitNanos = 0;
        String exceeded = null;
        if (state.tokens() != null && state.tokens().remaining(now) < 1) {
            waitNanos = state.tokens().nanosUntil(1, now);
            exceeded = "tokens per minute (" + state.limits().tokensPerMinute() + ")";
        } else if (state.requests() != null && !state.requests().tryTake(1, now)) {
            waitNanos = state.requests().nanosUntil(1, now);
            exceeded = "requests per minute (" + state.limits().requestsPerMinute() + ")";
        }
        Map<String, String> headers = headers(state, now);
        if (exceeded != null) {
            long waitMillis = Math.max(1, (waitNanos + 999_999) / 1_000_000);
            headers.put("Retry-After", Long.toString((waitMillis + 999) / 1000));
            headers.put("retry-after-ms", Long.toString(waitMillis));
            throw new ApiError(429, "rate_limit_error", "rate_limit_exceeded", null,
                    "Rate limit reached for " + exceeded + ". Try again in " + duration(waitNanos) + ".", headers);
        }
        return headers;
    }

    /** The limits of callers without their own. */
    public Limits defaults() {
        return limits.get();
    }

    /** Charges the tokens a request of {@code caller} used, once they are known. */
    public void charge(String caller, long tokens) {
        Caller state = callers.get(caller);
        if (state != null && state.tokens() != null && tokens > 0) {
            state.tokens().charge(tokens, clock.getAsLong());
        }
    }

    /** How many callers are remembered (for tests of the bound). */
    int callers() {
        return callers.size();
    }

    private static Caller newCaller(Limits limits, long now) {
        return new Caller(limits,
                limits.requestsPerMinute() > 0 ? new TokenBucket(limits.burst(), limits.requestsPerMinute(), now) : null,
                limits.tokensPerMinute() > 0 ? new TokenBucket(limits.tokensPerMinute(), limits.tokensPerMinute(), now) : null);
    }

    private Map<String, String> headers(Caller state, long now) {
        var headers = new LinkedHashMap<String, String>();
        if (state.requests() != null) {
            headers.put("x-ratelimit-limit-requests", Integer.toString(state.limits().requestsPerMinute()));
            headers.put("x-ratelimit-remaining-requests", Long.toString(state.requests().remaining(now)));
            headers.put("x-ratelimit-reset-requests", duration(state.requests().nanosUntilFull(now)));
        }
        if (state.tokens() != null) {
            headers.put("x-ratelimit-limit-tokens", Integer.toString(state.limits().tokensPerMinute()));
            headers.put("x-ratelimit-remaining-tokens", Long.toString(state.tokens().remaining(now)));
            headers.put("x-ratelimit-reset-tokens", duration(state.tokens().nanosUntilFull(now)));
        }
        return headers;
    }

    private void forgetIdleCallers(long now) {
        callers.values().removeIf(c -> (c.requests() == null || c.requests().nanosUntilFull(now) == 0)
                && (c.tokens() == null || c.tokens().nanosUntilFull(now) == 0));
        Iterator<String> oldest = callers.keySet().iterator();
        while (callers.size() > MAX_CALLERS / 2 && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
        }
    }

    /** A duration as OpenAI writes it: {@code 250ms}, {@code 1s}, {@code 1.5s}, {@code 6m0s}. */
    static String duration(long nanos) {
        long millis = (nanos + 999_999) / 1_000_000;
        if (millis < 1000) {
            return millis + "ms";
        }
        long minutes = millis / 60_000;
        long restMillis = millis % 60_000;
        var text = new StringBuilder(12);
        if (minutes > 0) {
            text.append(minutes).append('m');
        }
        text.append(restMillis / 1000);
        if (restMillis % 1000 != 0) {
            // By hand, not String.format and a regex: a reset header is written on every request.
            String digits = Long.toString(1000 + restMillis % 1000).substring(1); // three, leading zeros kept
            int end = digits.length();
            while (digits.charAt(end - 1) == '0') {
                end--;
            }
            text.append('.').append(digits, 0, end);
        }
        return text.append('s').toString();
    }
}
