package gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.config.Settings;
import gateway.config.SettingsException;
import gateway.json.JsonArray;
import gateway.json.JsonObject;
import gateway.json.JsonValue;
import gateway.mock.MockOptions;
import gateway.observe.Log;
import gateway.telemetry.OtlpReceiver;
import java.io.BufferedReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * OpenTelemetry end to end: a gateway in front of a mock backend exports to a real OTLP/HTTP
 * receiver ({@link OtlpReceiver}, which checks every body against the OTLP JSON shapes).
 */
class TelemetryGatewayTest {
    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String CLIENT_SPAN = "00f067aa0ba902b7";
    static final String SAMPLED = "00-" + TRACE + "-" + CLIENT_SPAN + "-01";
    static final Duration WAIT = Duration.ofSeconds(10);

    /** The OTLP settings that send each span at once, then {@code more}. */
    static String[] exportingTo(OtlpReceiver receiver, String... more) {
        var settings = new ArrayList<>(List.of("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.uri().toString(),
                "OTEL_BSP_SCHEDULE_DELAY", "0", "OTEL_METRIC_EXPORT_INTERVAL", "3600000"));
        settings.addAll(List.of(more));
        return settings.toArray(String[]::new);
    }

    /** An attribute's value as OTLP wrote it ({@code {"stringValue":…}} and so on), or null. */
    static JsonObject attribute(JsonObject span, String key) {
        for (JsonValue a : span.array("attributes").orElse(JsonArray.of()).values()) {
            if (((JsonObject) a).string("key").orElseThrow().equals(key)) {
                return ((JsonObject) a).object("value").orElseThrow();
            }
        }
        return null;
    }

    static String text(JsonObject span, String key) {
        JsonObject value = attribute(span, key);
        return value == null ? null : value.string("stringValue").orElse(value.string("intValue").orElse(null));
    }

    static JsonObject spanOf(OtlpReceiver receiver, String requestId) {
        return receiver.awaitSpan(s -> requestId.equals(text(s, "gateway.request_id")), WAIT);
    }

    static List<JsonObject> childrenOf(OtlpReceiver receiver, JsonObject parent, int n) {
        String id = parent.string("spanId").orElseThrow();
        for (int i = 0; i < n; i++) {
            int count = i + 1;
            receiver.awaitSpan(s -> id.equals(s.string("parentSpanId").orElse("")) && receiver.spans().stream()
                    .filter(o -> id.equals(o.string("parentSpanId").orElse(""))).count() >= count, WAIT);
        }
        return receiver.spans().stream().filter(s -> id.equals(s.string("parentSpanId").orElse(""))).toList();
    }

    @Test
    void aChatIsATraceThatContinuesTheClientsAndThatTheBackendJoins() {
        try (var receiver = OtlpReceiver.start();
             var fleet = Fleet.of(List.of(MockOptions.defaults()), exportingTo(receiver, "API_KEYS", "team-a:sk-team-a"))) {
            var answer = fleet.ask("mock-model", "hello", "traceparent", SAMPLED, "tracestate", "vendor=1",
                    "X-Request-ID", "traced-1", "Authorization", "Bearer sk-team-a");
            assertEquals(200, answer.statusCode());
            JsonObject server = spanOf(receiver, "traced-1");
            assertEquals(TRACE, server.string("traceId").orElseThrow());
            assertEquals(CLIENT_SPAN, server.string("parentSpanId").orElseThrow());
            assertEquals("vendor=1", server.string("traceState").orElseThrow());
            assertEquals("chat mock-model", server.string("name").orElseThrow());
            assertEquals(2, server.longValue("kind").orElseThrow(), "SERVER");
            assertEquals("00-" + TRACE + "-" + server.string("spanId").orElseThrow() + "-01",
                    answer.headers().firstValue("traceresponse").orElseThrow());
            assertEquals("chat", text(server, "gen_ai.operation.name"));
            assertEquals("mock-model", text(server, "gen_ai.request.model"));
            assertNotNull(text(server, "gen_ai.response.model"));
            assertNotNull(text(server, "gen_ai.usage.input_tokens"));
            assertNotNull(text(server, "gen_ai.usage.output_tokens"));
            assertEquals("200", text(server, "http.response.status_code"));
            assertEquals(Integer.toString(fleet.gateway.port()), text(server, "server.port"));
            assertEquals("team-a", text(server, "gateway.api_key.name"));
            assertFalse(server.toJson().contains("sk-team-a"), "never the key");
            assertFalse(server.toJson().contains("hello"), "no prompt text by default");

            JsonObject attempt = childrenOf(receiver, server, 1).getFirst();
            assertEquals(3, attempt.longValue("kind").orElseThrow(), "CLIENT");
            assertEquals("b1", text(attempt, "gateway.backend"));
            assertEquals(Integer.toString(fleet.mock(0).port()), text(attempt, "server.port"));
            assertEquals("00-" + TRACE + "-" + attempt.string("spanId").orElseThrow() + "-01",
                    fleet.mock(0).traceparents().getLast(), "the backend was sent the attempt's span: its own joins below it");

            JsonObject line = fleet.requestLines().stream().filter(l -> l.string("request_id").orElse("").equals("traced-1"))
                    .findFirst().orElseThrow();
            assertEquals(TRACE, line.string("trace_id").orElseThrow());
            assertEquals(server.string("spanId").orElseThrow(), line.string("span_id").orElseThrow());
            var resource = receiver.requests().getFirst().body().toJson();
            assertTrue(resource.contains("{\"key\":\"service.name\",\"value\":{\"stringValue\":\"gateway\"}}"), resource);
            receiver.assertNoProblems();
        }
    }

    @Test
    void aStreamsSpanEndsWithTheStreamAndMarksItsFirstToken() {
        try (var receiver = OtlpReceiver.start();
             var fleet = Fleet.of(List.of(MockOptions.defaults().withReply("one two three")), exportingTo(receiver))) {
            var answer = TestHttp.post(fleet.chat(), "{\"stream\":true,\"max_tokens\":64,\"temperature\":0.2,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "X-Request-ID", "streamed-1");
            assertEquals("[DONE]", TestHttp.dataLines(answer.body()).getLast());
            JsonObject server = spanOf(receiver, "streamed-1");
            JsonObject event = server.array("events").orElseThrow().values().stream().map(e -> (JsonObject) e)
                    .filter(e -> e.string("name").orElseThrow().equals("gen_ai.first_token")).findFirst().orElseThrow();
            long firstToken = Long.parseLong(event.string("timeUnixNano").orElseThrow());
            assertTrue(firstToken > Long.parseLong(server.string("startTimeUnixNano").orElseThrow()));
            assertTrue(firstToken <= Long.parseLong(server.string("endTimeUnixNano").orElseThrow()));
            assertEquals("true", attribute(server, "gateway.stream").get("boolValue").toJson());
            assertEquals("64", text(server, "gen_ai.request.max_tokens"));
            assertEquals("0.2", attribute(server, "gen_ai.request.temperature").get("doubleValue").toJson());
            assertEquals("[{\"stringValue\":\"stop\"}]",
                    attribute(server, "gen_ai.response.finish_reasons").object("arrayValue").orElseThrow().get("values").toJson());
            receiver.assertNoProblems();
        }
    }

    @Test
    void theSamplerDecidesWhichTracesAreRecorded() {
        try (var receiver = OtlpReceiver.start();
             var fleet = Fleet.of(List.of(MockOptions.defaults()), exportingTo(receiver, "OTEL_TRACES_SAMPLER", "parentbased_always_off"))) {
            var unsampled = fleet.ask(null, "a", "X-Request-ID", "not-recorded");
            String unsampledTrace = unsampled.headers().firstValue("traceresponse").orElseThrow();
            assertTrue(unsampledTrace.endsWith("-00"), unsampledTrace);
            assertTrue(fleet.mock(0).traceparents().getLast().endsWith("-00"), "the backend is told not to record either");
            fleet.ask(null, "b", "X-Request-ID", "recorded", "traceparent", SAMPLED);
            spanOf(receiver, "recorded");
            // Spans leave in the order requests end: the first request's would have come first.
            assertTrue(receiver.spans().stream().noneMatch(s -> unsampledTrace.contains(s.string("traceId").orElseThrow())));
        }
    }

    @Test
    void promptAndCompletionTextOnlyWhenTheOperatorOptsIn() {
        try (var receiver = OtlpReceiver.start();
             var fleet = Fleet.of(List.of(MockOptions.defaults().withReply("the answer")),
                     exportingTo(receiver, "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "true"))) {
            fleet.ask(null, "the question", "X-Request-ID", "captured");
            JsonObject server = spanOf(receiver, "captured");
            assertTrue(text(server, "gen_ai.input.messages").contains("the question"));
            assertTrue(text(server, "gen_ai.output.messages").contains("the answer"));
        }
    }

    @Test
    void theExportCarriesTheOperatorsHeadersAndTheMetricsComeEveryInterval() {
        try (var receiver = OtlpReceiver.start();
             var fleet = Fleet.of(List.of(MockOptions.defaults()), exportingTo(receiver,
                     "OTEL_EXPORTER_OTLP_HEADERS", "Authorization=Bearer%20collector-token", "OTEL_METRIC_EXPORT_INTERVAL", "100"))) {
            fleet.ask(null, "hi", "X-Request-ID", "with-headers");
            spanOf(receiver, "with-headers");
            List<JsonObject> exports = receiver.awaitMetricExports(2, WAIT);
            String names = exports.getLast().toJson();
            for (String name : List.of("gen_ai.server.request.duration", "gen_ai.client.token.usage",
                    "gen_ai.client.operation.duration", "gateway.requests", "gateway.overhead")) {
                assertTrue(names.contains("\"name\":\"" + name + "\""), name + " in " + names);
            }
            assertTrue(receiver.requests().stream().allMatch(r -> "Bearer collector-token".equals(r.header("Authorization"))));
            assertFalse(fleet.log.toString().contains("collector-token"), "never logged");
            receiver.assertNoProblems();
        }
    }

    @Test
    void aFailedAttemptAndTheOneThatAnsweredAreEachASpan() {
        try (var receiver = OtlpReceiver.start();
             var fleet = Fleet.of(List.of(MockOptions.defaults(), MockOptions.defaults()),
                     exportingTo(receiver, "ROUTING", "round-robin"))) {
            assertEquals(200, fleet.ask(null, "hi").statusCode(), "both checked and serving");
            int closedPort = fleet.mock(0).port();
            fleet.mock(0).close();
            JsonObject retried = null;
            for (int i = 0; i < 10 && retried == null; i++) { // round robin: the closed port comes first every other time
                assertEquals(200, fleet.ask(null, "hi", "X-Request-ID", "failover-" + i).statusCode());
                JsonObject server = spanOf(receiver, "failover-" + i);
                retried = "2".equals(text(server, "gateway.attempts")) ? server : null;
            }
            assertNotNull(retried, "a request went to the closed port first");
            List<JsonObject> attempts = childrenOf(receiver, retried, 2);
            JsonObject failed = attempts.stream().filter(a -> "b1".equals(text(a, "gateway.backend"))).findFirst().orElseThrow();
            assertEquals("backend_unavailable", text(failed, "error.type"));
            assertEquals(2, failed.object("status").orElseThrow().longValue("code").orElseThrow(), "ERROR");
            assertEquals(Integer.toString(closedPort), text(failed, "server.port"));
            JsonObject answered = attempts.stream().filter(a -> "b2".equals(text(a, "gateway.backend"))).findFirst().orElseThrow();
            assertNull(attribute(answered, "error.type"));
            assertTrue(Long.parseLong(failed.string("endTimeUnixNano").orElseThrow())
                    <= Long.parseLong(answered.string("startTimeUnixNano").orElseThrow()), "one after the other");
            receiver.assertNoProblems();
        }
    }

    @Test
    void theTimeQueuedIsASpanOfItsOwn() throws Exception {
        try (var receiver = OtlpReceiver.start();
             var stub = StubBackend.events(QueueTest.FRAME, StubBackend.WAIT, QueueTest.DONE).healthy();
             var fleet = Fleet.over(List.of(stub.uri()), exportingTo(receiver, "BACKEND_B1_SLOTS", "1"))) {
            BufferedReader first = QueueTest.holdTheSlot(fleet);
            var second = QueueTest.later(fleet, QueueTest.stream("second"), "X-Request-ID", "queued");
            Fleet.await("the second request queued", () -> fleet.queueDepth() == 1);
            stub.release();
            stub.release();
            while (TestHttp.nextData(first) != null) {
                // read to the end
            }
            assertEquals(200, second.get(10, TimeUnit.SECONDS).statusCode());
            JsonObject server = spanOf(receiver, "queued");
            List<JsonObject> children = childrenOf(receiver, server, 2);
            JsonObject queue = children.stream().filter(c -> c.string("name").orElseThrow().equals("queue")).findFirst().orElseThrow();
            JsonObject attempt = children.stream().filter(c -> c.longValue("kind").orElseThrow() == 3).findFirst().orElseThrow();
            assertTrue(Long.parseLong(queue.string("endTimeUnixNano").orElseThrow())
                    <= Long.parseLong(attempt.string("startTimeUnixNano").orElseThrow()), "the attempt starts once the wait is over");
            receiver.assertNoProblems();
        }
    }

    @Test
    void aCollectorThatNeverAnswersCostsRequestsNothingAndItsDropsAreCounted() {
        try (var receiver = OtlpReceiver.start()) {
            receiver.hang();
            try (var fleet = Fleet.of(List.of(MockOptions.defaults()), exportingTo(receiver, "OTEL_BSP_MAX_QUEUE_SIZE", "4",
                    "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "1", "OTEL_EXPORTER_OTLP_TIMEOUT", "300", "SHUTDOWN_GRACE_SECONDS", "1"))) {
                for (int i = 0; i < 30; i++) {
                    assertEquals(200, fleet.ask(null, "hi").statusCode());
                }
                String prometheus = TestHttp.get(fleet.gateway.uri().resolve("/metrics?format=prometheus")).body();
                long dropped = prometheus.lines().filter(l -> l.startsWith("gateway_otlp_dropped_total{signal=\"traces\"}"))
                        .mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1))).sum();
                // 60 spans (a server span and an attempt each), a queue of 4, one batch stuck in the air.
                assertTrue(dropped >= 50, "dropped " + dropped + "\n" + prometheus);
            }
        }
    }

    @Test
    void anExportHeaderTheJdkWillNotSendStopsTheStartWithoutShowingItsValue() {
        var failure = assertThrows(SettingsException.class, () -> Gateway.start(Settings.from(Map.of("PORT", "0",
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9", "OTEL_EXPORTER_OTLP_HEADERS", "Host=secret-host")),
                new Log(line -> { })));
        assertTrue(failure.getMessage().startsWith("OTEL_EXPORTER_OTLP_HEADERS: the header Host cannot be sent"), failure.getMessage());
        assertFalse(failure.getMessage().contains("secret-host"));
    }

    @Test
    void whatIsQueuedLeavesAtShutdown() {
        try (var receiver = OtlpReceiver.start()) {
            try (var gateway = Gateway.start(Settings.from(Map.of("PORT", "0",
                    "OTEL_EXPORTER_OTLP_ENDPOINT", receiver.uri().toString(), "OTEL_BSP_SCHEDULE_DELAY", "3600000")),
                    new Log(line -> { }))) {
                var answer = TestHttp.post(BackendGatewayTest.chat(gateway), "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                        "X-Request-ID", "echoed");
                assertEquals(200, answer.statusCode());
            }
            // Closed: the span waited for a batch that never filled, and went out at shutdown.
            assertEquals(1, receiver.spans().size());
            JsonObject server = receiver.spans().getFirst();
            assertEquals("echoed", text(server, "gateway.request_id"));
            assertEquals("gateway", text(server, "gen_ai.provider.name"), "echo mode answers by itself");
            assertEquals(1, receiver.metricExports().size(), "and the metrics once more");
            receiver.assertNoProblems();
        }
    }
}
