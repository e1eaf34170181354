package gateway.openai;

import gateway.http.ApiError;
import gateway.json.JsonObject;

/**
 * The rules of a text completion ({@code POST /v1/completions}), after the OpenAI API
 * reference ("Create completion"): a prompt, and the sampling fields chat has too.
 * {@code suffix} (fill in the middle), {@code echo} and {@code logprobs} are checked for
 * type; what a model makes of them is the backend's to judge.
 */
final class CompletionChecks {
    /** OpenAI's ceilings for {@code best_of} and {@code logprobs} on this route. */
    static final int MAX_BEST_OF = 20;
    static final int MAX_LOGPROBS = 5;

    private CompletionChecks() {
    }

    static void check(JsonObject body, ModelRequest.Limits limits) {
        FieldChecks.model(body);
        if (!FieldChecks.present(body.get("prompt"))) {
            throw ApiError.invalidRequest("invalid_prompt", "prompt", "'prompt' is required: a string, an array of strings,"
                    + " an array of token ids, or an array of such arrays.");
        }
        Inputs.check(body.get("prompt"), "prompt", limits.maxMessages(), "MAX_MESSAGES");
        FieldChecks.stream(body);
        FieldChecks.integer(body, "max_tokens", 1, limits.maxTokens(), "invalid_max_tokens");
        FieldChecks.integer(body, "n", 1, ChatChecks.MAX_CHOICES, "invalid_n");
        FieldChecks.integer(body, "best_of", 1, MAX_BEST_OF, "invalid_best_of");
        FieldChecks.integer(body, "logprobs", 0, MAX_LOGPROBS, "invalid_logprobs");
        FieldChecks.sampling(body);
        FieldChecks.stop(body.get("stop"));
        FieldChecks.string(body, "suffix");
        FieldChecks.bool(body, "echo");
    }
}
