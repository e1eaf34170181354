package gateway.mock;

import com.sun.net.httpserver.HttpExchange;
import gateway.json.JsonBoolean;
import gateway.json.JsonObject;
import gateway.openai.Embeddings;
import gateway.openai.ModelRequest;
import gateway.openai.Operation;
import gateway.openai.TextReplies;
import gateway.openai.Usage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The OpenAI operations a server like vLLM serves besides chat: text completions (whole,
 * or streamed word by word with the usage chunk when asked, then {@code [DONE]}),
 * embeddings (a vector per input, as floats or base64), and responses (whole, or its
 * named events, ending with {@code response.completed} and no {@code [DONE]}). Each takes
 * a slot and its prompt's prefill like a chat; the injected faults are chat's alone.
 */
final class MoreOperations {
    /** The mock's vectors are small: what is tested is their shape, not their meaning. */
    static final int DIMENSIONS = 16;

    private final MockOptions options;
    private final Engine engine;

    MoreOperations(MockOptions options, Engine engine) {
        this.options = options;
        this.engine = engine;
    }

    void serve(HttpExchange exchange, Operation operation, JsonObject body) throws IOException, InterruptedException {
        String model = body.string("model").orElse(options.model());
        boolean stream = body.get("stream") == JsonBoolean.TRUE;
        boolean includeUsage = body.object("stream_options").map(o -> o.get("include_usage") == JsonBoolean.TRUE).orElse(false);
        var request = new ModelRequest(operation, "mock-" + Long.toHexString(System.nanoTime()), model, stream, includeUsage,
                body, new byte[0]);
        PromptText prompt = PromptText.ofTurns(request.turns());
        try (Engine.Turn turn = engine.begin(prompt)) {
            var usage = new Usage(turn.prefill().promptTokens(), Engine.completionTokens(options.reply()), false);
            if (operation == Operation.EMBEDDING) {
                embeddings(exchange, request, usage.promptTokens());
            } else if (stream) {
                stream(exchange, request, usage);
            } else {
                List<String> texts = request.inputs().stream().map(input -> options.reply()).toList();
                Api.send(exchange, 200, TextReplies.of(request, model, Instant.now().getEpochSecond()).whole(texts, usage));
            }
            engine.generated(prompt, options.reply());
        }
    }

    private void embeddings(HttpExchange exchange, ModelRequest request, long promptTokens) throws IOException {
        int dimensions = request.body().longValue("dimensions").map(Long::intValue).orElse(DIMENSIONS);
        var vectors = new ArrayList<float[]>();
        for (String input : request.inputs()) {
            vectors.add(vector(input, dimensions));
        }
        Api.send(exchange, 200, Embeddings.list(request.model(), vectors, Embeddings.base64(request), promptTokens));
    }

    /** A unit vector that depends on the text only. */
    private static float[] vector(String text, int dimensions) {
        float[] vector = new float[dimensions];
        double norm = 0;
        for (int i = 0; i < dimensions; i++) {
            vector[i] = (float) Math.sin(text.hashCode() + 31.0 * i);
            norm += vector[i] * vector[i];
        }
        for (int i = 0; i < dimensions; i++) {
            vector[i] /= (float) Math.sqrt(norm);
        }
        return vector;
    }

    private void stream(HttpExchange exchange, ModelRequest request, Usage usage) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        TextReplies replies = TextReplies.of(request, request.model(), Instant.now().getEpochSecond());
        for (JsonObject frame : replies.opening()) {
            event(out, frame);
        }
        String[] words = options.reply().split("(?<=\\S)(?=\\s)");
        for (int choice = 0; choice < request.inputs().size(); choice++) {
            for (int i = 0; i < words.length; i++) {
                if (i > 0) {
                    Engine.pause(options.pacing().tokenDelay());
                }
                event(out, replies.piece(choice, words[i]));
            }
        }
        for (JsonObject frame : replies.closing(usage)) {
            boolean usageChunk = frame.has("usage") && !frame.has("type");
            if (!usageChunk || request.includeUsage()) { // a completion's usage chunk comes only when asked
                event(out, frame);
            }
        }
        if (request.operation() != Operation.RESPONSE) {
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
    }

    /** A Responses event is named after its type, as vLLM and OpenAI send them. */
    private static void event(OutputStream out, JsonObject frame) throws IOException {
        String name = frame.string("type").map(type -> "event: " + type + "\n").orElse("");
        out.write((name + "data: " + frame.toJson() + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
