package gateway.observe;

import static gateway.observe.MetricWriter.Kind.COUNTER;
import static gateway.observe.MetricWriter.Kind.GAUGE;
import static gateway.observe.MetricWriter.Kind.HISTOGRAM;

import gateway.json.JsonArray;
import gateway.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The in-memory metrics map served at {@code /metrics}, as JSON or in Prometheus' text
 * format, and handed to the OTLP exporter as OTLP metrics: each measurement is written once,
 * to a {@link MetricWriter}, and each format is a writer. Requests are counted when they
 * end, from their {@link RequestSummary}; only requests and streams in flight are counted
 * live. Names follow the OpenTelemetry GenAI semantic conventions where one exists. Every
 * label is bounded (routes, status codes, outcomes, error codes, and at most
 * {@link RequestCounts#MAX_MODELS} model names): nothing a client sends can grow the map
 * without end.
 */
public final class Metrics {
    /** The content type of {@link #toPrometheus()}. */
    public static final String PROMETHEUS_CONTENT_TYPE = Prometheus.CONTENT_TYPE;

    private final long startNanos = System.nanoTime();
    /** When counting began, the start of every cumulative OTLP point. */
    private final long startEpochNanos = OtlpMetrics.epochNanos(Instant.now());
    private final AtomicLong requestsInFlight = new AtomicLong();
    private final AtomicLong streamsInFlight = new AtomicLong();
    private final RequestCounts requests = new RequestCounts();
    private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> backendErrors = new ConcurrentHashMap<>();
    private final LongAdder streams = new LongAdder();
    private final LongAdder promptTokens = new LongAdder();
    private final LongAdder completionTokens = new LongAdder();
    private final Histogram latency = new Histogram(Histogram.GEN_AI_DURATION);
    private final Histogram firstFrame = new Histogram(Histogram.GEN_AI_TIME_TO_FIRST_TOKEN);
    private final Histogram timePerOutputToken = new Histogram(Histogram.GEN_AI_TIME_PER_OUTPUT_TOKEN);
    private final Histogram overhead = new Histogram(Histogram.SECONDS);
    private final Histogram inputTokens = new Histogram(Histogram.TOKENS);
    private final Histogram outputTokens = new Histogram(Histogram.TOKENS);
    private final Histogram cachedTokens = new Histogram(Histogram.TOKENS);
    private final RoutingMetrics routing = new RoutingMetrics();
    private final ExportCounters export = new ExportCounters();

    /** The routing part: backends, decisions, the queue. */
    public RoutingMetrics routing() {
        return routing;
    }

    /** What the OTLP exporter sent, dropped and failed to send. */
    public ExportCounters export() {
        return export;
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
        requests.record(s.route(), s.status(), s.model());
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
            if (s.outcome().equals("ok") && s.completionTokens() > 1) {
                // The GenAI conventions' time per output token, for successful responses: the time after
                // the first, shared by the others. A stream the client left (status 200 too) is not one.
                timePerOutputToken.record((s.latencyNanos() - s.firstFrameNanos()) / 1e9 / (s.completionTokens() - 1));
            }
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

    private static void count(Map<String, LongAdder> counters, String key) {
        counters.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    /** The metrics as one JSON object. */
    public JsonObject toJson() {
        var json = JsonObject.builder().put("uptime_seconds", (System.nanoTime() - startNanos) / 1_000_000_000L);
        requests.writeJson(json);
        json.put("requests_in_flight", requestsInFlight.get())
                .put("outcomes", counts(outcomes))
                .put("backend_errors", counts(backendErrors))
                .put("rate_limited", counter(outcomes, "rate_limited"))
                .put("streams_total", streams.sum())
                .put("streams_in_flight", streamsInFlight.get())
                .put("latency", latency.toJson("ms", 1000))
                .put("time_to_first_frame", firstFrame.toJson("ms", 1000))
                .put("time_per_output_token", timePerOutputToken.toJson("ms", 1000))
                .put("gateway_overhead", overhead.toJson("ms", 1000))
                .put("tokens", JsonObject.builder().put("prompt", promptTokens.sum()).put("completion", completionTokens.sum()).build())
                .put("cached_tokens", cachedTokens.toJson("tokens", 1));
        routing.writeJson(json);
        return json.put("otlp", export.toJson()).build();
    }

    /** The metrics in the Prometheus text exposition format. */
    public String toPrometheus() {
        var prometheus = new Prometheus();
        write(prometheus);
        return prometheus.toString();
    }

    /**
     * The same measurements as OTLP {@code Metric} objects in its JSON encoding, for the
     * {@code metrics} array of a {@code ScopeMetrics}: counters and histograms cumulative
     * since this object was made, families without a point left out.
     */
    public JsonArray toOtlp() {
        var otlp = new OtlpMetrics(startEpochNanos, OtlpMetrics.epochNanos(Instant.now()));
        write(otlp);
        return otlp.toJson();
    }

    /** Every measurement, once, in the order the Prometheus text has always had. */
    private void write(MetricWriter out) {
        requests.write(out);
        out.family("gateway.requests.in_flight", GAUGE, "{request}", "Requests being served now.");
        out.sample(requestsInFlight.get());
        out.family("gateway.streams.in_flight", GAUGE, "{stream}", "Event streams open now.");
        out.sample(streamsInFlight.get());
        out.family("gateway.streams", COUNTER, "{stream}", "Streamed requests that have ended.");
        out.sample(streams.sum());
        out.family("gateway.outcomes", COUNTER, "{request}", "Requests by outcome: ok, client_cancelled, invalid_request, "
                + "rate_limited, overloaded, shutting_down, backend_error, internal_error.");
        new TreeMap<>(outcomes).forEach((outcome, n) -> out.sample(n.sum(), "outcome", outcome));
        out.family("gateway.backend_errors", COUNTER, "{request}", "Backend failures by error code.");
        new TreeMap<>(backendErrors).forEach((code, n) -> out.sample(n.sum(), "code", code));
        out.family("gateway.rate_limited", COUNTER, "{request}",
                "Requests answered 429: over RATE_LIMIT_RPM or RATE_LIMIT_TPM, or passed on from a rate-limiting backend.");
        out.sample(counter(outcomes, "rate_limited"));
        out.family("gen_ai.server.request.duration", HISTOGRAM, "s", "Time from a request's arrival to its last byte.");
        out.histogram(latency);
        out.family("gen_ai.server.time_to_first_token", HISTOGRAM, "s", "Time from a stream's request to its first frame.");
        out.histogram(firstFrame);
        out.family("gen_ai.server.time_per_output_token", HISTOGRAM, "s",
                "Time per output token after the first, for a stream that succeeded with more than one token.");
        out.histogram(timePerOutputToken);
        out.family("gateway.overhead", HISTOGRAM, "s",
                "The gateway's own time: a request's duration minus its time waiting on the backend.");
        out.histogram(overhead);
        out.family("gen_ai.client.token.usage", HISTOGRAM, "{token}",
                "Tokens per request, by gen_ai_token_type (input: prompt, output: completion).");
        out.histogram(inputTokens, "gen_ai.token.type", "input");
        out.histogram(outputTokens, "gen_ai.token.type", "output");
        out.family("gateway.cached_prompt_tokens", HISTOGRAM, "{token}",
                "Prompt tokens per request that the backend found in its cache, where it says.");
        out.histogram(cachedTokens);
        routing.write(out);
        out.family("gateway.uptime", GAUGE, "s", "Seconds since the gateway started.");
        out.sample((System.nanoTime() - startNanos) / 1_000_000_000L);
        export.write(out);
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
