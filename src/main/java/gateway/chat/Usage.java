package gateway.chat;

import gateway.json.JsonObject;
import java.util.Optional;

/**
 * Token counts of one completion.
 *
 * @param estimated true when the gateway counted the tokens itself rather than
 *                  being told them by the model
 */
public record Usage(long promptTokens, long completionTokens, boolean estimated) {

    public long totalTokens() {
        return promptTokens + completionTokens;
    }

    /** OpenAI's usage object. */
    public JsonObject toJson() {
        return JsonObject.builder()
                .put("prompt_tokens", promptTokens)
                .put("completion_tokens", completionTokens)
                .put("total_tokens", totalTokens())
                .build();
    }

    /**
     * A backend's usage object with OpenAI's three counts filled in from whichever names
     * it used; its other members (such as {@code prompt_tokens_details}) are kept.
     */
    public static JsonObject standardized(JsonObject usage) {
        return from(usage).map(counts -> usage.toBuilder()
                .put("prompt_tokens", counts.promptTokens())
                .put("completion_tokens", counts.completionTokens())
                .put("total_tokens", counts.totalTokens())
                .build()).orElse(usage);
    }

    /**
     * Reads a usage object, accepting the names other APIs use for the same counts:
     * OpenAI's Responses API and Anthropic ({@code input_tokens}/{@code output_tokens}).
     */
    public static Optional<Usage> from(JsonObject usage) {
        Optional<Long> prompt = usage.longValue("prompt_tokens").or(() -> usage.longValue("input_tokens"));
        Optional<Long> completion = usage.longValue("completion_tokens").or(() -> usage.longValue("output_tokens"));
        if (prompt.isEmpty() && completion.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Usage(prompt.orElse(0L), completion.orElse(0L), false));
    }
}
