package gateway.access;

import gateway.http.ApiError;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** How many requests each key has in flight, held to its {@code max_in_flight}: one more gets 429. */
final class KeyConcurrency {
    /** Keys with requests in flight only: a key is forgotten when its last one ends. */
    private final Map<String, Integer> inFlight = new ConcurrentHashMap<>();

    /** Closing the slot ends the request's turn. */
    interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    Slot enter(Caller caller) {
        Long max = caller.policy().maxInFlight();
        if (max == null) {
            return () -> { };
        }
        boolean[] admitted = {false};
        inFlight.compute(caller.id(), (id, n) -> {
            int now = n == null ? 0 : n;
            admitted[0] = now < max;
            return admitted[0] ? now + 1 : n;
        });
        if (!admitted[0]) {
            throw new ApiError(429, "rate_limit_error", "concurrency_limit_exceeded", null,
                    "This API key may have " + max + " requests in flight at once. Wait for one to finish.",
                    Map.of("Retry-After", "1"));
        }
        return () -> inFlight.computeIfPresent(caller.id(), (id, n) -> n > 1 ? n - 1 : null);
    }
}
