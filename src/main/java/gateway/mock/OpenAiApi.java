package gateway.mock;

import com.sun.net.httpserver.HttpExchange;
import gateway.json.JsonArray;
import gateway.json.JsonBoolean;
import gateway.json.JsonNumber;
import gateway.json.JsonObject;
import gateway.json.JsonValue;
import gateway.openai.Operation;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * OpenAI's chat completions as llama.cpp's {@code llama-server} answers them (and, through
 * {@link MoreOperations}, text completions, embeddings and responses): whole, or
 * streamed word by word, with llama.cpp's {@code timings} (how much of the prompt came
 * from the cache) and the usage's {@code prompt_tokens_details.cached_tokens}, which is
 * where vLLM and OpenAI report the same.
 */
final class OpenAiApi implements Api {
    private static final String ID = "chatcmpl-mock";

    private final MockOptions options;
    private final Engine engine;
    private final Misbehaviour misbehaviour;
    private final MoreOperations more;

    OpenAiApi(MockOptions options, Engine engine, Misbehaviour misbehaviour) {
        this.options = options;
        this.engine = engine;
        this.misbehaviour = misbehaviour;
        this.more = new MoreOperations(options, engine);
    }

    /** The paths it serves: chat's, and those of {@link MoreOperations}. */
    static boolean serves(String path) {
        return Arrays.stream(Operation.values()).anyMatch(operation -> operation.path().equals(path));
    }

    @Override
    public void serve(HttpExchange exchange, JsonObject body, long arrived) throws IOException, InterruptedException {
        String path = exchange.getRequestURI().getPath();
        for (Operation operation : Operation.values()) {
            if (operation != Operation.CHAT && operation.path().equals(path)) {
                more.serve(exchange, operation, body);
                return;
            }
        }
        String model = body.string("model").orElse(options.model());
        PromptText prompt = PromptText.ofMessages(body.array("messages").orElse(JsonArray.of()));
        boolean stream = body.get("stream") == JsonBoolean.TRUE;
        boolean includeUsage = body.object("stream_options").map(o -> o.get("include_usage") == JsonBoolean.TRUE).orElse(false);
        try (Engine.Turn turn = engine.begin(prompt)) {
            if (stream) {
                stream(exchange, model, turn.prefill(), includeUsage);
            } else {
                whole(exchange, model, turn.prefill());
            }
            engine.generated(prompt, options.reply());
        }
    }

    private void whole(HttpExchange exchange, String model, Engine.Prefill prefill) throws IOException {
        long started = System.nanoTime();
        int completion = Engine.completionTokens(options.reply());
        JsonObject message = JsonObject.builder().put("role", "assistant").put("content", options.reply()).build();
        Api.send(exchange, 200, head(model, "chat.completion")
                .put("choices", JsonArray.of(JsonObject.builder().put("index", 0).put("message", message)
                        .put("finish_reason", "stop").build()))
                .put("usage", usage(prefill, completion))
                .put("timings", timings(prefill, completion, started))
                .build());
    }

    private void stream(HttpExchange exchange, String model, Engine.Prefill prefill, boolean includeUsage)
            throws IOException {
        long started = System.nanoTime();
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        String[] words = options.reply().split("(?<=\\S)(?=\\s)");
        boolean cut = misbehaviour.cutsStream();
        boolean garbage = misbehaviour.garblesStream();
        for (int i = 0; i < words.length; i++) {
            if (i > 0) {
                Engine.pause(options.pacing().tokenDelay());
            }
            if (i == words.length / 2 && garbage) {
                out.write("<html>an injected line that is not Server-Sent Events</html>\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            if (i == words.length / 2 && cut) {
                return; // the stream ends here, without [DONE]
            }
            var delta = JsonObject.builder();
            if (i == 0) {
                delta.put("role", "assistant");
            }
            event(out, chunk(model, delta.put("content", words[i]).build(), null).build());
        }
        int completion = Engine.completionTokens(options.reply());
        // llama.cpp puts its timings in the chunk that carries the finish_reason.
        event(out, chunk(model, JsonObject.builder().build(), "stop")
                .put("timings", timings(prefill, completion, started)).build());
        if (includeUsage) {
            event(out, head(model, "chat.completion.chunk").put("choices", JsonArray.of())
                    .put("usage", usage(prefill, completion)).build());
        }
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void error(HttpExchange exchange, int status, String message) throws IOException {
        // llama.cpp's error format: a numeric code and a type named after the status.
        String type = switch (status) {
            case 400 -> "invalid_request_error";
            case 404 -> "not_found_error";
            case 503 -> "unavailable_error";
            default -> "server_error";
        };
        Api.send(exchange, status, JsonObject.builder().put("error", JsonObject.builder()
                .put("code", status).put("message", message).put("type", type).build()).build());
    }

    /** OpenAI's 429: the retry hint in both headers the SDKs read, the error in OpenAI's shape. */
    @Override
    public void rateLimited(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Retry-After", "1");
        exchange.getResponseHeaders().set("retry-after-ms", "1000");
        Api.send(exchange, 429, JsonObject.builder().put("error", JsonObject.builder()
                .put("message", "injected rate limit").put("type", "rate_limit_error")
                .put("code", "rate_limit_exceeded").build()).build());
    }

    /** The members every completion and chunk starts with. */
    private static JsonObject.Builder head(String model, String object) {
        return JsonObject.builder().put("id", ID).put("object", object)
                .put("created", Instant.now().getEpochSecond()).put("model", model);
    }

    private static JsonObject.Builder chunk(String model, JsonObject delta, String finishReason) {
        JsonObject choice = JsonObject.builder().put("index", 0).put("delta", delta).put("finish_reason", finishReason).build();
        return head(model, "chat.completion.chunk").put("choices", JsonArray.of(choice));
    }

    private static JsonObject usage(Engine.Prefill prefill, int completion) {
        return JsonObject.builder().put("prompt_tokens", prefill.promptTokens()).put("completion_tokens", completion)
                .put("total_tokens", prefill.promptTokens() + completion)
                .put("prompt_tokens_details", JsonObject.builder().put("cached_tokens", prefill.cachedTokens()).build())
                .build();
    }

    /** llama.cpp's {@code timings}; {@code predicted_ms} is the time since the prefill ended. */
    private static JsonObject timings(Engine.Prefill prefill, int completion, long generationStarted) {
        return JsonObject.builder().put("prompt_n", prefill.recomputed()).put("cache_n", prefill.cachedTokens())
                .put("prompt_ms", milliseconds(prefill.promptMs())).put("predicted_n", completion)
                .put("predicted_ms", milliseconds((System.nanoTime() - generationStarted) / 1e6)).build();
    }

    private static JsonValue milliseconds(double ms) {
        return JsonNumber.of(Math.round(ms * 1000) / 1000.0);
    }

    private static void event(OutputStream out, JsonValue data) throws IOException {
        out.write(("data: " + data.toJson() + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
