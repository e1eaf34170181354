package gateway;

import static gateway.TestHttp.errorCode;
import static gateway.TestHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.config.Settings;
import gateway.json.JsonArray;
import gateway.json.JsonNumber;
import gateway.json.JsonObject;
import gateway.json.JsonValue;
import gateway.observe.Log;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /v1/completions}, {@code /v1/embeddings} and {@code /v1/responses} in echo mode, behind a key, end to end. */
class OperationsEchoTest {
    static final String KEY = "sk-ops-alice";
    static final List<String> logLines = new CopyOnWriteArrayList<>();
    static Gateway gateway;

    @BeforeAll
    static void start() {
        gateway = Gateway.start(Settings.from(Map.of("PORT", "0", "ECHO_TOKEN_DELAY_MS", "0", "API_KEYS", "alice:" + KEY)),
                new Log(logLines::add));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    static HttpResponse<String> post(String path, String body, String... headers) {
        var all = new ArrayList<>(List.of("Authorization", "Bearer " + KEY));
        all.addAll(List.of(headers));
        return TestHttp.post(gateway.uri().resolve(path), body, all.toArray(String[]::new));
    }

    static JsonObject choice(JsonObject reply, int index) {
        return (JsonObject) reply.array("choices").orElseThrow().get(index);
    }

    /** The request's log line, found by its id. */
    static JsonObject logLine(String requestId) {
        Fleet.await("the log line of " + requestId, () -> logLines.stream().anyMatch(line -> line.contains(requestId)));
        return json(logLines.stream().filter(line -> line.contains("\"request_id\":\"" + requestId + "\"")).findFirst().orElseThrow());
    }

    @Test
    void aTextCompletionEchoesEachPromptAsItsOwnChoice() {
        var response = post("/v1/completions", "{\"model\":\"m\",\"prompt\":[\"one two\",\"three\"]}", "X-Request-ID", "cmpl-1");
        assertEquals(200, response.statusCode());
        JsonObject reply = json(response);
        assertEquals("cmpl-1", reply.string("id").orElseThrow());
        assertEquals("text_completion", reply.string("object").orElseThrow());
        assertEquals("m", reply.string("model").orElseThrow());
        assertEquals("Echo: one two", choice(reply, 0).string("text").orElseThrow());
        assertEquals("Echo: three", choice(reply, 1).string("text").orElseThrow());
        assertEquals(1, choice(reply, 1).longValue("index").orElseThrow());
        assertEquals("stop", choice(reply, 0).string("finish_reason").orElseThrow());
        assertEquals("{\"prompt_tokens\":3,\"completion_tokens\":5,\"total_tokens\":8}", reply.get("usage").toJson());

        JsonObject line = logLine("cmpl-1");
        assertEquals("/v1/completions", line.string("path").orElseThrow());
        assertEquals(3, line.longValue("prompt_tokens").orElseThrow());
        assertEquals("alice", line.string("key").orElseThrow());
    }

    @Test
    void aStreamedTextCompletionShowsItsUsageOnlyWhenAsked() {
        List<String> frames = TestHttp.dataLines(post("/v1/completions", "{\"prompt\":\"hello world\",\"stream\":true}").body());
        assertEquals("[DONE]", frames.getLast());
        var text = new StringBuilder();
        for (String frame : frames.subList(0, frames.size() - 1)) {
            JsonObject chunk = json(frame);
            assertEquals("text_completion", chunk.string("object").orElseThrow());
            assertFalse(chunk.has("usage"), frame);
            text.append(choice(chunk, 0).string("text").orElseThrow());
        }
        assertEquals("Echo: hello world", text.toString());
        assertEquals("stop", choice(json(frames.get(frames.size() - 2)), 0).string("finish_reason").orElseThrow());

        frames = TestHttp.dataLines(post("/v1/completions",
                "{\"prompt\":\"hello world\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}").body());
        JsonObject usage = json(frames.get(frames.size() - 2));
        assertEquals(0, usage.array("choices").orElseThrow().size());
        assertEquals("text_completion", usage.string("object").orElseThrow());
        assertEquals("{\"prompt_tokens\":2,\"completion_tokens\":3,\"total_tokens\":5}", usage.get("usage").toJson());
    }

    static float[] floats(JsonValue embedding) {
        List<JsonValue> numbers = ((JsonArray) embedding).values();
        float[] vector = new float[numbers.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = Float.parseFloat(((JsonNumber) numbers.get(i)).text());
        }
        return vector;
    }

    static JsonObject embedding(JsonObject list, int index) {
        return (JsonObject) list.array("data").orElseThrow().get(index);
    }

    @Test
    void embeddingsAreUnitVectorsOfTheAskedSizeAsFloatsOrBase64() {
        JsonObject list = json(post("/v1/embeddings", "{\"model\":\"e\",\"input\":\"the cat sat\"}", "X-Request-ID", "emb-1"));
        assertEquals("list", list.string("object").orElseThrow());
        assertEquals("e", list.string("model").orElseThrow());
        float[] whole = floats(embedding(list, 0).get("embedding"));
        assertEquals(1536, whole.length);
        double norm = 0;
        for (float x : whole) {
            norm += x * x;
        }
        assertEquals(1.0, norm, 1e-4);
        assertEquals("{\"prompt_tokens\":3,\"total_tokens\":3}", list.get("usage").toJson());
        assertEquals(3, logLine("emb-1").longValue("prompt_tokens").orElseThrow());

        JsonObject two = json(post("/v1/embeddings", "{\"input\":[\"x\",\"the cat sat\"],\"dimensions\":8}"));
        float[] small = floats(embedding(two, 1).get("embedding"));
        assertEquals(8, small.length);
        assertEquals(1, embedding(two, 1).longValue("index").orElseThrow());

        JsonObject encoded = json(post("/v1/embeddings", "{\"input\":[\"x\",\"the cat sat\"],\"dimensions\":8,\"encoding_format\":\"base64\"}"));
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(embedding(encoded, 1).string("embedding").orElseThrow()))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (float x : small) {
            assertEquals(x, bytes.getFloat()); // the same numbers, as 32-bit little-endian floats
        }
        assertFalse(bytes.hasRemaining());
    }

    @Test
    void embeddingsRefuseAStreamAndMoreNumbersThanEchoModeAnswers() {
        var stream = post("/v1/embeddings", "{\"input\":\"x\",\"stream\":true}");
        assertEquals(400, stream.statusCode());
        assertEquals("invalid_stream", errorCode(stream));
        String many = "[" + "\"x\",".repeat(199) + "\"x\"]";
        var tooMany = post("/v1/embeddings", "{\"input\":" + many + ",\"dimensions\":2048}");
        assertEquals(400, tooMany.statusCode());
        assertEquals("too_many_numbers", errorCode(tooMany));
        assertEquals(200, post("/v1/embeddings", "{\"input\":" + many + ",\"dimensions\":2048,\"encoding_format\":\"base64\"}").statusCode());
    }

    @Test
    void aResponseEchoesTheLastUserMessageWithItsOwnUsageNames() {
        JsonObject response = json(post("/v1/responses", "{\"model\":\"r\",\"instructions\":\"Be brief.\",\"input\":\"hello world\"}",
                "X-Request-ID", "resp-1"));
        assertEquals("resp_resp-1", response.string("id").orElseThrow());
        assertEquals("response", response.string("object").orElseThrow());
        assertEquals("completed", response.string("status").orElseThrow());
        assertEquals("Be brief.", response.string("instructions").orElseThrow());
        JsonObject message = (JsonObject) response.array("output").orElseThrow().get(0);
        assertEquals("assistant", message.string("role").orElseThrow());
        JsonObject text = (JsonObject) message.array("content").orElseThrow().get(0);
        assertEquals("output_text", text.string("type").orElseThrow());
        assertEquals("Echo: hello world", text.string("text").orElseThrow());
        JsonObject usage = response.object("usage").orElseThrow();
        assertEquals(4, usage.longValue("input_tokens").orElseThrow());
        assertEquals(3, usage.longValue("output_tokens").orElseThrow());
        JsonObject line = logLine("resp-1");
        assertEquals(4, line.longValue("prompt_tokens").orElseThrow());
        assertEquals(3, line.longValue("completion_tokens").orElseThrow());
    }

    @Test
    void aStreamedResponseIsNamedEventsEndingWithTheCompletedResponse() {
        var response = post("/v1/responses", "{\"input\":[{\"role\":\"user\",\"content\":\"hello world\"}],\"stream\":true}",
                "X-Request-ID", "resp-2");
        assertEquals("text/event-stream; charset=utf-8", response.headers().firstValue("Content-Type").orElseThrow());
        String[] events = response.body().split("\n\n");
        var text = new StringBuilder();
        var types = new ArrayList<String>();
        for (int i = 0; i < events.length; i++) {
            String[] lines = events[i].split("\n");
            assertEquals(2, lines.length, events[i]);
            JsonObject event = json(lines[1].substring("data: ".length()));
            String type = event.string("type").orElseThrow();
            assertEquals("event: " + type, lines[0]);
            assertEquals(i, event.longValue("sequence_number").orElseThrow());
            types.add(type);
            if (type.equals("response.output_text.delta")) {
                text.append(event.string("delta").orElseThrow());
            }
        }
        assertEquals(List.of("response.created", "response.in_progress", "response.output_item.added",
                "response.content_part.added"), types.subList(0, 4));
        assertEquals(List.of("response.output_text.done", "response.content_part.done", "response.output_item.done",
                "response.completed"), types.subList(types.size() - 4, types.size()));
        assertEquals("Echo: hello world", text.toString());
        assertFalse(response.body().contains("[DONE]"));
        JsonObject line = logLine("resp-2");
        assertEquals("true", line.get("stream").toJson());
        assertEquals(3, line.longValue("completion_tokens").orElseThrow());
    }

    @Test
    void everyRouteNeedsTheKeyAndIsCountedUnderItsOwnRouteAndChargedToTheKey() {
        for (String path : List.of("/v1/completions", "/v1/embeddings", "/v1/responses")) {
            var refused = TestHttp.post(gateway.uri().resolve(path), "{}");
            assertEquals(401, refused.statusCode(), path);
        }
        post("/v1/embeddings", "{\"input\":\"counted words here\"}");
        JsonObject metrics = json(TestHttp.get(gateway.uri().resolve("/metrics")));
        JsonObject routes = metrics.object("requests").orElseThrow();
        for (String route : List.of("POST /v1/completions", "POST /v1/embeddings", "POST /v1/responses")) {
            assertTrue(routes.object(route).isPresent(), route + " in " + routes.toJson());
        }
        JsonObject mine = json(TestHttp.get(gateway.uri().resolve("/me/usage"), "Authorization", "Bearer " + KEY));
        JsonObject today = mine.object("key").orElseThrow().object("usage").orElseThrow().object("today").orElseThrow();
        assertTrue(today.longValue("input_tokens").orElseThrow() >= 3, today.toJson());
    }

    @Test
    void anUnknownPathUnderV1StillGetsTheOpenAiShaped404AndAWrongMethodA405() {
        var response = post("/v1/audio/speech", "{}");
        assertEquals(404, response.statusCode());
        assertEquals("not_found", errorCode(response));
        var wrongMethod = TestHttp.get(gateway.uri().resolve("/v1/embeddings"), "Authorization", "Bearer " + KEY);
        assertEquals(405, wrongMethod.statusCode());
        assertEquals("POST", wrongMethod.headers().firstValue("Allow").orElseThrow());
    }
}
