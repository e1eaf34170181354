package gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.config.Settings;
import gateway.json.Json;
import gateway.json.JsonObject;
import gateway.observe.Log;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** W3C Trace Context through the gateway: the client's trace continued to the backend, a span per hop, the ids in the answer and the log. */
class TraceContextGatewayTest {
    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String CLIENT_SPAN = "00f067aa0ba902b7";
    static final String HELLO = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String COMPLETION = "{\"id\":\"x\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}";

    final List<String> log = new CopyOnWriteArrayList<>();

    Gateway start(StubBackend backend) {
        return Gateway.start(Settings.from(Map.of("PORT", "0", "BACKEND_URL", backend.uri().toString())), new Log(log::add));
    }

    /** The request's log line, once written (just after the answer's last byte). */
    JsonObject logLine(String requestId) {
        Fleet.await("the log line", () -> log.stream().anyMatch(line -> line.contains("\"request_id\":\"" + requestId + "\"")));
        return log.stream().filter(line -> line.contains("\"request_id\":\"" + requestId + "\"")).map(line -> (JsonObject) Json.parse(line))
                .findFirst().orElseThrow();
    }

    @Test
    void theClientsTraceReachesTheBackendThroughASpanOfTheGateways() throws Exception {
        try (var backend = StubBackend.json(200, COMPLETION); var gateway = start(backend)) {
            var answer = TestHttp.post(BackendGatewayTest.chat(gateway), HELLO, "traceparent", "00-" + TRACE + "-" + CLIENT_SPAN + "-01",
                    "tracestate", "vendor=abc", "X-Request-ID", "traced-1");
            assertEquals(200, answer.statusCode());

            // The answer names the gateway's span: the trace continued, a span of its own.
            String[] response = answer.headers().firstValue("traceresponse").orElseThrow().split("-");
            assertEquals(TRACE, response[1]);
            String serverSpan = response[2];
            assertNotEquals(CLIENT_SPAN, serverSpan);
            assertEquals("01", response[3]);

            // The backend's call is a span below it, with the client's tracestate.
            List<String> sent = backend.takeTraceHeaders();
            String[] traceparent = sent.get(0).split("-");
            assertEquals(List.of("00", TRACE), List.of(traceparent[0], traceparent[1]));
            assertNotEquals(serverSpan, traceparent[2], "the attempt has its own span");
            assertNotEquals(CLIENT_SPAN, traceparent[2]);
            assertEquals("01", traceparent[3]);
            assertEquals("vendor=abc", sent.get(1));

            JsonObject line = logLine("traced-1");
            assertEquals(TRACE, line.string("trace_id").orElseThrow());
            assertEquals(serverSpan, line.string("span_id").orElseThrow());
        }
    }

    @Test
    void withoutATraceTheGatewayStartsOneAndTheBackendJoinsIt() throws Exception {
        try (var backend = StubBackend.json(200, COMPLETION); var gateway = start(backend)) {
            var answer = TestHttp.post(BackendGatewayTest.chat(gateway), HELLO, "traceparent", "00-not-a-trace-01",
                    "tracestate", "vendor=abc", "X-Request-ID", "traced-2");
            String[] response = answer.headers().firstValue("traceresponse").orElseThrow().split("-");
            assertTrue(response[1].matches("[0-9a-f]{32}"), response[1]);
            assertEquals("00", response[3], "nothing records the new trace yet: not sampled");

            List<String> sent = backend.takeTraceHeaders();
            assertEquals(response[1], sent.get(0).split("-")[1], "the backend joins the gateway's trace");
            assertNull(sent.get(1), "the tracestate of a broken traceparent is dropped with it");
            assertEquals(response[1], logLine("traced-2").string("trace_id").orElseThrow());
        }
    }

    @Test
    void everyAnswerCarriesItsTraceErrorsAndHealthIncluded() {
        try (var gateway = Gateway.start(Settings.from(Map.of("PORT", "0", "API_KEYS", "sk-x")), new Log(log::add))) {
            for (var answer : List.of(TestHttp.get(gateway.uri().resolve("/healthz")),
                    TestHttp.post(BackendGatewayTest.chat(gateway), HELLO, "traceparent", "00-" + TRACE + "-" + CLIENT_SPAN + "-00"))) {
                String traceresponse = answer.headers().firstValue("traceresponse").orElseThrow();
                assertTrue(traceresponse.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]"), traceresponse);
            }
            var refused = TestHttp.post(BackendGatewayTest.chat(gateway), HELLO, "traceparent", "00-" + TRACE + "-" + CLIENT_SPAN + "-00");
            assertEquals(401, refused.statusCode());
            assertTrue(refused.headers().firstValue("traceresponse").orElseThrow().startsWith("00-" + TRACE + "-"));
        }
    }
}
