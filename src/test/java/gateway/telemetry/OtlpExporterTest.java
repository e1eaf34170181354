package gateway.telemetry;

import static gateway.observe.ExportCounters.Signal.METRICS;
import static gateway.observe.ExportCounters.Signal.TRACES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.config.Settings;
import gateway.config.TelemetrySettings;
import gateway.json.Json;
import gateway.json.JsonArray;
import gateway.json.JsonObject;
import gateway.observe.ExportCounters;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The exporter against a real receiver on loopback; every wait is on the receiver's monitor, never a sleep. */
class OtlpExporterTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    static final Supplier<JsonArray> NO_METRICS = JsonArray::of;

    final OtlpReceiver collector = OtlpReceiver.start();
    final ExportCounters counters = new ExportCounters();

    @AfterEach
    void stopCollector() {
        collector.close();
    }

    /** Settings for the receiver: a 10 ms schedule delay and metrics every 100 ms, as {@code more} may change. */
    TelemetrySettings settings(String... more) {
        var values = new HashMap<>(Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", collector.uri().toString(),
                "OTEL_BSP_SCHEDULE_DELAY", "10",
                "OTEL_METRIC_EXPORT_INTERVAL", "100",
                "OTEL_EXPORTER_OTLP_TIMEOUT", "5000"));
        for (int i = 0; i < more.length; i += 2) {
            values.put(more[i], more[i + 1]);
        }
        return Settings.from(values).telemetry();
    }

    static String hex(int bytes) {
        byte[] id = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(id);
        id[0] |= 1; // never all zero
        return HexFormat.of().formatHex(id);
    }

    static Span span(String traceId, String parentId, String name, Map<String, Object> attributes) {
        long start = System.currentTimeMillis() * 1_000_000;
        return new Span(traceId, hex(8), parentId, null, name, parentId == null ? Span.Kind.SERVER : Span.Kind.CLIENT,
                start, start + 1_000_000, attributes, List.of(), null);
    }

    static SpanSource source(Span... spans) {
        return new SpanSource() {
            public int spanCount() {
                return spans.length;
            }

            public List<Span> spans() {
                return List.of(spans);
            }
        };
    }

    static SpanSource oneSpan() {
        return source(span(hex(16), null, "POST /v1/chat/completions", Map.of()));
    }

    @Test
    void spansArriveValidWithTheirIdsAndAttributeTypes() {
        Span server = span(hex(16), null, "POST /v1/chat/completions", Map.of("http.response.status_code", 200));
        Span client = span(server.traceId(), server.spanId(), "chat gpt-4o",
                Map.of("gen_ai.request.model", "gpt-4o", "gen_ai.request.temperature", 0.5, "gen_ai.request.stream", true));
        var exporter = new OtlpExporter(settings(), NO_METRICS, counters);
        assertTrue(exporter.offer(source(server, client)));
        List<JsonObject> spans = collector.awaitSpans(2, WAIT);
        exporter.close();

        collector.assertNoProblems();
        assertEquals(server.spanId(), spans.get(0).string("spanId").orElseThrow());
        assertFalse(spans.get(0).has("parentSpanId"));
        assertEquals(server.traceId(), spans.get(1).string("traceId").orElseThrow());
        assertEquals(server.spanId(), spans.get(1).string("parentSpanId").orElseThrow());
        assertEquals("[{\"key\":\"http.response.status_code\",\"value\":{\"intValue\":\"200\"}}]",
                spans.get(0).get("attributes").toJson());
        assertTrue(spans.get(1).get("attributes").toJson().contains("{\"doubleValue\":0.5}"));
        assertEquals(2, counters.exported(TRACES));
        assertEquals(0, counters.dropped(TRACES) + counters.failedExports(TRACES));
    }

    @Test
    void theConfiguredHeadersAreSent() {
        var exporter = new OtlpExporter(settings("OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20s3cret,x-tenant=t1"),
                NO_METRICS, counters);
        exporter.offer(oneSpan());
        collector.awaitSpans(1, WAIT);
        exporter.close();
        OtlpReceiver.Received request = collector.requests().getFirst();
        assertEquals("Bearer s3cret", request.header("Authorization"));
        assertEquals("t1", request.header("X-Tenant"));
        assertEquals("application/json", request.header("Content-Type"));
        assertTrue(request.header("User-Agent").startsWith("gateway"), request.header("User-Agent"));
    }

    @Test
    void spansAreSentInBatchesOfTheBatchSize() {
        var exporter = new OtlpExporter(settings("OTEL_BSP_SCHEDULE_DELAY", "60000", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "3"),
                NO_METRICS, counters);
        for (int i = 0; i < 7; i++) {
            exporter.offer(oneSpan());
        }
        collector.awaitSpans(6, WAIT);
        assertEquals(2, collector.requests().size(), "two full batches; the seventh span waits for the delay");
        exporter.close();
        assertEquals(7, collector.spans().size(), "close sends the last one");
        assertEquals(3, collector.requests().size());
        assertEquals(7, counters.exported(TRACES));
    }

    @Test
    void aRequestWithMoreSpansThanABatchIsSentInSeveral() {
        var exporter = new OtlpExporter(settings("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "3"), NO_METRICS, counters);
        String trace = hex(16);
        exporter.offer(source(span(trace, null, "1", Map.of()), span(trace, null, "2", Map.of()), span(trace, null, "3", Map.of()),
                span(trace, null, "4", Map.of()), span(trace, null, "5", Map.of())));
        collector.awaitSpans(5, WAIT);
        exporter.close();
        assertEquals(List.of(3, 2), collector.requests().stream().map(r -> r.spans().size()).toList());
        assertEquals(5, counters.exported(TRACES));
    }

    @Test
    void metricsArePushedEveryIntervalAndOnceMoreAtClose() {
        JsonArray metrics = (JsonArray) Json.parse(OtlpShapesTest.METRICS);
        var exporter = new OtlpExporter(settings("OTEL_TRACES_EXPORTER", "none"), () -> metrics, counters);
        collector.awaitMetricExports(2, WAIT);
        exporter.close();
        collector.assertNoProblems();
        int exports = collector.metricExports().size();
        assertTrue(exports >= 3, exports + " exports");
        assertEquals(exports * 4L, counters.exported(METRICS), "4 data points each");
        JsonObject scopeMetrics = (JsonObject) ((JsonObject) collector.metricExports().getFirst()
                .array("resourceMetrics").orElseThrow().get(0)).array("scopeMetrics").orElseThrow().get(0);
        assertEquals(metrics, scopeMetrics.get("metrics"));
    }

    @Test
    void aRetryableRefusalIsRetriedAsRetryAfterSays() {
        collector.answer(503, "0", 2);
        var exporter = new OtlpExporter(settings(), NO_METRICS, counters);
        exporter.offer(oneSpan());
        collector.awaitSpans(1, WAIT);
        exporter.close();
        assertEquals(List.of(503, 503, 200), collector.requests().stream().map(OtlpReceiver.Received::status).toList());
        assertEquals(1, counters.exported(TRACES));
        assertEquals(2, counters.failedExports(TRACES));
        assertEquals(0, counters.dropped(TRACES));
    }

    @Test
    void aBadRequestIsDroppedNotRetried() {
        collector.answer(400, null, 1);
        var exporter = new OtlpExporter(settings(), NO_METRICS, counters);
        exporter.offer(source(span(hex(16), null, "a", Map.of()), span(hex(16), null, "b", Map.of())));
        collector.awaitRequests(1, WAIT);
        exporter.close();
        assertEquals(1, collector.requests().size());
        assertEquals(2, counters.dropped(TRACES));
        assertEquals(1, counters.failedExports(TRACES));
        assertEquals(0, counters.exported(TRACES));
    }

    @Test
    void aPartialSuccessCountsTheRejectedSpansAsDropped() {
        collector.rejectPartially(1);
        var exporter = new OtlpExporter(settings(), NO_METRICS, counters);
        exporter.offer(source(span(hex(16), null, "a", Map.of()), span(hex(16), null, "b", Map.of()),
                span(hex(16), null, "c", Map.of())));
        collector.awaitSpans(3, WAIT);
        exporter.close();
        assertEquals(2, counters.exported(TRACES));
        assertEquals(1, counters.dropped(TRACES));
        assertEquals(0, counters.failedExports(TRACES));
    }

    @Test
    void aHungCollectorNeverHoldsUpOffersAndCloseKeepsItsBound() {
        collector.hang();
        var exporter = new OtlpExporter(settings("OTEL_EXPORTER_OTLP_TIMEOUT", "60000",
                "OTEL_BSP_MAX_QUEUE_SIZE", "100", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "10"), NO_METRICS, counters);
        int queued = 0;
        for (int i = 0; i < 20_000; i++) {
            queued += exporter.offer(oneSpan()) ? 1 : 0;
        }
        assertEquals(20_000 - queued, counters.dropped(TRACES), "every span not queued is counted");
        assertTrue(queued <= 100 + 10, queued + " queued: the queue's 100 and at most one batch on its way");
        collector.awaitRequests(1, WAIT); // a batch hangs in the collector

        long start = System.nanoTime();
        exporter.close(Duration.ofMillis(300));
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMillis < 2_000, "close took " + tookMillis + " ms");
        assertEquals(20_000, counters.dropped(TRACES), "the hung batch and the queue are dropped too");
        assertEquals(0, counters.exported(TRACES));
    }

    @Test
    void aCollectorThatIsNotThereCountsFailuresAndDrops() throws IOException {
        int deadPort;
        try (var socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        var exporter = new OtlpExporter(settings("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + deadPort),
                NO_METRICS, counters);
        exporter.offer(oneSpan());
        exporter.close(Duration.ofMillis(300)); // too short to wait out a backoff: the first try is the last
        assertEquals(1, counters.failedExports(TRACES));
        assertEquals(1, counters.dropped(TRACES));
        assertEquals(0, counters.exported(TRACES));
    }

    @Test
    void closeSendsWhatIsQueuedAndTheLastMetrics() {
        JsonArray metrics = (JsonArray) Json.parse(OtlpShapesTest.METRICS);
        var exporter = new OtlpExporter(settings("OTEL_BSP_SCHEDULE_DELAY", "60000", "OTEL_METRIC_EXPORT_INTERVAL", "60000"),
                () -> metrics, counters);
        for (int i = 0; i < 5; i++) {
            exporter.offer(oneSpan());
        }
        assertEquals(0, collector.requests().size(), "nothing is due before a minute");
        exporter.close(WAIT);
        assertEquals(5, collector.spans().size());
        assertEquals(1, collector.metricExports().size());
        assertEquals(5, counters.exported(TRACES));
        collector.assertNoProblems();
    }

    @Test
    void anOfferAfterCloseIsDroppedAndCloseAgainIsHarmless() {
        var exporter = new OtlpExporter(settings(), NO_METRICS, counters);
        exporter.close();
        assertFalse(exporter.offer(source(span(hex(16), null, "a", Map.of()), span(hex(16), null, "b", Map.of()))));
        assertEquals(2, counters.dropped(TRACES));
        exporter.close();
        assertEquals(0, collector.requests().size());
    }

    @Test
    void aSourceWhoseSpansThrowIsDroppedAndTheExporterGoesOn() {
        var broken = new SpanSource() {
            public int spanCount() {
                return 2;
            }

            public List<Span> spans() {
                throw new IllegalStateException("a bug in the gateway");
            }
        };
        var exporter = new OtlpExporter(settings(), NO_METRICS, counters);
        exporter.offer(broken);
        exporter.offer(source(span(hex(16), null, "after the broken one", Map.of())));
        collector.awaitSpan(span -> span.string("name").orElseThrow().equals("after the broken one"), WAIT);
        exporter.close();
        assertEquals(2, counters.dropped(TRACES));
        assertEquals(1, counters.exported(TRACES));
    }

    @Test
    void withoutATracesEndpointOffersAreRefusedUncounted() {
        var exporter = new OtlpExporter(settings("OTEL_TRACES_EXPORTER", "none"), NO_METRICS, counters);
        assertFalse(exporter.offer(oneSpan()));
        exporter.close();
        assertEquals(0, counters.dropped(TRACES));
    }
}
