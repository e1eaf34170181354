package gateway;

import static gateway.TestHttp.errorCode;
import static gateway.TestHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.config.Settings;
import gateway.json.JsonObject;
import gateway.observe.Log;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The gateway in echo mode, end to end over HTTP. */
class EchoGatewayTest {
    static final List<String> logLines = new CopyOnWriteArrayList<>();
    static Gateway gateway;

    @BeforeAll
    static void start() {
        var settings = Settings.from(Map.of("PORT", "0", "ECHO_TOKEN_DELAY_MS", "0", "MAX_BODY_BYTES", "1000"));
        gateway = Gateway.start(settings, new Log(logLines::add));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    static URI at(String path) {
        return gateway.uri().resolve(path);
    }

    static final String HELLO = """
            {"model": "demo", "messages": [
              {"role": "system", "content": "Be brief."},
              {"role": "user", "content": "hello world"}]}""";

    @Test
    void answersWithAnEchoCompletion() {
        HttpResponse<String> response = TestHttp.post(at("/v1/chat/completions"), HELLO, "X-Request-ID", "req-1");
        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
        JsonObject body = json(response);
        assertEquals("req-1", body.string("id").orElseThrow());
        assertEquals("chat.completion", body.string("object").orElseThrow());
        assertEquals("demo", body.string("model").orElseThrow());
        assertTrue(body.longValue("created").orElseThrow() > 1_700_000_000L);
        JsonObject choice = (JsonObject) body.array("choices").orElseThrow().get(0);
        assertEquals("{\"role\":\"assistant\",\"content\":\"Echo: hello world\"}", choice.get("message").toJson());
        assertEquals("stop", choice.string("finish_reason").orElseThrow());
        // Words: "Be brief." + "hello world" = 4 prompt tokens; "Echo: hello world" = 3.
        assertEquals("{\"prompt_tokens\":4,\"completion_tokens\":3,\"total_tokens\":7}", body.get("usage").toJson());
    }

    @Test
    void requestIdComesFromTheClientOrIsMade() {
        var kept = TestHttp.post(at("/v1/chat/completions"), HELLO, "X-Request-ID", "abc-123");
        assertEquals("abc-123", kept.headers().firstValue("X-Request-ID").orElseThrow());

        var alternative = TestHttp.post(at("/v1/chat/completions"), HELLO, "Request-Id", "alt-9");
        assertEquals("alt-9", json(alternative).string("id").orElseThrow());

        var made = TestHttp.post(at("/v1/chat/completions"), HELLO);
        String id = made.headers().firstValue("X-Request-ID").orElseThrow();
        assertTrue(id.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), id);
        assertEquals(id, json(made).string("id").orElseThrow());

        var tooLong = TestHttp.post(at("/v1/chat/completions"), HELLO, "X-Request-ID", "x".repeat(129));
        assertNotEquals("x".repeat(129), tooLong.headers().firstValue("X-Request-ID").orElseThrow());
    }

    @Test
    void streamsWordByWordThenDone() {
        String body = """
                {"stream": true, "messages": [{"role": "user", "content": "one two three"}]}""";
        HttpResponse<String> response = TestHttp.post(at("/v1/chat/completions"), body, "X-Request-ID", "s-1");
        assertEquals(200, response.statusCode());
        assertEquals("text/event-stream; charset=utf-8", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("no-cache", response.headers().firstValue("Cache-Control").orElseThrow());
        assertEquals("no", response.headers().firstValue("X-Accel-Buffering").orElseThrow());
        assertEquals("s-1", response.headers().firstValue("X-Request-ID").orElseThrow());

        List<String> data = TestHttp.dataLines(response.body());
        assertEquals("[DONE]", data.getLast());
        List<JsonObject> chunks = data.subList(0, data.size() - 1).stream().map(TestHttp::json).toList();
        var text = new StringBuilder();
        for (JsonObject chunk : chunks) {
            assertEquals("s-1", chunk.string("id").orElseThrow(), "every chunk carries the request id");
            assertEquals("chat.completion.chunk", chunk.string("object").orElseThrow());
            JsonObject choice = (JsonObject) chunk.array("choices").orElseThrow().get(0);
            choice.object("delta").orElseThrow().string("content").ifPresent(text::append);
        }
        assertEquals("Echo: one two three", text.toString());
        assertEquals(List.of("", "Echo:", " one", " two", " three"), chunks.stream()
                .map(c -> ((JsonObject) c.array("choices").get().get(0)).object("delta").get().string("content").orElse(null))
                .filter(java.util.Objects::nonNull).toList());
        JsonObject last = (JsonObject) chunks.getLast().array("choices").orElseThrow().get(0);
        assertEquals("stop", last.string("finish_reason").orElseThrow());
        assertTrue(chunks.stream().noneMatch(c -> c.has("usage")), "no usage chunk unless asked for");
    }

    @Test
    void streamEndsWithAUsageChunkWhenAsked() {
        String body = """
                {"stream": true, "stream_options": {"include_usage": true},
                 "messages": [{"role": "user", "content": "hi"}]}""";
        List<String> data = TestHttp.dataLines(TestHttp.post(at("/v1/chat/completions"), body).body());
        JsonObject usageChunk = json(data.get(data.size() - 2));
        assertEquals("[]", usageChunk.get("choices").toJson());
        assertEquals("{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}", usageChunk.get("usage").toJson());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "`{\"messages\": [`                                   | invalid_json     | ",
        "`[1, 2]`                                             | invalid_request  | ",
        "`{\"model\": \"m\"}`                                 | invalid_messages | messages",
        "`{\"messages\": []}`                                 | invalid_messages | messages",
        "`{\"messages\": [\"hi\"]}`                           | invalid_messages | messages[0]",
        "`{\"messages\": [{\"role\":\"user\",\"content\":\"x\"}], \"model\": 7}`      | invalid_model  | model",
        "`{\"messages\": [{\"role\":\"user\",\"content\":\"x\"}], \"stream\": \"yes\"}` | invalid_stream | stream",
    })
    void badRequestsGet400InOpenAiShape(String body, String code, String param) {
        HttpResponse<String> response = TestHttp.post(at("/v1/chat/completions"), body);
        assertEquals(400, response.statusCode(), response.body());
        JsonObject error = json(response).object("error").orElseThrow();
        assertEquals(code, error.string("code").orElseThrow());
        assertEquals("invalid_request_error", error.string("type").orElseThrow());
        assertEquals(param == null ? "null" : "\"" + param + "\"", error.get("param").toJson());
        assertTrue(error.string("message").orElseThrow().length() > 10);
    }

    @Test
    void invalidJsonMessageNamesThePosition() {
        var response = TestHttp.post(at("/v1/chat/completions"), "{\"messages\": [}");
        assertEquals("The request body is not valid JSON: expected a JSON value but found '}' at line 1, column 15.",
                json(response).object("error").orElseThrow().string("message").orElseThrow());
    }

    @Test
    void bodyOverTheLimitGets413() {
        var response = TestHttp.post(at("/v1/chat/completions"), "{\"messages\":\"" + "x".repeat(2000) + "\"}");
        assertEquals(413, response.statusCode());
        assertEquals("request_too_large", errorCode(response));
    }

    @Test
    void unknownPathsAndWrongMethodsGetOpenAiErrors() {
        var notFound = TestHttp.get(at("/v1/nothing"));
        assertEquals(404, notFound.statusCode());
        assertEquals("not_found", errorCode(notFound));

        var wrongMethod = TestHttp.get(at("/v1/chat/completions"));
        assertEquals(405, wrongMethod.statusCode());
        assertEquals("POST", wrongMethod.headers().firstValue("Allow").orElseThrow());
        assertEquals("method_not_allowed", errorCode(wrongMethod));
        assertTrue(wrongMethod.headers().firstValue("X-Request-ID").isPresent(), "errors carry the request id");
    }

    @Test
    void healthReadinessAndModels() {
        assertEquals("{\"status\":\"ok\"}", TestHttp.get(at("/healthz")).body());
        assertEquals("{\"status\":\"ok\"}", TestHttp.get(at("/health")).body());
        var ready = TestHttp.get(at("/readyz"));
        assertEquals(200, ready.statusCode());
        assertEquals("ready", json(ready).string("status").orElseThrow());
        assertEquals("{\"object\":\"list\",\"data\":[{\"id\":\"echo\",\"object\":\"model\",\"created\":0,\"owned_by\":\"gateway\"}]}",
                TestHttp.get(at("/v1/models")).body());
    }

    @Test
    void metricsComeAsJsonOrInPrometheusFormat() {
        TestHttp.post(at("/v1/chat/completions"), HELLO);
        JsonObject json = json(TestHttp.get(at("/metrics")));
        assertTrue(json.object("requests").orElseThrow().object("POST /v1/chat/completions").orElseThrow().longValue("200").orElseThrow() >= 1);
        assertTrue(json.object("requests_by_model").orElseThrow().longValue("demo").orElseThrow() >= 1);
        assertTrue(json.object("gateway_overhead").orElseThrow().longValue("count").orElseThrow() >= 1);

        for (HttpResponse<String> prometheus : List.of(TestHttp.get(at("/metrics?format=prometheus")),
                TestHttp.get(at("/metrics"), "Accept", "text/plain;version=0.0.4;q=0.2,*/*;q=0.1"))) {
            assertEquals("text/plain; version=0.0.4; charset=utf-8", prometheus.headers().firstValue("Content-Type").orElseThrow());
            assertTrue(prometheus.body().contains("gateway_requests_total{route=\"POST /v1/chat/completions\",status=\"200\",model=\"demo\"}"));
            assertTrue(prometheus.body().contains("# TYPE gen_ai_server_time_to_first_token_seconds histogram"));
        }
    }

    @Test
    void everyAnswerTellsTheGatewaysOverhead() {
        for (HttpResponse<String> response : List.of(TestHttp.post(at("/v1/chat/completions"), HELLO),
                TestHttp.get(at("/nowhere")), TestHttp.post(at("/v1/chat/completions"), "{\"stream\":true," + HELLO.substring(1)))) {
            String overhead = response.headers().firstValue("X-Gateway-Overhead-Ms").orElseThrow();
            assertTrue(overhead.matches("\\d+\\.\\d{3}"), overhead);
        }
    }

    @Test
    void eachRequestIsLoggedOnceWhenItEnds() {
        TestHttp.post(at("/v1/chat/completions"), HELLO, "X-Request-ID", "log-me");
        List<JsonObject> lines = logLines.stream().map(TestHttp::json)
                .filter(line -> line.string("request_id").orElse("").equals("log-me")).toList();
        assertEquals(1, lines.size());
        JsonObject line = lines.getFirst();
        assertEquals("request", line.string("event").orElseThrow());
        assertEquals(200, line.longValue("status").orElseThrow());
        assertEquals("demo", line.string("model").orElseThrow());
        assertEquals("ok", line.string("outcome").orElseThrow());
        assertEquals(4, line.longValue("prompt_tokens").orElseThrow());
        assertEquals(3, line.longValue("completion_tokens").orElseThrow());
        assertEquals(7, line.longValue("total_tokens").orElseThrow());
        assertEquals("127.0.0.1", line.string("client").orElseThrow());

        TestHttp.get(at("/nowhere"), "X-Request-ID", "no-tokens");
        JsonObject notFound = logLines.stream().map(TestHttp::json)
                .filter(l -> l.string("request_id").orElse("").equals("no-tokens")).findFirst().orElseThrow();
        assertEquals("null", notFound.get("total_tokens").toJson(), "unknown, not zero");
    }
}
