package gateway.mock;

import com.sun.net.httpserver.HttpExchange;
import gateway.json.JsonArray;
import gateway.json.JsonNull;
import gateway.json.JsonNumber;
import gateway.json.JsonObject;
import gateway.json.JsonString;
import gateway.json.JsonValue;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The simple "prompt" APIs that a gateway must adapt to OpenAI's: one prompt in, one JSON
 * document out, never a stream, each with its own field names ({@link Shape} lists them).
 * Their errors are a bare {@code {"error":"text"}}, as the seed vendor's were. They run on
 * the same {@link Engine} as the OpenAI shape: their prompt, after their system prompt,
 * takes a slot and is processed through the prefix cache like a conversation.
 */
final class PromptApi implements Api {
    private final MockOptions options;
    private final Engine engine;

    PromptApi(MockOptions options, Engine engine) {
        this.options = options;
        this.engine = engine;
    }

    @Override
    public void serve(HttpExchange exchange, JsonObject body, long arrived) throws IOException, InterruptedException {
        Optional<String> problem = problem(body);
        if (problem.isPresent()) {
            error(exchange, 400, problem.get());
            return;
        }
        String prompt = body.string("prompt").orElseThrow();
        String systemPrompt = options.shape() == Shape.CHAT ? null : body.string("system_prompt").orElse(null);
        try (Engine.Turn turn = engine.begin(PromptText.ofPrompt(systemPrompt, prompt))) {
            Api.send(exchange, 200, reply(prompt, turn.prefill(), arrived));
        }
    }

    private JsonObject reply(String prompt, Engine.Prefill prefill, long arrived) {
        String text = options.reply();
        int completion = Engine.completionTokens(text);
        return switch (options.shape()) {
            case CHAT -> JsonObject.builder().put("response", text).build();
            case VENDOR_A -> JsonObject.builder().put("outputText", text).put("tokensIn", prefill.promptTokens())
                    .put("tokensOut", completion).put("latencyMS", (System.nanoTime() - arrived) / 1_000_000).build();
            case VENDOR_B -> JsonObject.builder()
                    .put("choices", JsonArray.of(JsonObject.builder()
                            .put("message", JsonObject.builder().put("content", text).build()).build()))
                    .put("usage", JsonObject.builder().put("input_tokens", prefill.promptTokens())
                            .put("output_tokens", completion).build())
                    .build();
            case VENDOR_C -> JsonObject.builder().put("response", "You entered: " + prompt).build();
            case OPENAI -> throw new IllegalStateException("OpenAI's shape is OpenAiApi's");
        };
    }

    /**
     * What is wrong with a request, if anything: it needs a string prompt, and the optional
     * fields its API knows must have their type when present (null counts as absent).
     */
    private Optional<String> problem(JsonObject body) {
        JsonValue prompt = body.get("prompt");
        if (prompt == null || prompt == JsonNull.INSTANCE) {
            return Optional.of("prompt is required");
        }
        if (!(prompt instanceof JsonString)) {
            return Optional.of("prompt must be a string");
        }
        boolean chat = options.shape() == Shape.CHAT;
        for (String field : chat ? List.of("max_new_tokens", "temperature", "top_p") : List.<String>of()) {
            if (present(body, field) && !(body.get(field) instanceof JsonNumber)) {
                return Optional.of(field + " must be a number");
            }
        }
        for (String field : chat ? List.<String>of() : List.of("system_prompt", "model")) {
            if (present(body, field) && !(body.get(field) instanceof JsonString)) {
                return Optional.of(field + " must be a string");
            }
        }
        return Optional.empty();
    }

    private static boolean present(JsonObject body, String field) {
        return body.get(field) != null && body.get(field) != JsonNull.INSTANCE;
    }

    @Override
    public void error(HttpExchange exchange, int status, String message) throws IOException {
        Api.send(exchange, status, JsonObject.builder().put("error", message).build());
    }

    /** The seed vendor's 429: the retry hint in the body, and no {@code Retry-After} header. */
    @Override
    public void rateLimited(HttpExchange exchange) throws IOException {
        Api.send(exchange, 429, JsonObject.builder().put("error", "rate limited").put("retryAfterMs", 1000).build());
    }
}
