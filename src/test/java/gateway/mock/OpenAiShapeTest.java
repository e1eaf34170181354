package gateway.mock;

import static gateway.mock.MockHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.json.JsonNumber;
import gateway.json.JsonObject;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** The OpenAI shape, as llama-server answers: models, whole replies, errors. */
class OpenAiShapeTest {
    static URI chat(MockBackend mock) {
        return mock.uri().resolve("/v1/chat/completions");
    }

    @Test
    void listsItsModelsAndNamesTheRequestsOrElseTheFirst() {
        try (var mock = MockHttp.start(MockOptions.builder().models("llama-3-8b", "qwen-2-7b").build())) {
            assertEquals("{\"object\":\"list\",\"data\":["
                    + "{\"id\":\"llama-3-8b\",\"object\":\"model\",\"created\":0,\"owned_by\":\"mock\"},"
                    + "{\"id\":\"qwen-2-7b\",\"object\":\"model\",\"created\":0,\"owned_by\":\"mock\"}]}",
                    MockHttp.get(mock.uri().resolve("/v1/models")).body());
            assertEquals("llama-3-8b", json(MockHttp.post(chat(mock), MockHttp.chat("user", "hi"))).string("model").orElseThrow());
            assertEquals("qwen-2-7b", json(MockHttp.post(chat(mock), "{\"model\":\"qwen-2-7b\",\"messages\":[]}"))
                    .string("model").orElseThrow());
        }
    }

    @Test
    void aWholeReplyHasOpenAisShapeWithLlamaCppsTimings() {
        try (var mock = MockHttp.start(MockOptions.defaults().withReply("Hello there"))) {
            // "user\nhi\n" is 8 characters: 2 tokens. Two words: 2 completion tokens.
            JsonObject reply = json(MockHttp.post(chat(mock), MockHttp.chat("user", "hi")));
            assertTrue(reply.longValue("created").isPresent());
            JsonObject timings = reply.object("timings").orElseThrow();
            assertTrue(timings.get("predicted_ms") instanceof JsonNumber, "measured: " + timings);
            assertEquals("{\"id\":\"chatcmpl-mock\",\"object\":\"chat.completion\",\"model\":\"mock-model\","
                    + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello there\"},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":2,\"total_tokens\":4,\"prompt_tokens_details\":{\"cached_tokens\":0}},"
                    + "\"timings\":{\"prompt_n\":2,\"cache_n\":0,\"prompt_ms\":0,\"predicted_n\":2}}",
                    reply.toBuilder().remove("created")
                            .put("timings", timings.toBuilder().remove("predicted_ms").build()).build().toJson());
        }
    }

    @Test
    void contentPartsCountTheirTextOnly() {
        // "user\none\ntwo\n": the text parts joined by a newline, the image left out; 13 characters, 4 tokens.
        String parts = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"one\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:,\"}},{\"type\":\"text\",\"text\":\"two\"}]}]}";
        try (var mock = MockHttp.start(MockOptions.defaults())) {
            JsonObject usage = json(MockHttp.post(chat(mock), parts)).object("usage").orElseThrow();
            assertEquals(4, usage.longValue("prompt_tokens").orElseThrow());
        }
    }

    @Test
    void injectedFaultsKeepLlamaCppsAndOpenAisFormats() {
        try (var mock = MockHttp.start(MockOptions.defaults().withRateLimitRate(1))) {
            var limited = MockHttp.post(chat(mock), MockHttp.chat("user", "hi"));
            assertEquals(429, limited.statusCode());
            assertEquals("1", limited.headers().firstValue("Retry-After").orElseThrow());
            assertEquals("1000", limited.headers().firstValue("retry-after-ms").orElseThrow());
            assertEquals("{\"error\":{\"message\":\"injected rate limit\",\"type\":\"rate_limit_error\","
                    + "\"code\":\"rate_limit_exceeded\"}}", limited.body());
        }
        try (var mock = MockHttp.start(MockOptions.defaults().withErrorRate(1))) {
            var failed = MockHttp.post(chat(mock), MockHttp.chat("user", "hi"));
            assertEquals(500, failed.statusCode());
            assertEquals("{\"error\":{\"code\":500,\"message\":\"injected failure\",\"type\":\"server_error\"}}", failed.body());
        }
    }

    @Test
    void unknownPathsAndWrongMethodsAreAnsweredInLlamaCppsFormat() {
        try (var mock = MockHttp.start(MockOptions.defaults())) {
            var missing = MockHttp.post(mock.uri().resolve("/chat"), "{\"prompt\":\"hi\"}");
            assertEquals(404, missing.statusCode());
            assertEquals("{\"error\":{\"code\":404,\"message\":\"File Not Found\",\"type\":\"not_found_error\"}}", missing.body());
            var wrong = MockHttp.get(chat(mock));
            assertEquals(405, wrong.statusCode());
            assertEquals("POST", wrong.headers().firstValue("Allow").orElseThrow());
        }
    }

    @Test
    void statsStartAtZero() {
        try (var mock = MockHttp.start(MockOptions.defaults())) {
            assertEquals("{\"requests\":0,\"prompt_tokens\":0,\"cached_tokens\":0,\"max_generating\":0}",
                    MockHttp.get(mock.uri().resolve("/mock/stats")).body());
        }
    }
}
