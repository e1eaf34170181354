package gateway.openai;

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
     * Prompt tokens the backend found in its cache and did not compute again, from a
     * completion or a stream chunk, or -1 when it does not say: llama.cpp's
     * {@code timings.cache_n}, or on older builds {@code usage.prompt_tokens − timings.prompt_n};
     * else {@code usage.prompt_tokens_details.cached_tokens} (OpenAI, vLLM).
     */
    public static long cachedTokens(JsonObject timings, JsonObject usage) {
        if (timings != null && timings.longValue("cache_n").isPresent()) {
            return timings.longValue("cache_n").get();
        }
        Optional<Long> prompt = usage == null ? Optional.empty() : usage.longValue("prompt_tokens");
        if (timings != null && timings.longValue("prompt_n").isPresent() && prompt.isPresent()) {
            return Math.max(0, prompt.get() - timings.longValue("prompt_n").get());
        }
        return usage == null ? -1 : usage.object("prompt_tokens_details")
                .flatMap(details -> details.longValue("cached_tokens")).orElse(-1L);
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
