package gateway.observe;

import static gateway.observe.MetricWriter.Kind.COUNTER;
import static gateway.observe.MetricWriter.Kind.GAUGE;
import static gateway.observe.MetricWriter.Kind.HISTOGRAM;

import gateway.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * The routing part of the metrics: per backend, its attempts by outcome, their duration,
 * the prompt tokens it was sent and found cached, and its live state; the routing
 * decisions by policy and reason; the queue's depth, waits and refusals. Backend names
 * come from the settings, so the labels are bounded.
 */
public final class RoutingMetrics {
    /** A backend's state at the moment the metrics are read. */
    public record Gauge(String backend, int inFlight, int slots, boolean healthy, boolean ejected, boolean coolingDown) {
    }

    private static final class PerBackend {
        final Map<String, LongAdder> attempts = new ConcurrentHashMap<>();
        final Histogram duration = new Histogram(Histogram.GEN_AI_DURATION);
        final LongAdder promptTokens = new LongAdder();
        final LongAdder cachedTokens = new LongAdder();
    }

    private final Map<String, PerBackend> backends = new ConcurrentHashMap<>();
    /** Decisions by policy, then reason: two lookups rather than a key made for every request. */
    private final Map<String, Map<String, LongAdder>> decisions = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> queueRefusals = new ConcurrentHashMap<>();
    private final Histogram queueWait = new Histogram(Histogram.SECONDS);
    private volatile Supplier<List<Gauge>> gauges = List::of;
    private volatile IntSupplier queueDepth = () -> 0;

    /** Where the live figures come from: the router, once it has started. */
    public void observe(Supplier<List<Gauge>> gauges, IntSupplier queueDepth) {
        this.gauges = gauges;
        this.queueDepth = queueDepth;
    }

    /** One attempt on a backend ended: {@code ok}, {@code error} or {@code client_cancelled}. */
    public void attempt(String backend, String outcome, long nanos) {
        PerBackend b = of(backend);
        b.attempts.computeIfAbsent(outcome, o -> new LongAdder()).increment();
        b.duration.record(nanos / 1e9);
    }

    /**
     * Prompt tokens a backend reported for a request that ended, and how many of them it found
     * in its cache. Only a backend the router tried has an entry: echo's replies are not counted.
     */
    void promptTokens(String backend, long prompt, long cached) {
        PerBackend b = backend == null ? null : backends.get(backend);
        if (b != null) {
            b.promptTokens.add(prompt);
            b.cachedTokens.add(Math.max(0, cached));
        }
    }

    public void decision(String policy, String reason) {
        decisions.computeIfAbsent(policy, p -> new ConcurrentHashMap<>()).computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    public void queueWait(long nanos) {
        queueWait.record(nanos / 1e9);
    }

    /** A queued request that got no slot: {@code full}, {@code timeout} or {@code client_left}. */
    public void queueRefusal(String reason) {
        queueRefusals.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    /** One backend's counters, for {@code /admin/backends}. */
    public JsonObject backendJson(String backend) {
        PerBackend b = of(backend);
        var attempts = JsonObject.builder();
        new TreeMap<>(b.attempts).forEach((outcome, n) -> attempts.put(outcome, n.sum()));
        return JsonObject.builder()
                .put("attempts", attempts.build())
                .put("latency", b.duration.toJson("ms", 1000))
                .put("prompt_tokens", b.promptTokens.sum())
                .put("cached_tokens", b.cachedTokens.sum())
                .build();
    }

    void writeJson(JsonObject.Builder metrics) {
        var perBackend = JsonObject.builder();
        for (Gauge g : gauges.get()) {
            perBackend.put(g.backend(), backendJson(g.backend()).toBuilder()
                    .put("in_flight", g.inFlight()).put("slots", g.slots()).put("healthy", g.healthy())
                    .put("ejected", g.ejected()).put("cooling_down", g.coolingDown()).build());
        }
        var byReason = JsonObject.builder();
        new TreeMap<>(decisions).forEach((policy, reasons) ->
                new TreeMap<>(reasons).forEach((reason, n) -> byReason.put(policy + "/" + reason, n.sum())));
        var refusals = JsonObject.builder();
        new TreeMap<>(queueRefusals).forEach((reason, n) -> refusals.put(reason, n.sum()));
        metrics.put("backends", perBackend.build())
                .put("route_decisions", byReason.build())
                .put("queue", JsonObject.builder()
                        .put("depth", queueDepth.getAsInt())
                        .put("wait", queueWait.toJson("ms", 1000))
                        .put("refused", refusals.build())
                        .build());
    }

    void write(MetricWriter out) {
        List<Gauge> live = gauges.get();
        out.family("gateway.backend.attempts", COUNTER, "{attempt}", "Attempts on each backend by outcome: ok, error, client_cancelled.");
        for (Gauge g : live) {
            new TreeMap<>(of(g.backend()).attempts).forEach((outcome, n) -> out.sample(n.sum(), "backend", g.backend(), "outcome", outcome));
        }
        // The gateway is its backends' GenAI client, so an attempt is the conventions' client operation.
        out.family("gen_ai.client.operation.duration", HISTOGRAM, "s", "Time from sending a request to a backend to the end of its reply.");
        live.forEach(g -> out.histogram(of(g.backend()).duration, "backend", g.backend()));
        gauge(out, live, "gateway.backend.in_flight", "{request}", "Requests each backend is serving now.", g -> g.inFlight());
        gauge(out, live, "gateway.backend.slots", "{request}", "Requests each backend serves at once (0: no limit).", g -> g.slots());
        gauge(out, live, "gateway.backend.healthy", "{backend}", "1 when the health checks find the backend up.", g -> g.healthy() ? 1 : 0);
        gauge(out, live, "gateway.backend.ejected", "{backend}", "1 while the backend is ejected after failures in a row.",
                g -> g.ejected() ? 1 : 0);
        gauge(out, live, "gateway.backend.cooling_down", "{backend}", "1 while the backend rests after a 429 or 503 with Retry-After.",
                g -> g.coolingDown() ? 1 : 0);
        out.family("gateway.backend.prompt_tokens", COUNTER, "{token}", "Prompt tokens sent to each backend, as it counted them.");
        live.forEach(g -> out.sample(of(g.backend()).promptTokens.sum(), "backend", g.backend()));
        out.family("gateway.backend.cached_tokens", COUNTER, "{token}",
                "Prompt tokens each backend found in its cache and did not compute again.");
        live.forEach(g -> out.sample(of(g.backend()).cachedTokens.sum(), "backend", g.backend()));
        out.family("gateway.route.decisions", COUNTER, "{decision}", "Backends chosen, by policy and reason "
                + "(least_loaded, round_robin, affinity, spill, miss, session, failover, fallback, fail_open).");
        new TreeMap<>(decisions).forEach((policy, reasons) -> new TreeMap<>(reasons).forEach((reason, n) ->
                out.sample(n.sum(), "policy", policy, "reason", reason)));
        out.family("gateway.queue.depth", GAUGE, "{request}", "Requests waiting for a backend's free slot.");
        out.sample(queueDepth.getAsInt());
        out.family("gateway.queue.wait", HISTOGRAM, "s", "Time requests waited for a backend's free slot.");
        out.histogram(queueWait);
        out.family("gateway.queue.refused", COUNTER, "{request}", "Requests that got no slot: full, timeout, client_left.");
        new TreeMap<>(queueRefusals).forEach((reason, n) -> out.sample(n.sum(), "reason", reason));
    }

    /** A gauge with one point per backend, in the router's order. */
    private static void gauge(MetricWriter out, List<Gauge> live, String name, String unit, String help, ToIntFunction<Gauge> value) {
        out.family(name, GAUGE, unit, help);
        live.forEach(g -> out.sample(value.applyAsInt(g), "backend", g.backend()));
    }

    private PerBackend of(String backend) {
        return backends.computeIfAbsent(backend, b -> new PerBackend());
    }
}
