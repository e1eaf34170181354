package examples;

import static examples.Http.chat;
import static examples.Http.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import gateway.Gateway;
import gateway.json.Json;
import gateway.json.JsonObject;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Lesson 3: the structured log, in a sink of one's own.
 *
 * <p>Teaches: the gateway logs one JSON object per line: {@code time}, {@code level} and
 * {@code event} first, then the event's fields. Every request ends in one {@code request}
 * line holding what happened to it (status, latency, model, backend, tokens, key, error code).
 * {@code log(sink)} sends the lines to any {@code Consumer<String>}: a file, a test's queue, a
 * log shipper. The line is written once the response has ended (measure after completion),
 * which can be just after the client has read it: so the test waits for it on a queue rather
 * than reading a list at once, and never sleeps.
 *
 * <p>Exercise: send a request with a bad body ({@code {"messages": 3}}) and find its
 * {@code error_code} in the request line; then count the {@code warn} lines of a gateway
 * whose mock backend always fails (lesson 4's {@code withErrorRate(1)}).
 */
class Lesson3LogTest {

    @Test
    void everyRequestEndsInOneJsonLine() throws InterruptedException {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>(); // thread-safe: lines come from request threads
        try (var gateway = Gateway.builder().port(0).log(lines::add).start()) {
            var response = post(gateway, "/v1/chat/completions", chat("count these four words"), "X-Request-ID", "lesson-3");
            assertEquals(200, response.statusCode());

            JsonObject request = nextEvent(lines, "request");
            assertEquals("lesson-3", request.string("request_id").orElseThrow(), "the client's id, or a new one");
            assertEquals("/v1/chat/completions", request.string("path").orElseThrow());
            assertEquals(200, request.longValue("status").orElseThrow());
            assertEquals("echo", request.string("backend").orElseThrow());
            assertEquals(4, request.longValue("prompt_tokens").orElseThrow(), "the echo counts words as tokens");
            assertTrue(request.has("latency_ms"));
        }
    }

    /** The next line of {@code event}, parsed; the lines before it (the start, …) are passed over. */
    private static JsonObject nextEvent(BlockingQueue<String> lines, String event) throws InterruptedException {
        for (String line = lines.poll(10, TimeUnit.SECONDS); line != null; line = lines.poll(10, TimeUnit.SECONDS)) {
            var parsed = (JsonObject) Json.parse(line);
            if (parsed.string("event").orElseThrow().equals(event)) {
                return parsed;
            }
        }
        return fail("no " + event + " line within 10 s");
    }
}
