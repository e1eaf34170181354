package gateway.observe;

import java.time.Instant;
import java.util.List;

/**
 * One fixed set of measurements that touches every series: requests whole and streamed,
 * failures, tokens, two backends (one up, one ejected and resting), routing decisions, the
 * queue and the OTLP exporter's counters. The golden Prometheus text and the OTLP tests
 * read the same figures.
 */
final class MetricsFixture {
    private MetricsFixture() {
    }

    static Metrics recorded() {
        var metrics = new Metrics();
        metrics.requestStarted();
        metrics.requestStarted();
        metrics.requestEnded();
        metrics.streamOpened();
        RoutingMetrics routing = metrics.routing();
        routing.observe(() -> List.of(new RoutingMetrics.Gauge("b1", 2, 4, true, false, false),
                new RoutingMetrics.Gauge("b2", 0, 0, false, true, true)), () -> 3);
        routing.attempt("b1", "ok", 120_000_000);
        routing.attempt("b1", "ok", 3_000_000_000L);
        routing.attempt("b1", "error", 5_000_000);
        routing.attempt("b2", "client_cancelled", 700_000_000);
        routing.decision("prefix", "affinity");
        routing.decision("prefix", "affinity");
        routing.decision("prefix", "spill");
        routing.decision("least-loaded", "fallback");
        routing.queueWait(250_000);
        routing.queueWait(30_000_000);
        routing.queueRefusal("full");
        metrics.export().exported(ExportCounters.Signal.TRACES, 12);
        metrics.export().dropped(ExportCounters.Signal.METRICS, 3);
        metrics.export().failedExport(ExportCounters.Signal.TRACES);
        metrics.record(chat(200, 5, -1, 2, "m", false, "b1", 10, 20, 4, false, "ok", null));
        metrics.record(chat(200, 1500, 300, 1400, "llama", true, "b1", 1000, 50, 512, false, "ok", null));
        metrics.record(chat(200, 80, 60, 70, "llama", true, "b1", 12, 1, 0, false, "ok", null));
        metrics.record(chat(200, 900, 100, 850, "m", true, "b1", 30, 9, -1, true, "client_cancelled", null));
        metrics.record(chat(502, 40, -1, 39, "m", false, "b2", -1, -1, -1, false, "backend_error", "backend_unavailable"));
        metrics.record(chat(429, 1, -1, 0, null, false, null, -1, -1, -1, false, "rate_limited", "rate_limit_exceeded"));
        metrics.record(new RequestSummary(Instant.EPOCH, "id", "trace", "span", "GET", "/metrics", "GET /metrics", 200, 1_000_000, -1, 0,
                null, false, null, 0, 0, -1, -1, -1, false, null, "127.0.0.1", "ok", null));
        return metrics;
    }

    /** A chat request that ended; times in milliseconds, -1 for a first frame: none. */
    static RequestSummary chat(int status, long latencyMs, long firstFrameMs, long backendWaitMs, String model, boolean stream,
            String backend, long prompt, long completion, long cached, boolean estimated, String outcome, String errorCode) {
        return new RequestSummary(Instant.EPOCH, "id", "trace", "span", "POST", "/v1/chat/completions", "POST /v1/chat/completions", status,
                latencyMs * 1_000_000, firstFrameMs < 0 ? -1 : firstFrameMs * 1_000_000, backendWaitMs * 1_000_000, model,
                stream, backend, backend == null ? 0 : 1, 0, prompt, completion, cached, estimated, null, "127.0.0.1",
                outcome, errorCode);
    }
}
