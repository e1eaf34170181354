package gateway;

import static gateway.TestHttp.errorCode;
import static gateway.TestHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.json.JsonObject;
import gateway.mock.MockOptions;
import gateway.mock.Shape;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Backends that do not speak OpenAI (BACKEND_<NAME>_KIND=prompt): each of the seed's shapes, whole and streamed. */
class PromptBackendTest {
    static final String CONVERSATION = "{\"model\":\"vendor-model\",\"max_tokens\":50,\"temperature\":0.5,\"messages\":["
            + "{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"hello there\"}]}";

    static Fleet promptFleet(Shape shape, MockOptions options, String... more) {
        var settings = new java.util.ArrayList<>(List.of("BACKEND_B1_KIND", "prompt", "BACKEND_B1_PATH", shape.path()));
        settings.addAll(List.of(more));
        return Fleet.of(List.of(options.toBuilder().shape(shape).build()), settings.toArray(String[]::new));
    }

    static String contentOf(JsonObject completion) {
        return ((JsonObject) completion.array("choices").orElseThrow().get(0)).object("message").orElseThrow()
                .string("content").orElseThrow();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "chat     | Hello from the server  | ",
        "vendor-a | Hello from the server  | {\"prompt_tokens\":9,\"completion_tokens\":4,\"total_tokens\":13}",
        "vendor-b | Hello from the server  | {\"prompt_tokens\":9,\"completion_tokens\":4,\"total_tokens\":13}",
        "vendor-c | You entered: hello there | ",
    })
    void eachShapeAnswersAsAnOpenAiCompletion(String shapeName, String reply, String usage) {
        Shape shape = Shape.named(shapeName).orElseThrow();
        try (var fleet = promptFleet(shape, MockOptions.defaults().withReply("Hello from the server"))) {
            var response = TestHttp.post(fleet.chat(), CONVERSATION, "X-Request-ID", "p-1");
            assertEquals(200, response.statusCode(), response.body());
            JsonObject completion = json(response);
            assertEquals("p-1", completion.string("id").orElseThrow());
            assertEquals("chat.completion", completion.string("object").orElseThrow());
            assertEquals("vendor-model", completion.string("model").orElseThrow());
            assertEquals(reply.strip(), contentOf(completion));
            assertEquals(usage == null ? null : usage.strip(), completion.has("usage") ? completion.get("usage").toJson() : null,
                    "token counts where the server gives them, none made up");

            JsonObject sent = fleet.mock(0).lastRequest().body();
            assertEquals("{\"prompt\":\"hello there\",\"system_prompt\":\"Be brief.\",\"model\":\"vendor-model\","
                    + "\"max_new_tokens\":50,\"temperature\":0.5}", sent.toJson());
        }
    }

    @Test
    void aPoolSendsEmbeddingsAndSeveralPromptsOnlyToTheBackendsThatTakeThem() {
        // b1 speaks OpenAI, b2 is a prompt API; both serve "shared", only b1 has embeddings or takes several prompts.
        Shape chat = Shape.named("chat").orElseThrow();
        try (var fleet = Fleet.of(List.of(MockOptions.defaults(), MockOptions.defaults().toBuilder().shape(chat).build()),
                "BACKEND_B1_MODELS", "shared", "BACKEND_B2_MODELS", "shared", "BACKEND_B2_KIND", "prompt",
                "BACKEND_B2_PATH", chat.path())) {
            for (int i = 0; i < 6; i++) { // least-loaded alternates between idle backends: b2 would get half
                var embedded = TestHttp.post(fleet.gateway.uri().resolve("/v1/embeddings"), "{\"model\":\"shared\",\"input\":\"hi\"}");
                assertEquals(200, embedded.statusCode(), embedded.body());
                assertEquals("b1", Fleet.servedBy(embedded));
                var twoPrompts = TestHttp.post(fleet.gateway.uri().resolve("/v1/completions"),
                        "{\"model\":\"shared\",\"prompt\":[\"one\",\"two\"]}");
                assertEquals(200, twoPrompts.statusCode(), twoPrompts.body());
                assertEquals("b1", Fleet.servedBy(twoPrompts));
            }
            var chats = new HashSet<String>();
            for (int i = 0; i < 6; i++) {
                chats.add(Fleet.servedBy(fleet.ask("shared", "hi")));
            }
            assertEquals(Set.of("b1", "b2"), chats, "chats still go to both");
        }
        try (var fleet = promptFleet(chat, MockOptions.defaults())) {
            var refused = TestHttp.post(fleet.gateway.uri().resolve("/v1/embeddings"), "{\"model\":\"any\",\"input\":\"hi\"}");
            assertEquals(400, refused.statusCode(), "a pool of prompt APIs alone says why: " + refused.body());
            assertEquals("unsupported_operation", errorCode(refused));
        }
    }

    @Test
    void aStreamGetsTheWholeReplyAsOneChunkThenDone() {
        try (var fleet = promptFleet(Shape.VENDOR_A, MockOptions.defaults().withReply("one two three"))) {
            String body = "{\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            List<String> data = TestHttp.dataLines(TestHttp.post(fleet.chat(), body).body());
            assertEquals(3, data.size(), "" + data);
            JsonObject chunk = json(data.get(0));
            assertEquals("chat.completion.chunk", chunk.string("object").orElseThrow());
            JsonObject choice = (JsonObject) chunk.array("choices").orElseThrow().get(0);
            assertEquals("one two three", choice.object("delta").orElseThrow().string("content").orElseThrow());
            assertEquals("stop", choice.string("finish_reason").orElseThrow());
            assertEquals("{\"prompt_tokens\":2,\"completion_tokens\":3,\"total_tokens\":5}", json(data.get(1)).get("usage").toJson());
            assertEquals("[DONE]", data.get(2));
        }
    }

    @Test
    void aConversationIsSentAsATranscript() {
        try (var fleet = promptFleet(Shape.CHAT, MockOptions.defaults())) {
            TestHttp.post(fleet.chat(), "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},"
                    + "{\"role\":\"assistant\",\"content\":\"Hello!\"},{\"role\":\"user\",\"content\":\"How are you?\"}]}");
            assertEquals("User: Hi\n\nAssistant: Hello!\n\nUser: How are you?",
                    fleet.mock(0).lastRequest().body().string("prompt").orElseThrow());
        }
    }

    @Test
    void aRetryHintInThe429sBodyBecomesRetryAfter() {
        try (var fleet = promptFleet(Shape.VENDOR_A, MockOptions.defaults().toBuilder().rateLimitRate(1).build())) {
            var response = fleet.ask(null, "hi");
            assertEquals(429, response.statusCode());
            assertEquals("1", response.headers().firstValue("Retry-After").orElseThrow());
            assertEquals("1000", response.headers().firstValue("retry-after-ms").orElseThrow());
            assertTrue(json(response).object("error").orElseThrow().string("message").orElseThrow().endsWith("is rate limiting: rate limited"));
        }
    }

    @Test
    void failuresAreMappedAsForAnyBackend() {
        try (var fleet = promptFleet(Shape.VENDOR_B, MockOptions.defaults().toBuilder().errorRate(1).build())) {
            var response = fleet.ask(null, "hi");
            assertEquals(502, response.statusCode());
            assertEquals("backend_error", errorCode(response));
            assertTrue(json(response).object("error").orElseThrow().string("message").orElseThrow().endsWith("answered 500: injected failure"));
        }
        try (var fleet = promptFleet(Shape.VENDOR_B, MockOptions.defaults(), "BACKEND_B1_PATH", "/vendor-a/messages")) {
            var wrongPath = fleet.ask(null, "hi");
            assertEquals(404, wrongPath.statusCode(), "the server's own 404, passed on");
            assertFalse(wrongPath.body().contains("Echo"));
        }
    }
}
