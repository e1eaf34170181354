package gateway.telemetry;

import gateway.config.TelemetrySettings;
import gateway.json.JsonArray;
import gateway.observe.ExportCounters;
import gateway.observe.RequestSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * The gateway's OpenTelemetry: every request gets a place in a trace (W3C Trace Context),
 * and, when OTEL_EXPORTER_OTLP_ENDPOINT says where, its spans and the metrics are exported
 * over OTLP by one background sender that a request never waits for.
 */
public final class Telemetry implements AutoCloseable {
    /** The gateway's own address, as its server spans give it. */
    record Server(String host, int port) {
    }

    private final TelemetrySettings settings;
    private final Sampler sampler;
    /** {@code null} when nothing is exported: then tracing costs a few random numbers per request. */
    private final OtlpExporter exporter;
    private volatile Server server = new Server("", 0);

    /**
     * @param metrics  the metrics as OTLP metric objects, read every OTEL_METRIC_EXPORT_INTERVAL
     * @param counters where the exporter counts what it sent and dropped
     */
    public Telemetry(TelemetrySettings settings, Supplier<JsonArray> metrics, ExportCounters counters) {
        this.settings = settings;
        this.sampler = new Sampler(settings.sampler(), settings.samplerRatio(), settings.tracesOn());
        boolean exports = settings.tracesUrl() != null || settings.metricsUrl() != null;
        this.exporter = exports ? new OtlpExporter(settings, metrics, counters) : null;
    }

    /** Where the gateway listens, once it does (PORT=0 is known only then). */
    public void listening(String host, int port) {
        server = new Server(host, port);
    }

    /**
     * A request's place in its trace: below the client's {@code traceparent} when it has a
     * valid one, else at the start of a new trace; recorded when the sampler says so and the
     * request is an API call (probes and pages would drown the traces an operator looks for).
     */
    public RequestTrace begin(String traceparent, String tracestate, String path, long originNanos, Instant arrival) {
        TraceContext span = sampler.serverSpan(TraceContext.parse(traceparent, tracestate));
        boolean recording = span.sampled() && settings.tracesOn() && traced(path);
        long epochNanos = arrival.getEpochSecond() * 1_000_000_000L + arrival.getNano();
        return new RequestTrace(span, recording, settings.captureContent(), originNanos, epochNanos);
    }

    static boolean traced(String path) {
        return path.startsWith("/v1/") || path.startsWith("/admin/") || path.startsWith("/me/");
    }

    /** A request ended: its spans are queued for export if it was recorded. Never blocks. */
    public void ended(RequestSummary summary, RequestTrace trace) {
        if (trace.recording()) {
            exporter.offer(new RequestSpans(summary, trace, server));
        }
    }

    /**
     * Sends what is queued and the metrics one last time, within {@code grace} and no longer
     * than one export may take (OTEL_EXPORTER_OTLP_TIMEOUT).
     */
    public void close(Duration grace) {
        if (exporter != null) {
            exporter.close(grace.compareTo(settings.exportTimeout()) < 0 ? grace : settings.exportTimeout());
        }
    }

    @Override
    public void close() {
        close(settings.exportTimeout());
    }
}
