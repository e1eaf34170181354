package gateway;

import static gateway.TestHttp.errorCode;
import static gateway.TestHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.json.JsonBoolean;
import gateway.json.JsonObject;
import gateway.mock.MockOptions;
import gateway.mock.Shape;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code /v1/completions}, {@code /v1/embeddings} and {@code /v1/responses} through backends:
 * forwarded to the same path, streamed as the backend streams, usage forced upstream and
 * counted, failover before the first byte, and honest errors for replies that are wrong.
 */
class OperationsBackendTest {
    static final MockOptions MOCK = MockOptions.defaults().withReply("Hello from the mock").withTokenDelay(Duration.ZERO);

    static HttpResponse<String> post(Fleet fleet, String path, String body) {
        return TestHttp.post(fleet.gateway.uri().resolve(path), body);
    }

    static JsonObject lastLine(Fleet fleet) {
        Fleet.await("a request line", () -> !fleet.requestLines().isEmpty());
        return fleet.requestLines().getLast();
    }

    @Test
    void aTextCompletionGoesToTheBackendsCompletionsAndItsUsageIsForcedButHidden() {
        try (var fleet = Fleet.of(List.of(MOCK))) {
            JsonObject whole = json(post(fleet, "/v1/completions", "{\"model\":\"mock-model\",\"prompt\":\"Say hi\"}"));
            assertEquals("text_completion", whole.string("object").orElseThrow());
            assertEquals("Hello from the mock", ((JsonObject) whole.array("choices").orElseThrow().get(0)).string("text").orElseThrow());
            assertEquals("{\"model\":\"mock-model\",\"prompt\":\"Say hi\"}", fleet.mock(0).lastRequest().text(), "forwarded untouched");

            var stream = post(fleet, "/v1/completions", "{\"model\":\"mock-model\",\"prompt\":\"Say hi\",\"stream\":true}");
            JsonObject asked = fleet.mock(0).lastRequest().body();
            assertEquals(JsonBoolean.TRUE, asked.object("stream_options").orElseThrow().get("include_usage"));
            List<String> frames = TestHttp.dataLines(stream.body());
            assertEquals("[DONE]", frames.getLast());
            assertFalse(stream.body().contains("\"usage\""), "not asked for: " + stream.body());
            JsonObject line = lastLine(fleet);
            assertEquals("false", line.get("tokens_estimated").toJson(), "the backend's own counts: " + line.toJson());
            assertTrue(line.longValue("completion_tokens").orElseThrow() > 0);
        }
    }

    @Test
    void embeddingsAreTheBackendsOwnAsFloatsOrBase64() {
        try (var fleet = Fleet.of(List.of(MOCK))) {
            String body = "{\"model\":\"mock-model\",\"input\":[\"a\",\"b\"],\"encoding_format\":\"base64\"}";
            JsonObject list = json(post(fleet, "/v1/embeddings", body));
            assertEquals(body, fleet.mock(0).lastRequest().text());
            assertEquals(2, list.array("data").orElseThrow().size());
            String vector = ((JsonObject) list.array("data").orElseThrow().get(0)).string("embedding").orElseThrow();
            assertEquals(16 * 4, java.util.Base64.getDecoder().decode(vector).length, "the mock's 16 floats");
            assertTrue(lastLine(fleet).longValue("prompt_tokens").orElseThrow() > 0);
        }
    }

    @Test
    void aResponseKeepsTheBackendsIdAndItsStreamEndsWithItsLastEvent() {
        try (var fleet = Fleet.of(List.of(MOCK))) {
            JsonObject whole = json(post(fleet, "/v1/responses", "{\"model\":\"mock-model\",\"input\":\"hi\"}"));
            assertTrue(whole.string("id").orElseThrow().startsWith("resp_mock-"), "a stored response is found by its id later");
            var stream = post(fleet, "/v1/responses", "{\"model\":\"mock-model\",\"input\":\"hi\",\"stream\":true}");
            assertEquals(200, stream.statusCode());
            assertFalse(fleet.mock(0).lastRequest().body().has("stream_options"), "a Responses stream always ends with its usage");
            assertTrue(stream.body().contains("event: response.output_text.delta\ndata: "));
            assertTrue(stream.body().endsWith("\n\n") && stream.body().contains("event: response.completed"));
            assertFalse(stream.body().contains("[DONE]"));
            assertFalse(stream.body().contains("\"error\":{"), stream.body());
            JsonObject line = lastLine(fleet);
            assertEquals(200, line.longValue("status").orElseThrow());
            assertEquals("false", line.get("tokens_estimated").toJson(), line.toJson());
        }
    }

    @Test
    void eachOperationFailsOverBeforeTheFirstByte() {
        try (var fleet = Fleet.of(List.of(MOCK, MOCK), "ROUTING", "round-robin")) {
            assertEquals(200, fleet.ask(null, "warm up").statusCode());
            fleet.mock(0).close();
            for (String[] call : new String[][] {
                    {"/v1/completions", "{\"prompt\":\"x\"}"}, {"/v1/completions", "{\"prompt\":\"x\",\"stream\":true}"},
                    {"/v1/embeddings", "{\"input\":\"x\"}"}, {"/v1/embeddings", "{\"input\":\"x\"}"},
                    {"/v1/responses", "{\"input\":\"x\"}"}, {"/v1/responses", "{\"input\":\"x\",\"stream\":true}"}}) {
                var response = post(fleet, call[0], call[1]);
                assertEquals(200, response.statusCode(), call[0] + " " + response.body());
                assertFalse(response.body().contains("\"error\":{"), response.body());
            }
            assertTrue(fleet.requestLines().stream().filter(line -> line.longValue("attempts").orElse(0L) == 2).count() >= 2,
                    "round robin sent some to the dead backend first");
        }
    }

    @Test
    void aResponsesStreamCutBeforeItsLastEventEndsWithAnErrorFrame() throws Exception {
        String created = "{\"type\":\"response.created\",\"sequence_number\":0,\"response\":{\"id\":\"resp_1\",\"output\":[]}}";
        try (var stub = StubBackend.events("event: response.created\ndata: " + created + "\n\n");
                var fleet = Fleet.over(List.of(stub.uri()))) {
            var response = post(fleet, "/v1/responses", "{\"input\":\"x\",\"stream\":true}");
            assertEquals(200, response.statusCode());
            assertTrue(response.body().startsWith("event: response.created\ndata: " + created), response.body());
            assertTrue(response.body().contains("data: {\"error\":{"), "the client sees a failure, not a short success");
            JsonObject line = lastLine(fleet);
            assertEquals("backend_error", line.string("outcome").orElseThrow(), line.toJson());
        }
    }

    @Test
    void aBackendThatIgnoresStreamForAResponseIsToldAsEvents() throws Exception {
        String whole = "{\"id\":\"resp_9\",\"object\":\"response\",\"model\":\"m\",\"status\":\"completed\",\"output\":[{\"type\":\"message\","
                + "\"id\":\"msg_9\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"Hi!\"}]}],"
                + "\"usage\":{\"input_tokens\":5,\"output_tokens\":2,\"total_tokens\":7}}";
        try (var stub = StubBackend.json(200, whole); var fleet = Fleet.over(List.of(stub.uri()))) {
            var response = post(fleet, "/v1/responses", "{\"input\":\"x\",\"stream\":true}");
            assertTrue(response.body().contains("event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\","
                    + "\"sequence_number\":4,\"item_id\":\"msg_9\",\"output_index\":0,\"content_index\":0,\"delta\":\"Hi!\""), response.body());
            assertTrue(response.body().contains("event: response.completed\ndata: {\"type\":\"response.completed\",\"sequence_number\":8,"
                    + "\"response\":" + whole + "}"), response.body());
            JsonObject line = lastLine(fleet);
            assertEquals(5, line.longValue("prompt_tokens").orElseThrow());
            assertEquals(2, line.longValue("completion_tokens").orElseThrow());
        }
    }

    @Test
    void aReplyOfTheWrongShapeIsA502() throws Exception {
        try (var stub = StubBackend.json(200, "{\"object\":\"chat.completion\",\"choices\":[]}");
                var fleet = Fleet.over(List.of(stub.uri()))) {
            var response = post(fleet, "/v1/embeddings", "{\"input\":\"x\"}");
            assertEquals(502, response.statusCode());
            assertEquals("backend_error", errorCode(response));
            assertTrue(response.body().contains("a reply that is not a list"), response.body());
        }
    }

    @Test
    void aPromptApiAnswersCompletionsAndResponsesButHasNoEmbeddings() {
        try (var fleet = PromptBackendTest.promptFleet(Shape.VENDOR_A, MOCK)) {
            JsonObject completion = json(post(fleet, "/v1/completions", "{\"prompt\":\"hello\"}"));
            assertEquals("Hello from the mock", ((JsonObject) completion.array("choices").orElseThrow().get(0)).string("text").orElseThrow());
            var response = post(fleet, "/v1/responses", "{\"instructions\":\"Be brief.\",\"input\":\"hello\",\"stream\":true}");
            assertTrue(response.body().contains("\"delta\":\"Hello from the mock\""), response.body());
            assertEquals("Be brief.", fleet.mock(0).lastRequest().body().string("system_prompt").orElse(null));
            var embeddings = post(fleet, "/v1/embeddings", "{\"input\":\"hello\"}");
            assertEquals(400, embeddings.statusCode());
            assertEquals("unsupported_operation", errorCode(embeddings));
            var batch = post(fleet, "/v1/completions", "{\"prompt\":[\"a\",\"b\"]}");
            assertEquals(400, batch.statusCode());
            assertEquals("invalid_prompt", errorCode(batch));
        }
    }
}
