package gateway.mock;

import static gateway.mock.MockHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The "prompt" API shapes: one prompt in, one JSON document out, errors as {@code {"error":"text"}}. */
class PromptShapesTest {
    static final String VENDOR_REQUEST = "{\"prompt\":\"hello there\",\"system_prompt\":\"be brief\",\"model\":\"m\"}";
    static final List<Shape> PROMPT_SHAPES = List.of(Shape.CHAT, Shape.VENDOR_A, Shape.VENDOR_B, Shape.VENDOR_C);

    static MockBackend start(Shape shape) {
        return start(MockOptions.builder().shape(shape));
    }

    static MockBackend start(MockOptionsBuilder options) {
        return MockHttp.start(options.reply("Mock reply").build());
    }

    static URI endpoint(MockBackend mock) {
        return mock.uri().resolve(mock.options().shape().path());
    }

    record Case(Shape shape, String request, String reply, long promptTokens) {
    }

    @Test
    void eachShapeAnswersInItsOwnFormat() {
        // "user\nhello there\n" is 17 characters, 5 tokens; with "system\nbe brief\n" before it, 33 and 9.
        var cases = List.of(
                new Case(Shape.CHAT, "{\"prompt\":\"hello there\",\"max_new_tokens\":16,\"temperature\":0.7,\"top_p\":0.9}",
                        "{\"response\":\"Mock reply\"}", 5),
                new Case(Shape.CHAT, "{\"prompt\":\"hello there\",\"system_prompt\":\"be brief\"}",
                        "{\"response\":\"Mock reply\"}", 5), // not a field of this API: ignored
                new Case(Shape.VENDOR_B, VENDOR_REQUEST,
                        "{\"choices\":[{\"message\":{\"content\":\"Mock reply\"}}],\"usage\":{\"input_tokens\":9,\"output_tokens\":2}}", 9),
                new Case(Shape.VENDOR_B, "{\"prompt\":\"hello there\"}",
                        "{\"choices\":[{\"message\":{\"content\":\"Mock reply\"}}],\"usage\":{\"input_tokens\":5,\"output_tokens\":2}}", 5),
                new Case(Shape.VENDOR_C, VENDOR_REQUEST, "{\"response\":\"You entered: hello there\"}", 9));
        for (Case c : cases) {
            try (var mock = start(c.shape())) {
                var response = MockHttp.post(endpoint(mock), c.request());
                assertEquals(200, response.statusCode(), c.toString());
                assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
                assertEquals(c.reply(), response.body(), c.toString());
                assertEquals(c.promptTokens(), mock.promptTokens(), c.toString());
                assertEquals(c.request(), mock.lastRequest().text(), "remembered as it came");
            }
        }
    }

    @Test
    void vendorAReportsTokensAndTheTimeSinceTheRequestArrived() {
        try (var mock = start(MockOptions.builder().shape(Shape.VENDOR_A).firstByteDelay(Duration.ofMillis(200)))) {
            JsonObject reply = json(MockHttp.post(endpoint(mock), VENDOR_REQUEST));
            assertEquals(List.of("outputText", "tokensIn", "tokensOut", "latencyMS"), List.copyOf(reply.members().keySet()));
            assertEquals("{\"outputText\":\"Mock reply\",\"tokensIn\":9,\"tokensOut\":2}",
                    reply.toBuilder().remove("latencyMS").build().toJson());
            long latency = reply.longValue("latencyMS").orElseThrow();
            assertTrue(latency >= 200 && latency < 10_000, "latencyMS " + latency);
        }
    }

    @Test
    void aPromptIsRequiredAndEveryKnownFieldHasItsType() {
        var common = List.of(
                List.of("{}", "{\"error\":\"prompt is required\"}"),
                List.of("{\"prompt\":null}", "{\"error\":\"prompt is required\"}"),
                List.of("not json", "{\"error\":\"prompt is required\"}"),
                List.of("{\"prompt\":42}", "{\"error\":\"prompt must be a string\"}"),
                List.of("{\"prompt\":[\"hi\"]}", "{\"error\":\"prompt must be a string\"}"));
        for (Shape shape : PROMPT_SHAPES) {
            try (var mock = start(shape)) {
                for (List<String> c : common) {
                    var response = MockHttp.post(endpoint(mock), c.get(0));
                    assertEquals(400, response.statusCode(), shape + " " + c);
                    assertEquals(c.get(1), response.body(), shape + " " + c);
                }
                assertEquals(0, mock.promptTokens(), "refused before it took a slot");
            }
        }
        try (var chat = start(Shape.CHAT); var vendor = start(Shape.VENDOR_A)) {
            assertEquals("{\"error\":\"temperature must be a number\"}",
                    MockHttp.post(endpoint(chat), "{\"prompt\":\"x\",\"temperature\":\"hot\"}").body());
            assertEquals("{\"error\":\"max_new_tokens must be a number\"}",
                    MockHttp.post(endpoint(chat), "{\"prompt\":\"x\",\"max_new_tokens\":\"16\"}").body());
            assertEquals("{\"error\":\"system_prompt must be a string\"}",
                    MockHttp.post(endpoint(vendor), "{\"prompt\":\"x\",\"system_prompt\":7}").body());
            assertEquals(200, MockHttp.post(endpoint(vendor), "{\"prompt\":\"x\",\"system_prompt\":null}").statusCode(),
                    "null is absent");
        }
    }

    @Test
    void aPromptServerNeverStreams() {
        try (var mock = start(Shape.CHAT)) {
            var response = MockHttp.post(endpoint(mock), "{\"prompt\":\"hi\",\"stream\":true}");
            assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
            assertEquals("{\"response\":\"Mock reply\"}", response.body());
        }
    }

    @Test
    void injectedFaultsAreWordedAsTheSeedVendorWordedThem() {
        try (var mock = start(MockOptions.builder().shape(Shape.VENDOR_A).rateLimitRate(1))) {
            var response = MockHttp.post(endpoint(mock), VENDOR_REQUEST);
            assertEquals(429, response.statusCode());
            assertEquals("{\"error\":\"rate limited\",\"retryAfterMs\":1000}", response.body());
            assertFalse(response.headers().firstValue("Retry-After").isPresent(), "the hint is in the body only");
            assertFalse(response.headers().firstValue("retry-after-ms").isPresent());
        }
        try (var mock = start(MockOptions.builder().shape(Shape.VENDOR_B).errorRate(1))) {
            var response = MockHttp.post(endpoint(mock), VENDOR_REQUEST);
            assertEquals(500, response.statusCode());
            assertEquals("{\"error\":\"injected failure\"}", response.body());
        }
    }

    @Test
    void aShapeServesItsOwnPathAndNoOther() {
        try (var mock = start(Shape.VENDOR_C)) {
            var openAi = MockHttp.post(mock.uri().resolve("/v1/chat/completions"), MockHttp.chat("user", "hi"));
            assertEquals(404, openAi.statusCode());
            assertEquals("{\"error\":\"File Not Found\"}", openAi.body());
            assertEquals(404, MockHttp.post(mock.uri().resolve("/vendor-a/messages"), VENDOR_REQUEST).statusCode());
            assertEquals(404, MockHttp.get(mock.uri().resolve("/v1/models")).statusCode());
            var get = MockHttp.get(endpoint(mock));
            assertEquals(405, get.statusCode());
            assertEquals("POST", get.headers().firstValue("Allow").orElseThrow());
            assertEquals(200, MockHttp.get(mock.uri().resolve("/health")).statusCode(), "health is served in every shape");
        }
    }

    @Test
    void promptsShareThePrefixCache() {
        String system = "s".repeat(200);
        // "system\n" + 200 + "\nuser\n..." : the first 3 whole blocks (48 tokens) are the system prompt's alone.
        try (var mock = start(MockOptions.builder().shape(Shape.VENDOR_B).cacheTokens(4096))) {
            MockHttp.post(endpoint(mock), "{\"prompt\":\"first question\",\"system_prompt\":\"" + system + "\"}");
            MockHttp.post(endpoint(mock), "{\"prompt\":\"another question\",\"system_prompt\":\"" + system + "\"}");
            assertEquals(48, mock.cachedTokens());
        }
    }
}
