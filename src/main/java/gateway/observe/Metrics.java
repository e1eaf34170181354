package gateway.observe;

import gateway.json.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The in-memory metrics map served at {@code /metrics}, as JSON or in Prometheus' text
 * format. Requests are counted when they end, from their {@link RequestSummary}; only
 * requests and streams in flight are counted live. Histogram names follow the
 * OpenTelemetry GenAI semantic conventions where one exists. Every label is bounded
 * (routes, status codes, outcomes, error codes, and at most {@link #MAX_MODELS} model
 * names): nothing a client sends can grow the map without end.
 */
public final class Metrics {
    /** The content type of {@link #toPrometheus()}. */
    public static final String PROMETHEUS_CONTENT_TYPE = Prometheus.CONTENT_TYPE;

    /** Distinct model names counted; later ones are counted as {@code other}. */
    static final int MAX_MODELS = 100;

    private record RequestKey(String route, int status, String model) {
    }

    private final long startNanos = System.nanoTime();
    private final AtomicLong requestsInFlight = new AtomicLong();
    private final AtomicLong streamsInFlight = new AtomicLong();
    private final Map<RequestKey, LongAdder> requests = new ConcurrentHashMap<>();
    private final Set<String> models = ConcurrentHashMap.newKeySet();
    private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> backendErrors = new ConcurrentHashMap<>();
    private final LongAdder streams = new LongAdder();
    private final LongAdder promptTokens = new LongAdder();
    private final LongAdder completionTokens = new LongAdder();
    private final Histogram latency = new Histogram(Histogram.SECONDS);
    private final Histogram firstFrame = new Histogram(Histogram.SECONDS);
    private final Histogram overhead = new Histogram(Histogram.SECONDS);
    private final Histogram inputTokens = new Histogram(Histogram.TOKENS);
    private final Histogram outputTokens = new Histogram(Histogram.TOKENS);
    private final Histogram cachedTokens = new Histogram(Histogram.TOKENS);
    private final RoutingMetrics routing = new RoutingMetrics();

    /** The routing part: backends, decisions, the queue. */
    public RoutingMetrics routing() {
        return routing;
    }

    public void requestStarted() {
        requestsInFlight.incrementAndGet();
    }

    public void requestEnded() {
        requestsInFlight.decrementAndGet();
    }

    public void streamOpened() {
        streamsInFlight.incrementAndGet();
    }

    public void streamClosed() {
        streamsInFlight.decrementAndGet();
    }

    public void record(RequestSummary s) {
        requests.computeIfAbsent(new RequestKey(s.route(), s.status(), modelLabel(s.model())), k -> new LongAdder()).increment();
        count(outcomes, s.outcome());
        if (s.outcome().equals("backend_error")) {
            count(backendErrors, s.errorCode());
        }
        latency.record(s.latencyNanos() / 1e9);
        overhead.record(Math.max(0, s.latencyNanos() - s.backendWaitNanos()) / 1e9);
        if (s.stream()) {
            streams.increment();
        }
        if (s.firstFrameNanos() >= 0) {
            firstFrame.record(s.firstFrameNanos() / 1e9);
        }
        if (s.promptTokens() >= 0) {
            promptTokens.add(s.promptTokens());
            inputTokens.record(s.promptTokens());
        }
        if (s.completionTokens() >= 0) {
            completionTokens.add(s.completionTokens());
            outputTokens.record(s.completionTokens());
        }
        if (s.cachedTokens() >= 0) {
            cachedTokens.record(s.cachedTokens());
        }
        if (s.promptTokens() >= 0 && !s.tokensEstimated()) {
            routing.promptTokens(s.backend(), s.promptTokens(), s.cachedTokens());
        }
    }

    private String modelLabel(String model) {
        if (model == null) {
            return "";
        }
        if (models.contains(model) || (models.size() < MAX_MODELS && models.add(model))) {
            return model;
        }
        return "other";
    }

    private static void count(Map<String, LongAdder> counters, String key) {
        counters.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    /** The metrics as one JSON object. */
    public JsonObject toJson() {
        var byRoute = new TreeMap<String, TreeMap<String, Long>>();
        var byModel = new TreeMap<String, Long>();
        long total = 0;
        for (var entry : requests.entrySet()) {
            long n = entry.getValue().sum();
            byRoute.computeIfAbsent(entry.getKey().route(), r -> new TreeMap<>())
                    .merge(Integer.toString(entry.getKey().status()), n, Long::sum);
            if (!entry.getKey().model().isEmpty()) {
                byModel.merge(entry.getKey().model(), n, Long::sum);
            }
            total += n;
        }
        var routes = JsonObject.builder();
        byRoute.forEach((route, statuses) -> {
            var json = JsonObject.builder();
            statuses.forEach(json::put);
            routes.put(route, json.build());
        });
        var perModel = JsonObject.builder();
        byModel.forEach(perModel::put);
        var json = JsonObject.builder()
                .put("uptime_seconds", (System.nanoTime() - startNanos) / 1_000_000_000L)
                .put("requests_total", total)
                .put("requests_in_flight", requestsInFlight.get())
                .put("requests", routes.build())
                .put("requests_by_model", perModel.build())
                .put("outcomes", counts(outcomes))
                .put("backend_errors", counts(backendErrors))
                .put("rate_limited", counter(outcomes, "rate_limited"))
                .put("streams_total", streams.sum())
                .put("streams_in_flight", streamsInFlight.get())
                .put("latency", latency.toJson("ms", 1000))
                .put("time_to_first_frame", firstFrame.toJson("ms", 1000))
                .put("gateway_overhead", overhead.toJson("ms", 1000))
                .put("tokens", JsonObject.builder()
                        .put("prompt", promptTokens.sum())
                        .put("completion", completionTokens.sum())
                        .build())
                .put("cached_tokens", cachedTokens.toJson("tokens", 1));
        routing.writeJson(json);
        return json.build();
    }

    /** The metrics in the Prometheus text exposition format. */
    public String toPrometheus() {
        var p = new Prometheus();
        p.family("gateway_requests_total", "counter", "Requests that have ended, by route, status and model.");
        var requestLines = new TreeMap<String, Long>();
        requests.forEach((key, n) -> requestLines.put(Prometheus.label("route", key.route()) + ","
                + Prometheus.label("status", Integer.toString(key.status())) + "," + Prometheus.label("model", key.model()), n.sum()));
        requestLines.forEach((labels, n) -> p.sample("gateway_requests_total", labels, n));
        p.family("gateway_requests_in_flight", "gauge", "Requests being served now.")
                .sample("gateway_requests_in_flight", "", requestsInFlight.get());
        p.family("gateway_streams_in_flight", "gauge", "Event streams open now.")
                .sample("gateway_streams_in_flight", "", streamsInFlight.get());
        p.family("gateway_streams_total", "counter", "Streamed requests that have ended.")
                .sample("gateway_streams_total", "", streams.sum());
        p.family("gateway_outcomes_total", "counter", "Requests by outcome: ok, client_cancelled, invalid_request, rate_limited, overloaded, shutting_down, backend_error, internal_error.");
        new TreeMap<>(outcomes).forEach((outcome, n) -> p.sample("gateway_outcomes_total", Prometheus.label("outcome", outcome), n.sum()));
        p.family("gateway_backend_errors_total", "counter", "Backend failures by error code.");
        new TreeMap<>(backendErrors).forEach((code, n) -> p.sample("gateway_backend_errors_total", Prometheus.label("code", code), n.sum()));
        p.family("gateway_rate_limited_total", "counter",
                "Requests answered 429: over RATE_LIMIT_RPM or RATE_LIMIT_TPM, or passed on from a rate-limiting backend.")
                .sample("gateway_rate_limited_total", "", counter(outcomes, "rate_limited"));
        p.family("gen_ai_server_request_duration_seconds", "histogram", "Time from a request's arrival to its last byte.");
        latency.writePrometheus(p.builder(), "gen_ai_server_request_duration_seconds", "");
        p.family("gen_ai_server_time_to_first_token_seconds", "histogram", "Time from a stream's request to its first frame.");
        firstFrame.writePrometheus(p.builder(), "gen_ai_server_time_to_first_token_seconds", "");
        p.family("gateway_overhead_seconds", "histogram", "The gateway's own time: a request's duration minus its time waiting on the backend.");
        overhead.writePrometheus(p.builder(), "gateway_overhead_seconds", "");
        p.family("gen_ai_client_token_usage", "histogram", "Tokens per request, by gen_ai_token_type (input: prompt, output: completion).");
        inputTokens.writePrometheus(p.builder(), "gen_ai_client_token_usage", Prometheus.label("gen_ai_token_type", "input"));
        outputTokens.writePrometheus(p.builder(), "gen_ai_client_token_usage", Prometheus.label("gen_ai_token_type", "output"));
        p.family("gateway_cached_prompt_tokens", "histogram", "Prompt tokens per request that the backend found in its cache, where it says.");
        cachedTokens.writePrometheus(p.builder(), "gateway_cached_prompt_tokens", "");
        routing.writePrometheus(p);
        p.family("gateway_uptime_seconds", "gauge", "Seconds since the gateway started.")
                .sample("gateway_uptime_seconds", "", (System.nanoTime() - startNanos) / 1_000_000_000L);
        return p.toString();
    }

    private static long counter(Map<String, LongAdder> counters, String key) {
        LongAdder adder = counters.get(key);
        return adder == null ? 0 : adder.sum();
    }

    private static JsonObject counts(Map<String, LongAdder> counters) {
        var json = JsonObject.builder();
        new TreeMap<>(counters).forEach((key, adder) -> json.put(key, adder.sum()));
        return json.build();
    }
}
