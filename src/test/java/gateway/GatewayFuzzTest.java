package gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import gateway.config.Settings;
import gateway.json.Json;
import gateway.json.JsonException;
import gateway.json.JsonFuzzTest;
import gateway.json.JsonObject;
import gateway.json.JsonValue;
import gateway.observe.Log;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Thousands of mutated requests against a running gateway: broken JSON, wrong types, huge
 * numbers, Unicode's edge cases and invalid UTF-8, odd headers, methods and paths. Each
 * answer must be a well-formed response whose body is a completion, a stream ending in
 * {@code [DONE]}, or an error in OpenAI's shape; nothing may be logged as a bug; and the
 * gateway must still serve a plain request at the end. Fixed seed; run it longer with
 * {@code scripts/mvn.sh test -Dtest=GatewayFuzzTest -Dfuzz.seed=7 -Dfuzz.requests=100000}.
 */
class GatewayFuzzTest {
    static final long SEED = Long.getLong("fuzz.seed", 20261122L);
    static final int REQUESTS = Integer.getInteger("fuzz.requests", 3_000);

    private static final List<String> VALID = List.of(
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hello world\"}]}",
            "{\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},"
                    + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]}",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"},{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[]}],"
                    + "\"max_tokens\":10,\"temperature\":0.5,\"top_p\":1,\"n\":1,\"stop\":[\"a\",\"b\"],\"seed\":42}");
    /** Values that break types and limits when put in place of a field's value. */
    private static final List<String> ODD_VALUES = List.of("null", "true", "-0", "1e400", "-1e400", "1e-400",
            "123456789012345678901234567890", "0.5", "\"\"", "\"\\ud800\"", "\"\\u0000\"", "[]", "{}", "[[[[[]]]]]",
            "\"" + "long ".repeat(2000) + "\"", "\"\uD83D\uDE00\"");
    private static final Set<Integer> EXPECTED_STATUSES = Set.of(200, 400, 404, 405, 413);

    @Test
    void everyMutatedRequestGetsAWellFormedAnswerAndTheGatewayLivesOn() throws Exception {
        var log = new CopyOnWriteArrayList<String>();
        try (var gateway = Gateway.start(Settings.from(Map.of("PORT", "0", "ECHO_TOKEN_DELAY_MS", "0",
                "MAX_BODY_BYTES", "8192")), new Log(log::add))) {
            var random = new Random(SEED);
            for (int i = 0; i < REQUESTS; i++) {
                HttpRequest request = randomRequest(random, gateway.uri());
                HttpResponse<String> response = TestHttp.send(request);
                String context = "seed " + SEED + ", request " + i + ": " + request.method() + " " + request.uri()
                        + " " + request.headers().map() + " → " + response.statusCode() + " " + response.body();
                checkAnswer(response, context);
            }
            var plain = TestHttp.post(gateway.uri().resolve("/v1/chat/completions"), VALID.getFirst());
            assertEquals(200, plain.statusCode(), "the gateway still serves: " + plain.body());
        }
        assertTrue(log.stream().noneMatch(line -> line.contains("\"event\":\"unexpected_exception\"")),
                () -> "a bug was logged: " + log.stream().filter(l -> l.contains("unexpected_exception")).findFirst().orElse(""));
    }

    private static void checkAnswer(HttpResponse<String> response, String context) {
        if (!EXPECTED_STATUSES.contains(response.statusCode())) {
            fail("unexpected status: " + context);
        }
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (response.statusCode() == 200 && type.startsWith("text/event-stream")) {
            List<String> data = TestHttp.dataLines(response.body());
            assertEquals("[DONE]", data.getLast(), context);
            data.subList(0, data.size() - 1).forEach(chunk -> parse(chunk, context));
            return;
        }
        JsonValue body = parse(response.body(), context);
        if (response.statusCode() == 200) {
            String object = response.uri().getPath().equals("/v1/models") ? "list" : "chat.completion";
            assertEquals(object, ((JsonObject) body).string("object").orElse(null), context);
            return;
        }
        JsonObject error = ((JsonObject) body).object("error").orElseThrow(() -> new AssertionError("no error object: " + context));
        assertEquals(Set.of("message", "type", "param", "code"), error.members().keySet(), context);
        assertTrue(error.string("message").isPresent() && error.string("type").isPresent(), context);
    }

    private static JsonValue parse(String text, String context) {
        try {
            return Json.parse(text);
        } catch (JsonException e) {
            throw new AssertionError("not JSON (" + e.getMessage() + "): " + context, e);
        }
    }

    private static HttpRequest randomRequest(Random random, URI base) {
        String path = switch (random.nextInt(20)) {
            case 0 -> "/v1/chat/completion";
            case 1 -> "/v1/chat/completions/" + random.nextInt(9);
            case 2 -> "/v1/models";
            default -> "/v1/chat/completions";
        };
        byte[] body = randomBody(random);
        var builder = HttpRequest.newBuilder(base.resolve(path));
        switch (random.nextInt(20)) {
            case 0 -> builder.GET();
            case 1 -> builder.method("PUT", HttpRequest.BodyPublishers.ofByteArray(body));
            case 2 -> builder.DELETE();
            default -> builder.POST(HttpRequest.BodyPublishers.ofByteArray(body));
        }
        for (int n = random.nextInt(3); n > 0; n--) {
            String name = List.of("Content-Type", "X-Request-ID", "Accept", "Request-Id", "Authorization", "X-Odd").get(random.nextInt(6));
            builder.header(name, randomHeaderValue(random));
        }
        return builder.build();
    }

    /** A valid request, mutated as text, with a field's value swapped for an odd one, or with its bytes broken. */
    private static byte[] randomBody(Random random) {
        String valid = VALID.get(random.nextInt(VALID.size()));
        String text = switch (random.nextInt(4)) {
            case 0 -> JsonFuzzTest.mutate(random, valid);
            case 1 -> valid.replaceFirst(":(\"[^\"]*\"|[0-9.]+|true|null)", ":" + java.util.regex.Matcher.quoteReplacement(
                    ODD_VALUES.get(random.nextInt(ODD_VALUES.size()))));
            case 2 -> "{\"messages\":" + "[".repeat(random.nextInt(2000)) + "]";
            default -> valid;
        };
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (random.nextInt(8) == 0 && bytes.length > 0) {
            bytes[random.nextInt(bytes.length)] = (byte) (0x80 + random.nextInt(128)); // invalid UTF-8, most likely
        }
        return bytes;
    }

    /** Visible ASCII and spaces, which is all HttpClient lets through, sometimes very long. */
    private static String randomHeaderValue(Random random) {
        int length = random.nextInt(10) == 0 ? 200 + random.nextInt(300) : 1 + random.nextInt(20);
        var s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append((char) (' ' + random.nextInt(95)));
        }
        return s.toString().strip().isEmpty() ? "x" : s.toString().strip();
    }
}
