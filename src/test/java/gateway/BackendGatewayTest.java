package gateway;

import static gateway.TestHttp.errorCode;
import static gateway.TestHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.config.Settings;
import gateway.json.JsonObject;
import gateway.mock.MockBackend;
import gateway.mock.MockOptions;
import gateway.observe.Log;
import java.io.BufferedReader;
import java.net.ServerSocket;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The gateway in front of a backend: the mock for the happy path, stubs for quirks and failures. */
class BackendGatewayTest {
    static final String HELLO = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":0.2,\"seed\":12345678901234567890}";
    static final String STREAM = "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    static Gateway gatewayFor(URI backend, String... settings) {
        var values = new HashMap<>(Map.of("PORT", "0", "BACKEND_URL", backend.toString()));
        for (int i = 0; i + 1 < settings.length; i += 2) {
            values.put(settings[i], settings[i + 1]);
        }
        return Gateway.start(Settings.from(values), new Log(line -> { }));
    }

    static URI chat(Gateway gateway) {
        return gateway.uri().resolve("/v1/chat/completions");
    }

    @Test
    void forwardsTheRequestAndReturnsTheBackendsReply() throws Exception {
        try (var mock = MockBackend.start("127.0.0.1", 0, MockOptions.defaults().withReply("Hello from the mock"));
             var gateway = gatewayFor(URI.create(mock.uri() + "/v1/"), "DEFAULT_MODEL", "llama", "BACKEND_API_KEY", "sk-backend")) {
            var response = TestHttp.post(chat(gateway), HELLO, "X-Request-ID", "fw-1", "Authorization", "Bearer sk-client");
            assertEquals(200, response.statusCode(), response.body());
            JsonObject body = json(response);
            assertEquals("fw-1", body.string("id").orElseThrow(), "the gateway's id replaces the backend's");
            assertEquals("Hello from the mock", ((JsonObject) body.array("choices").get().get(0))
                    .object("message").get().string("content").orElseThrow());

            var received = mock.lastRequest();
            assertEquals("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":0.2,"
                    + "\"seed\":12345678901234567890,\"model\":\"llama\"}", received.body().toJson(),
                    "every field forwarded unchanged, the default model added");
            assertEquals("fw-1", received.header("X-Request-ID"));
            assertEquals("Bearer sk-backend", received.header("Authorization"), "the gateway's key, never the client's");
        }
    }

    @Test
    void aRequestWithNothingToAddIsForwardedByteForByte() throws Exception {
        String body = "{ \"model\" : \"mock-model\",\n  \"messages\":[{\"role\":\"user\",\"content\":\"h\\u00e9\"}],"
                + " \"temperature\": 1.0E0 }";
        try (var mock = MockBackend.start("127.0.0.1", 0, MockOptions.defaults());
             var gateway = gatewayFor(mock.uri(), "DEFAULT_MODEL", "llama")) {
            assertEquals(200, TestHttp.post(chat(gateway), body).statusCode());
            assertEquals(body, mock.lastRequest().text(), "spacing, escapes and number forms untouched");

            String stream = "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                    + " \"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            TestHttp.post(chat(gateway), stream);
            assertEquals(stream, mock.lastRequest().text(), "a stream that already asks for usage is left as is");
        }
    }

    @Test
    void theBackendNeverSeesAMalformedRequest() throws Exception {
        try (var mock = MockBackend.start("127.0.0.1", 0, MockOptions.defaults()); var gateway = gatewayFor(mock.uri())) {
            var response = TestHttp.post(chat(gateway), "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":9}");
            assertEquals(400, response.statusCode());
            assertEquals("invalid_temperature", errorCode(response));
            assertEquals(0, mock.chatRequests());
        }
    }

    @Test
    void streamsFromTheBackendAndAsksItForUsage() throws Exception {
        try (var mock = MockBackend.start("127.0.0.1", 0, MockOptions.defaults().withReply("a b c"));
             var gateway = gatewayFor(mock.uri())) {
            var response = TestHttp.post(chat(gateway), STREAM, "X-Request-ID", "st-1");
            List<String> data = TestHttp.dataLines(response.body());
            assertEquals("[DONE]", data.getLast());
            var text = new StringBuilder();
            for (String chunk : data.subList(0, data.size() - 1)) {
                JsonObject c = json(chunk);
                assertEquals("st-1", c.string("id").orElseThrow());
                assertFalse(c.has("usage"), "the client did not ask for usage");
                ((JsonObject) c.array("choices").get().get(0)).object("delta").get().string("content").ifPresent(text::append);
            }
            assertEquals("a b c", text.toString());
            assertEquals("{\"include_usage\":true}", mock.lastRequest().body().get("stream_options").toJson(),
                    "the gateway asks for usage so it can count every stream");
        }
    }

    @Test
    void keepsNonStandardFieldsAndFillsWhatASloppyBackendLeavesOut() throws Exception {
        String sloppy = "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"x\"}}],"
                + "\"usage\":{\"input_tokens\":3,\"output_tokens\":4},\"timings\":{\"predicted_ms\":12.5}}";
        try (var stub = StubBackend.json(200, sloppy); var gateway = gatewayFor(stub.uri())) {
            JsonObject body = json(TestHttp.post(chat(gateway), HELLO, "X-Request-ID", "sl-1"));
            assertEquals("sl-1", body.string("id").orElseThrow());
            assertEquals("chat.completion", body.string("object").orElseThrow());
            assertTrue(body.has("created"));
            assertEquals("{\"input_tokens\":3,\"output_tokens\":4,\"prompt_tokens\":3,\"completion_tokens\":4,\"total_tokens\":7}",
                    body.get("usage").toJson());
            assertEquals("{\"predicted_ms\":12.5}", body.get("timings").toJson());
        }
    }

    @Test
    void aJsonReplyToAStreamRequestIsSentAsOneChunk() throws Exception {
        String whole = "{\"id\":\"x\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"whole\"},\"finish_reason\":\"stop\"}]}";
        try (var stub = StubBackend.json(200, whole); var gateway = gatewayFor(stub.uri())) {
            List<String> data = TestHttp.dataLines(TestHttp.post(chat(gateway), STREAM, "X-Request-ID", "j-1").body());
            assertEquals(2, data.size());
            assertEquals("{\"id\":\"j-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                    + "\"finish_reason\":\"stop\",\"delta\":{\"role\":\"assistant\",\"content\":\"whole\"}}]}", data.get(0));
            assertEquals("[DONE]", data.get(1));
        }
    }

    @Test
    void usageReachesTheClientAsOpenAiSendsItWhateverTheBackendDid() throws Exception {
        String content = "data: {\"model\":\"m\",\"created\":1,\"choices\":[{\"index\":0,\"delta\":{\"content\":\"t\"}}]}\n\n";
        // llama.cpp: usage (and timings) inside the finishing content chunk.
        String llamaLast = "data: {\"model\":\"m\",\"created\":1,\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":1,\"total_tokens\":10},\"timings\":{}}\n\n";
        // vLLM: a usage chunk with "choices": null.
        String vllmUsage = "data: {\"model\":\"m\",\"created\":1,\"choices\":null,"
                + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":1,\"total_tokens\":10}}\n\n";
        String asked = "{\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        for (String usageFrame : List.of(llamaLast, vllmUsage)) {
            try (var stub = StubBackend.events(content, usageFrame, "data: [DONE]\n\n"); var gateway = gatewayFor(stub.uri())) {
                List<String> data = TestHttp.dataLines(TestHttp.post(chat(gateway), asked, "X-Request-ID", "u-1").body());
                assertEquals("{\"id\":\"u-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],"
                        + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":1,\"total_tokens\":10}}", data.get(data.size() - 2));
                assertEquals(1, data.stream().filter(d -> d.contains("\"usage\"")).count(), "usage only in the last chunk");

                List<String> unasked = TestHttp.dataLines(TestHttp.post(chat(gateway), STREAM).body());
                assertTrue(unasked.stream().noneMatch(d -> d.contains("\"usage\"")), "no usage for a client that did not ask");
                assertEquals("[DONE]", unasked.getLast());
            }
        }
    }

    @Test
    void cachedPromptTokensAreLoggedForStreamsAndWholeReplies() {
        var logLines = new java.util.concurrent.CopyOnWriteArrayList<String>();
        String prompt = "A long system prompt that the backend keeps in its cache. ".repeat(8);
        String whole = "{\"messages\":[{\"role\":\"system\",\"content\":\"" + prompt + "\"},{\"role\":\"user\",\"content\":\"hi\"}]}";
        String streamed = "{\"stream\":true," + whole.substring(1);
        try (var mock = MockBackend.start("127.0.0.1", 0, MockOptions.builder().cacheTokens(10_000).build());
             var gateway = Gateway.start(Settings.from(Map.of("PORT", "0", "BACKEND_URL", mock.uri().toString())),
                     new Log(logLines::add))) {
            TestHttp.post(chat(gateway), whole, "X-Request-ID", "cold");
            TestHttp.post(chat(gateway), streamed, "X-Request-ID", "warm-stream");
            TestHttp.post(chat(gateway), whole, "X-Request-ID", "warm-whole");
            for (String id : List.of("warm-stream", "warm-whole")) {
                JsonObject line = logLines.stream().map(TestHttp::json)
                        .filter(l -> l.string("request_id").orElse("").equals(id)).findFirst().orElseThrow();
                assertTrue(line.longValue("cached_tokens").orElse(0L) >= 64, id + ": " + line.toJson());
            }
            JsonObject cold = logLines.stream().map(TestHttp::json)
                    .filter(l -> l.string("request_id").orElse("").equals("cold")).findFirst().orElseThrow();
            assertEquals(0, cold.longValue("cached_tokens").orElseThrow());
        }
    }

    @Test
    void aStreamWithoutUsageIsCountedApproximately() throws Exception {
        var logLines = new java.util.concurrent.CopyOnWriteArrayList<String>();
        String content = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"t\"}}]}\n\n";
        try (var stub = StubBackend.events(content, content, content, "data: [DONE]\n\n");
             var gateway = Gateway.start(Settings.from(Map.of("PORT", "0", "BACKEND_URL", stub.uri().toString())),
                     new Log(logLines::add))) {
            String twelveCharacters = "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hello world!\"}]}";
            TestHttp.post(chat(gateway), twelveCharacters, "X-Request-ID", "est-1");
            JsonObject line = logLines.stream().map(TestHttp::json)
                    .filter(l -> l.string("request_id").orElse("").equals("est-1")).findFirst().orElseThrow();
            assertEquals(3, line.longValue("prompt_tokens").orElseThrow(), "12 characters / 4");
            assertEquals(3, line.longValue("completion_tokens").orElseThrow(), "one token per content chunk");
            assertEquals("true", line.get("tokens_estimated").toJson());
        }
    }

    @Test
    void eachFrameReachesTheClientBeforeTheBackendSendsTheNext() throws Exception {
        // The stub sends a frame, then waits for the test: if the gateway buffered, the
        // test would never see the frame and the stream would hang here.
        String frame = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"t\"}}]}\n\n";
        try (var stub = StubBackend.events(frame, StubBackend.WAIT, frame, StubBackend.WAIT, "data: [DONE]\n\n");
             var gateway = gatewayFor(stub.uri())) {
            var response = TestHttp.open(chat(gateway), STREAM);
            BufferedReader lines = TestHttp.lines(response);
            assertTrue(TestHttp.nextData(lines).contains("\"content\":\"t\""));
            assertEquals(1, json(TestHttp.get(gateway.uri().resolve("/metrics"))).longValue("streams_in_flight").orElseThrow());
            stub.release();
            assertTrue(TestHttp.nextData(lines).contains("\"content\":\"t\""));
            stub.release();
            assertEquals("[DONE]", TestHttp.nextData(lines));
        }
    }

    @Test
    void aStreamCutShortEndsWithAnErrorFrameNotASuccess() throws Exception {
        String frame = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"t\"}}]}\n\n";
        try (var stub = StubBackend.events(frame); var gateway = gatewayFor(stub.uri())) {
            List<String> data = TestHttp.dataLines(TestHttp.post(chat(gateway), STREAM).body());
            assertEquals(3, data.size(), data.toString());
            JsonObject error = json(data.get(1)).object("error").orElseThrow();
            assertEquals("backend_error", error.string("code").orElseThrow());
            assertTrue(error.string("message").orElseThrow().contains("before data: [DONE]"));
            assertEquals("[DONE]", data.get(2));
        }
    }

    @Test
    void midStreamErrorsInOpenAiAndLlamaCppFormsAreReported() throws Exception {
        String frame = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"t\"}}]}\n\n";
        for (String failure : List.of("data: {\"error\":{\"message\":\"out of memory\"}}\n\n",
                "error: {\"code\":500,\"message\":\"out of memory\",\"type\":\"server_error\"}\n\n")) {
            try (var stub = StubBackend.events(frame, failure); var gateway = gatewayFor(stub.uri())) {
                List<String> data = TestHttp.dataLines(TestHttp.post(chat(gateway), STREAM).body());
                assertEquals("The backend at " + stub.uri() + " failed mid-stream: out of memory",
                        json(data.get(1)).object("error").get().string("message").orElseThrow());
                assertEquals("[DONE]", data.getLast());
            }
        }
    }

    @Test
    void whenTheClientLeavesTheBackendCallIsClosed() throws Exception {
        String frame = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"t\"}}]}\n\n";
        var pieces = new java.util.ArrayList<>(List.of(frame, StubBackend.WAIT));
        for (int i = 0; i < 250; i++) {
            pieces.add(frame);
            pieces.add(StubBackend.PAUSE);
        }
        var cancelLog = new java.util.concurrent.CopyOnWriteArrayList<String>();
        try (var stub = new StubBackend(new StubBackend.Reply(200, "text/event-stream", pieces));
             var gateway = Gateway.start(Settings.from(Map.of("PORT", "0", "BACKEND_URL", stub.uri().toString())),
                     new Log(cancelLog::add))) {
            var response = TestHttp.open(chat(gateway), STREAM);
            BufferedReader lines = TestHttp.lines(response);
            TestHttp.nextData(lines);
            lines.close(); // the client goes away
            stub.release();
            assertTrue(stub.clientWentAway.await(5, TimeUnit.SECONDS), "the backend saw its connection closed");
        }
        JsonObject line = TestHttp.json(cancelLog.stream().filter(l -> l.contains("\"event\":\"request\"")).findFirst().orElseThrow());
        assertEquals("client_cancelled", line.string("outcome").orElseThrow(), "a client cancel, not an error");
        assertTrue(line.longValue("completion_tokens").orElseThrow() >= 1, "what was generated is still counted");
        assertEquals("true", line.get("tokens_estimated").toJson());
    }

    @Test
    void anUnreachableBackendIs502AndNeverAnEcho() throws Exception {
        int closedPort;
        try (var socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (var gateway = gatewayFor(URI.create("http://127.0.0.1:" + closedPort))) {
            var response = TestHttp.post(chat(gateway), HELLO);
            assertEquals(502, response.statusCode());
            assertEquals("backend_unavailable", errorCode(response));
            assertFalse(response.body().contains("Echo"));
            var streamed = TestHttp.post(chat(gateway), STREAM);
            assertEquals(502, streamed.statusCode(), "a stream that fails before its first frame gets a JSON error");
            assertEquals("application/json", streamed.headers().firstValue("Content-Type").orElseThrow());
            var ready = TestHttp.get(gateway.uri().resolve("/readyz"));
            assertEquals(503, ready.statusCode());
            assertTrue(json(ready).string("reason").orElseThrow().contains("Cannot connect"));
        }
    }

    @Test
    void aResponseHeadHttpClientCannotReadIsTheBackends502() throws Exception {
        // HttpClient throws IllegalArgumentException, not IOException, for a Content-Length it cannot parse.
        var malformed = new StubBackend.Reply(200, "application/json", List.of("{}"), "Content-Length", "abc");
        try (var stub = new StubBackend(malformed); var gateway = gatewayFor(stub.uri())) {
            var response = TestHttp.post(chat(gateway), HELLO);
            assertEquals(502, response.statusCode(), response.body());
            assertEquals("backend_error", errorCode(response));
            assertTrue(response.body().contains("a response head that cannot be read"), response.body());
        }
    }

    @Test
    void aSlowBackendIs504() throws Exception {
        try (var mock = MockBackend.start("127.0.0.1", 0, MockOptions.defaults().withFirstByteDelay(java.time.Duration.ofSeconds(3)));
             var gateway = gatewayFor(mock.uri(), "BACKEND_TIMEOUT_SECONDS", "1")) {
            var response = TestHttp.post(chat(gateway), HELLO);
            assertEquals(504, response.statusCode());
            assertEquals("gateway_timeout", errorCode(response));
            assertTrue(json(response).object("error").get().string("message").get().contains("within 1 s"));
        }
    }

    @Test
    void backendFailuresAreMappedHonestly() throws Exception {
        try (var stub = StubBackend.json(503, "{\"error\":{\"code\":503,\"message\":\"Loading model\",\"type\":\"unavailable_error\"}}");
             var gateway = gatewayFor(stub.uri(), "BACKEND_API_KEY", "sk-secret")) {
            var llamaLoading = TestHttp.post(chat(gateway), HELLO);
            assertEquals(502, llamaLoading.statusCode());
            assertEquals("backend_error", errorCode(llamaLoading));
            assertEquals("The backend at " + stub.uri() + " answered 503: Loading model",
                    json(llamaLoading).object("error").get().string("message").orElseThrow());

            stub.reply(new StubBackend.Reply(400, "application/json", List.of(
                    "{\"object\":\"error\",\"message\":\"maximum context length is 4096 tokens\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}")));
            var vllmTooLong = TestHttp.post(chat(gateway), HELLO);
            assertEquals(400, vllmTooLong.statusCode());
            JsonObject error = json(vllmTooLong).object("error").orElseThrow();
            assertEquals("maximum context length is 4096 tokens", error.string("message").orElseThrow());
            assertEquals("invalid_request_error", error.string("type").orElseThrow());

            stub.reply(new StubBackend.Reply(200, "text/html", List.of("<html>proxy error sk-secret</html>")));
            var garbage = TestHttp.post(chat(gateway), HELLO);
            assertEquals(502, garbage.statusCode());
            assertEquals("backend_error", errorCode(garbage));
            assertFalse(garbage.body().contains("sk-secret"), "the backend key never reaches the client");

            stub.reply(new StubBackend.Reply(429, "application/json", List.of("{\"error\":{\"message\":\"slow down\"}}"),
                    "Retry-After", "7"));
            while (stub.takeRequestNow() != null) {
                // forget the requests so far
            }
            var limited = TestHttp.post(chat(gateway), HELLO);
            assertEquals(429, limited.statusCode());
            assertEquals("7", limited.headers().firstValue("Retry-After").orElseThrow());
            assertNotNull(stub.takeRequestNow());

            var whileResting = TestHttp.post(chat(gateway), HELLO);
            assertEquals(429, whileResting.statusCode(), "the backend asked for 7 s of rest: the gateway answers for it");
            assertEquals("rate_limit_exceeded", errorCode(whileResting));
            int retryAfter = Integer.parseInt(whileResting.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retryAfter >= 1 && retryAfter <= 7, "the time left: " + retryAfter);
            assertNull(stub.takeRequestNow(), "not passed on");
        }
    }

    @Test
    void modelsComeFromTheBackendOrFallBackToTheDefault() throws Exception {
        try (var mock = MockBackend.start("127.0.0.1", 0, MockOptions.defaults()); var gateway = gatewayFor(mock.uri())) {
            assertTrue(TestHttp.get(gateway.uri().resolve("/v1/models")).body().contains("\"id\":\"mock-model\""));
            assertEquals(200, TestHttp.get(gateway.uri().resolve("/readyz")).statusCode());
        }
        try (var stub = StubBackend.json(404, "{\"error\":\"not found\"}");
             var gateway = gatewayFor(stub.uri(), "DEFAULT_MODEL", "my-model")) {
            var models = json(TestHttp.get(gateway.uri().resolve("/v1/models")));
            assertEquals("my-model", ((JsonObject) models.array("data").get().get(0)).string("id").orElseThrow());
            stub.takeRequest();
            TestHttp.get(gateway.uri().resolve("/v1/models"));
            assertNull(stub.takeRequestNow(), "the list is cached");
        }
    }
}
