package gateway.observe;

import gateway.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The in-memory metrics map served at {@code /metrics}. Requests are counted when they
 * end, from their {@link RequestSummary}; only requests in flight are counted live.
 * Every key is bounded (routes, status codes, outcomes, error codes): nothing a client
 * sends can grow the map.
 */
public final class Metrics {
    private final long startNanos = System.nanoTime();
    private final AtomicLong inFlight = new AtomicLong();
    private final Map<String, Map<Integer, LongAdder>> requests = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> backendErrors = new ConcurrentHashMap<>();
    private final LongAdder streams = new LongAdder();
    private final LongAdder promptTokens = new LongAdder();
    private final LongAdder completionTokens = new LongAdder();
    private final Histogram latency = new Histogram();
    private final Histogram firstFrame = new Histogram();

    public void requestStarted() {
        inFlight.incrementAndGet();
    }

    public void requestEnded() {
        inFlight.decrementAndGet();
    }

    public void record(RequestSummary s) {
        requests.computeIfAbsent(s.route(), r -> new ConcurrentHashMap<>())
                .computeIfAbsent(s.status(), code -> new LongAdder()).increment();
        count(outcomes, s.outcome());
        if (s.outcome().equals("backend_error")) {
            count(backendErrors, s.errorCode());
        }
        latency.record(s.latencyNanos());
        if (s.stream()) {
            streams.increment();
        }
        if (s.firstFrameNanos() >= 0) {
            firstFrame.record(s.firstFrameNanos());
        }
        promptTokens.add(Math.max(0, s.promptTokens()));
        completionTokens.add(Math.max(0, s.completionTokens()));
    }

    private static void count(Map<String, LongAdder> counters, String key) {
        counters.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    public JsonObject toJson() {
        var byRoute = JsonObject.builder();
        long total = 0;
        for (var route : new TreeMap<>(requests).entrySet()) {
            var byStatus = JsonObject.builder();
            for (var status : new TreeMap<>(route.getValue()).entrySet()) {
                byStatus.put(Integer.toString(status.getKey()), status.getValue().sum());
                total += status.getValue().sum();
            }
            byRoute.put(route.getKey(), byStatus.build());
        }
        return JsonObject.builder()
                .put("uptime_seconds", (System.nanoTime() - startNanos) / 1_000_000_000L)
                .put("requests_total", total)
                .put("requests_in_flight", inFlight.get())
                .put("requests", byRoute.build())
                .put("outcomes", counts(outcomes))
                .put("backend_errors", counts(backendErrors))
                .put("streams_total", streams.sum())
                .put("latency", latency.toJson())
                .put("time_to_first_frame", firstFrame.toJson())
                .put("tokens", JsonObject.builder()
                        .put("prompt", promptTokens.sum())
                        .put("completion", completionTokens.sum())
                        .build())
                .build();
    }

    private static JsonObject counts(Map<String, LongAdder> counters) {
        var json = JsonObject.builder();
        new TreeMap<>(counters).forEach((key, adder) -> json.put(key, adder.sum()));
        return json.build();
    }
}
