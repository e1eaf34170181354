package gateway.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.json.Json;
import gateway.json.JsonObject;
import gateway.observe.RequestSummary;
import gateway.openai.ModelRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The spans a finished request becomes: names, parents, times and the GenAI attributes. */
class RequestSpansTest {
    static final TraceContext CLIENT = TraceContext.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "v=1");
    static final Instant ARRIVAL = Instant.ofEpochSecond(1_800_000_000L, 5);
    static final long ORIGIN = 1_000_000_000L; // the request's arrival on the nanoTime clock
    static final String BODY = "{\"model\":\"m\",\"max_tokens\":50,\"temperature\":0.5,\"top_p\":1,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"secret prompt\"}]}";

    static RequestTrace trace(boolean captureContent) {
        var trace = new RequestTrace(CLIENT.child(true), true, captureContent, ORIGIN,
                ARRIVAL.getEpochSecond() * 1_000_000_000L + ARRIVAL.getNano());
        trace.request(ModelRequest.parse(BODY.getBytes(StandardCharsets.UTF_8), "req-1", "", new ModelRequest.Limits(100, 10)));
        trace.reply((JsonObject) Json.parse("{\"model\":\"m-2024\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"secret answer\"},\"finish_reason\":\"stop\"}]}"));
        return trace;
    }

    static RequestSummary summary(int status, String outcome, String errorCode, long firstFrameNanos) {
        return new RequestSummary(ARRIVAL, "req-1", "t", "s", "POST", "/v1/chat/completions", "POST /v1/chat/completions",
                status, 9_000_000, firstFrameNanos, 6_000_000, "m", firstFrameNanos >= 0, "gpu1", 2, 0, 12, 34, -1, false,
                "team-a", "127.0.0.1", outcome, errorCode);
    }

    static Span server(List<Span> spans) {
        return spans.stream().filter(s -> s.kind() == Span.Kind.SERVER).findFirst().orElseThrow();
    }

    @Test
    void theServerSpanContinuesTheClientsTraceWithTheGenAiAttributes() {
        var trace = trace(false);
        List<Span> spans = new RequestSpans(summary(200, "ok", null, -1), trace, new Telemetry.Server("127.0.0.1", 8080)).spans();
        Span server = server(spans);
        assertEquals(1, spans.size());
        assertEquals(CLIENT.traceId(), server.traceId());
        assertEquals(CLIENT.spanIdHex(), server.parentSpanId());
        assertEquals(trace.span().spanIdHex(), server.spanId());
        assertEquals("v=1", server.traceState());
        assertEquals("chat m", server.name());
        long start = 1_800_000_000L * 1_000_000_000L + 5;
        assertEquals(start, server.startNanos());
        assertEquals(start + 9_000_000, server.endNanos());
        var a = server.attributes();
        assertEquals("chat", a.get("gen_ai.operation.name"));
        assertEquals("m", a.get("gen_ai.request.model"));
        assertEquals("m-2024", a.get("gen_ai.response.model"));
        assertEquals(50L, a.get("gen_ai.request.max_tokens"));
        assertEquals(0.5, a.get("gen_ai.request.temperature"));
        assertEquals(1.0, a.get("gen_ai.request.top_p"));
        assertEquals(List.of("stop"), a.get("gen_ai.response.finish_reasons"));
        assertEquals(12L, a.get("gen_ai.usage.input_tokens"));
        assertEquals(34L, a.get("gen_ai.usage.output_tokens"));
        assertEquals(200, a.get("http.response.status_code"));
        assertEquals("/v1/chat/completions", a.get("http.route"));
        assertEquals(8080, a.get("server.port"));
        assertEquals("req-1", a.get("gateway.request_id"));
        assertEquals("team-a", a.get("gateway.api_key.name"), "the key's name, never the key");
        assertEquals("gpu1", a.get("gateway.backend"));
        assertEquals(2, a.get("gateway.attempts"));
        assertNull(a.get("error.type"));
        assertNull(server.error());
        assertFalse(a.containsKey("gen_ai.input.messages"), "no prompt text unless asked for");
        assertFalse(a.containsKey("gen_ai.output.messages"));
        assertTrue(server.events().isEmpty());
    }

    @Test
    void contentIsRecordedOnlyWhenAskedFor() {
        var a = server(new RequestSpans(summary(200, "ok", null, -1), trace(true), new Telemetry.Server("h", 1)).spans()).attributes();
        assertTrue(((String) a.get("gen_ai.input.messages")).contains("secret prompt"));
        assertTrue(((String) a.get("gen_ai.output.messages")).contains("secret answer"));
    }

    @Test
    void aStreamHasAFirstTokenEvent() {
        Span server = server(new RequestSpans(summary(200, "ok", null, 2_000_000), trace(false), new Telemetry.Server("h", 1)).spans());
        assertEquals(1, server.events().size());
        assertEquals("gen_ai.first_token", server.events().getFirst().name());
        assertEquals(server.startNanos() + 2_000_000, server.events().getFirst().timeNanos());
        assertEquals(true, server.attributes().get("gateway.stream"));
    }

    @Test
    void eachAttemptAndEachWaitIsAChildSpan() {
        var trace = trace(false);
        trace.queued(0); // a wait that ends now, recorded with its end
        TraceContext first = trace.span().child();
        TraceContext second = trace.span().child();
        trace.attempted(new BackendAttempt(first, "gpu1", "openai", URI.create("http://10.0.0.1:8000"), ORIGIN + 1_000_000,
                ORIGIN + 2_000_000, "backend_unavailable"));
        trace.attempted(new BackendAttempt(second, "gpu2", "openai", URI.create("https://gpu2.example"), ORIGIN + 2_000_000,
                ORIGIN + 8_000_000, null));
        List<Span> spans = new RequestSpans(summary(200, "ok", null, -1), trace, new Telemetry.Server("h", 1)).spans();
        assertEquals(4, spans.size());
        assertEquals(4, new RequestSpans(summary(200, "ok", null, -1), trace, new Telemetry.Server("h", 1)).spanCount());
        String parent = trace.span().spanIdHex();
        Span queue = spans.get(1);
        assertEquals("queue", queue.name());
        assertEquals(Span.Kind.INTERNAL, queue.kind());
        assertEquals(parent, queue.parentSpanId());
        Span failed = spans.get(2);
        Span answered = spans.get(3);
        for (Span attempt : List.of(failed, answered)) {
            assertEquals(Span.Kind.CLIENT, attempt.kind());
            assertEquals(parent, attempt.parentSpanId());
            assertEquals("chat m", attempt.name());
        }
        assertEquals(first.spanIdHex(), failed.spanId(), "the id the backend was sent");
        assertEquals("backend_unavailable", failed.error());
        assertEquals("10.0.0.1", failed.attributes().get("server.address"));
        assertEquals(8000, failed.attributes().get("server.port"));
        assertEquals(server(spans).startNanos() + 1_000_000, failed.startNanos());
        assertEquals(server(spans).startNanos() + 2_000_000, failed.endNanos());
        assertNull(answered.error());
        assertEquals(443, answered.attributes().get("server.port"));
        assertEquals("gpu2", answered.attributes().get("gateway.backend"));
    }

    @Test
    void aServerSpanIsAnErrorOnlyForTheGatewaysOwnFailures() {
        Span bad = server(new RequestSpans(summary(502, "backend_error", "backend_unavailable", -1), trace(false),
                new Telemetry.Server("h", 1)).spans());
        assertEquals("backend_unavailable", bad.error());
        assertEquals("backend_unavailable", bad.attributes().get("error.type"));
        Span refused = server(new RequestSpans(summary(400, "invalid_request", "invalid_messages", -1), trace(false),
                new Telemetry.Server("h", 1)).spans());
        assertNull(refused.error(), "a client's mistake is not the server's error");
        assertEquals("invalid_messages", refused.attributes().get("error.type"));
    }

    @Test
    void otherRoutesAreNamedByTheirRoute() {
        var summary = new RequestSummary(ARRIVAL, "r", "t", "s", "GET", "/v1/models", "GET /v1/models", 200, 1, -1, 0, null,
                false, null, 0, 0, -1, -1, -1, false, null, "127.0.0.1", "ok", null);
        Span span = server(new RequestSpans(summary, new RequestTrace(CLIENT.child(), true, false, ORIGIN, 0),
                new Telemetry.Server("h", 1)).spans());
        assertEquals("GET /v1/models", span.name());
        assertFalse(span.attributes().containsKey("gen_ai.operation.name"));
    }
}
