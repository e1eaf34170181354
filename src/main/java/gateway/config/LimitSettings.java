package gateway.config;

import gateway.access.InFlightLimit;
import java.util.SequencedMap;

/**
 * How much one request, and all of them together, may ask of the gateway.
 *
 * @param maxBodyBytes        the largest request body accepted
 * @param maxTokens           the largest {@code max_tokens} (or {@code max_output_tokens}) a request may ask for
 * @param maxMessages         the most messages a chat may hold (prompts of a text completion, input items of a response)
 * @param maxRequestsInFlight model requests served at once, queued ones included; more are answered 503
 */
public record LimitSettings(int maxBodyBytes, int maxTokens, int maxMessages, int maxRequestsInFlight) {

    static void defaults(SequencedMap<String, String> defaults) {
        // 4 MiB: a long prompt is a few hundred KiB; room is left for base64 images.
        defaults.put("MAX_BODY_BYTES", "4194304");
        // Caps what one request can make a GPU generate; raise it for long-output models.
        defaults.put("MAX_TOKENS_LIMIT", "32768");
        // Long agent conversations reach hundreds of messages; thousands more only cost the gateway CPU.
        defaults.put("MAX_MESSAGES", "2048");
        // 0: derived from the heap, so that requests in flight cannot exhaust it (see InFlightLimit).
        defaults.put("MAX_REQUESTS_IN_FLIGHT", "0");
    }

    static LimitSettings read(SettingValues v) {
        int inFlight = v.integer("MAX_REQUESTS_IN_FLIGHT", 0, 1_000_000);
        return new LimitSettings(
                v.integer("MAX_BODY_BYTES", 1, 1 << 30),
                v.integer("MAX_TOKENS_LIMIT", 1, 10_000_000),
                v.integer("MAX_MESSAGES", 1, 1_000_000),
                inFlight > 0 ? inFlight : InFlightLimit.forHeap(Runtime.getRuntime().maxMemory()));
    }

    void effective(SequencedMap<String, String> values) {
        values.put("MAX_BODY_BYTES", Integer.toString(maxBodyBytes));
        values.put("MAX_TOKENS_LIMIT", Integer.toString(maxTokens));
        values.put("MAX_MESSAGES", Integer.toString(maxMessages));
        values.put("MAX_REQUESTS_IN_FLIGHT", Integer.toString(maxRequestsInFlight));
    }
}
