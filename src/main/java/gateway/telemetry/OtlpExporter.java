package gateway.telemetry;

import gateway.config.TelemetrySettings;
import gateway.json.JsonArray;
import gateway.json.JsonObject;
import gateway.observe.ExportCounters;
import gateway.observe.ExportCounters.Signal;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Exports spans and metrics to an OpenTelemetry collector over OTLP/HTTP with JSON bodies.
 *
 * <pre>
 *  request threads --offer--> SpanQueue --batch--> otlp-exporter thread --POST--> /v1/traces
 *                                   metrics supplier, every interval --POST--> /v1/metrics
 * </pre>
 *
 * <p>Threading: {@link #offer} is called on request threads and only adds to a bounded
 * queue; it never waits for the collector and never throws. Everything else (building
 * spans, encoding, posting, retrying) happens on one thread, {@code otlp-exporter}, which
 * sends a batch when {@code batchSize} spans wait or the oldest has waited {@code scheduleDelay}.
 * A collector that is slow or down makes the queue fill, and then spans are dropped; each
 * outcome is counted in {@link ExportCounters}, nothing is logged.
 */
public final class OtlpExporter implements AutoCloseable {
    /** How long {@link #close(Duration)} waits for the thread to stop after interrupting it at its deadline. */
    private static final Duration STOP_GRACE = Duration.ofMillis(100);
    /** Longer close bounds are cut to this, which keeps the deadline arithmetic in range. */
    private static final Duration MAX_CLOSE = Duration.ofDays(1);
    /** The size of one piece of an export's body, well below G1's humongous objects (half a region). */
    private static final int PIECE_CHARS = 32 * 1024;

    private final TelemetrySettings settings;
    private final Supplier<JsonArray> metrics;
    private final ExportCounters counters;
    private final JsonObject resource;
    /** Every traces export begins with the resource and scope: written once. */
    private final String tracesPrefix;
    /**
     * A traces export's text, turned into bytes piece by piece. A whole export (512 spans
     * of some 1.5 KB) in one array is a humongous object to G1 at a small heap: measured, it
     * caused most of the collections while every request was traced.
     */
    private final StringBuilder text = new StringBuilder(2 * PIECE_CHARS);
    private final SpanQueue queue;
    private final OtlpClient client;
    private final HttpRequest.Builder tracesRequest;
    private final HttpRequest.Builder metricsRequest;
    private final Shutdown shutdown = new Shutdown();
    private final Thread sender;

    /**
     * Starts the exporter's thread. Spans go to {@code settings.tracesUrl()} and metrics to
     * {@code settings.metricsUrl()}; either may be {@code null}, and that signal is not sent.
     *
     * @param metrics the metrics to push, as OTLP {@code Metric} objects; called on the exporter's thread
     */
    public OtlpExporter(TelemetrySettings settings, Supplier<JsonArray> metrics, ExportCounters counters) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.counters = Objects.requireNonNull(counters, "counters");
        this.resource = OtlpJson.resource(settings);
        this.tracesPrefix = OtlpJson.tracesPrefix(resource);
        this.queue = new SpanQueue(settings.queueSize(), settings.batchSize(), settings.scheduleDelay().toNanos());
        this.tracesRequest = settings.tracesUrl() == null ? null
                : OtlpClient.request(settings.tracesUrl(), settings.tracesHeaders());
        this.metricsRequest = settings.metricsUrl() == null ? null
                : OtlpClient.request(settings.metricsUrl(), settings.metricsHeaders());
        this.client = new OtlpClient(settings.exportTimeout(), counters, shutdown);
        // A platform thread: one long-lived thread is what they are for; it is a daemon so
        // that a gateway that forgets to close it can still exit.
        this.sender = Thread.ofPlatform().name("otlp-exporter").daemon().start(this::run);
    }

    /**
     * Queues a request's spans for export; they are built later, on the exporter's thread.
     * Cheap, never blocks on the collector and never throws. When the queue already holds
     * {@code queueSize} spans, or the exporter is closed, the spans are dropped and counted.
     * Without a traces endpoint it does nothing (and counts nothing: there is nowhere to send).
     *
     * @return true when queued
     */
    public boolean offer(SpanSource request) {
        if (tracesRequest == null || request == null) {
            return false;
        }
        int count;
        try {
            count = Math.max(request.spanCount(), 0);
        } catch (RuntimeException e) {
            counters.dropped(Signal.TRACES, 1); // a source that cannot count is broken: counted as one span
            return false;
        }
        if (queue.offer(request, count)) {
            return true;
        }
        counters.dropped(Signal.TRACES, count);
        return false;
    }

    /** {@link #close(Duration)} within the export timeout. */
    @Override
    public void close() {
        close(settings.exportTimeout());
    }

    /**
     * Stops accepting spans, sends those queued and a last metrics export, and stops the
     * thread, all within {@code within}; what cannot be sent by then is dropped and counted.
     * At the deadline the thread is interrupted, which cuts an export in progress short; then
     * this waits a moment more for it to end. Calling it again only waits again.
     */
    public void close(Duration within) {
        Duration bound = within.isNegative() ? Duration.ZERO : within.compareTo(MAX_CLOSE) > 0 ? MAX_CLOSE : within;
        long deadline = System.nanoTime() + bound.toNanos();
        if (shutdown.begin(deadline)) {
            queue.close(); // wakes the thread if it waits for a batch; begin() woke it from a retry's wait
        }
        try {
            if (!sender.join(Duration.ofNanos(Math.max(deadline - System.nanoTime(), 0)))) {
                sender.interrupt();
                sender.join(STOP_GRACE);
            }
        } catch (InterruptedException e) {
            sender.interrupt();
            Thread.currentThread().interrupt();
        }
    }

    /** The exporter's thread: batches and metrics until closed, then the last of both. */
    private void run() {
        long intervalNanos = settings.metricInterval().toNanos();
        long nextMetrics = System.nanoTime() + intervalNanos;
        try {
            while (!shutdown.begun()) {
                exportSpans(queue.awaitBatch(nextMetrics));
                if (System.nanoTime() - nextMetrics >= 0) {
                    exportMetrics();
                    nextMetrics = System.nanoTime() + intervalNanos;
                }
            }
            for (var batch = queue.take(); !batch.isEmpty(); batch = queue.take()) {
                exportSpans(batch);
            }
            exportMetrics();
        } catch (InterruptedException e) {
            // close() ran out of time: whatever is still queued is dropped below
        } finally {
            counters.dropped(Signal.TRACES, queue.clear());
            client.close();
        }
    }

    /**
     * Builds and sends one batch, written span by span into one body. A request whose spans
     * cannot be built is dropped alone; a source that gives more spans than it announced is
     * sent in several exports.
     */
    private void exportSpans(List<SpanQueue.Queued> batch) throws InterruptedException {
        var body = new ArrayList<byte[]>();
        text.setLength(0);
        text.append(tracesPrefix);
        int count = 0;
        for (SpanQueue.Queued queued : batch) {
            List<Span> spans;
            try {
                spans = queued.source().spans();
            } catch (RuntimeException e) {
                counters.dropped(Signal.TRACES, queued.spans());
                continue;
            }
            for (Span span : spans) {
                if (count == settings.batchSize()) {
                    sendSpans(body, count);
                    body = new ArrayList<>();
                    text.append(tracesPrefix);
                    count = 0;
                }
                if (count > 0) {
                    text.append(',');
                }
                OtlpJson.writeSpan(text, span);
                count++;
                if (text.length() >= PIECE_CHARS) {
                    body.add(bytesOfText());
                }
            }
        }
        if (count > 0) {
            sendSpans(body, count);
        }
    }

    private void sendSpans(List<byte[]> body, int count) throws InterruptedException {
        text.append(OtlpJson.TRACES_SUFFIX);
        body.add(bytesOfText());
        client.export(Signal.TRACES, tracesRequest, body, count);
    }

    /** The text written so far, as UTF-8; the builder is emptied for the next piece. */
    private byte[] bytesOfText() {
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        text.setLength(0);
        return bytes;
    }

    private void exportMetrics() throws InterruptedException {
        if (metricsRequest == null) {
            return;
        }
        JsonArray current;
        try {
            current = metrics.get();
        } catch (RuntimeException e) {
            counters.failedExport(Signal.METRICS); // a bug in the supplier, shown as a failed export
            return;
        }
        if (current.size() > 0) {
            byte[] body = OtlpJson.metrics(resource, current).toJson().getBytes(StandardCharsets.UTF_8);
            client.export(Signal.METRICS, metricsRequest, List.of(body), OtlpJson.dataPoints(current));
        }
    }
}
