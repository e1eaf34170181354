package gateway.openai;

import static gateway.openai.FieldChecks.present;

import gateway.http.ApiError;
import gateway.json.JsonArray;
import gateway.json.JsonObject;
import gateway.json.JsonString;
import gateway.json.JsonValue;
import java.util.Set;

/**
 * The rules of a Responses API request ({@code POST /v1/responses}), after the OpenAI API
 * reference ("Create a model response"). Its {@code input} is a string or a list of
 * items: messages (a role and a content) or other typed items (tool calls and their
 * outputs, references to earlier items), which are the backend's to judge.
 */
final class ResponseChecks {
    static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant");

    private ResponseChecks() {
    }

    static void check(JsonObject body, ModelRequest.Limits limits) {
        FieldChecks.model(body);
        input(body, limits.maxMessages());
        FieldChecks.string(body, "instructions");
        FieldChecks.string(body, "previous_response_id");
        FieldChecks.stream(body);
        FieldChecks.integer(body, "max_output_tokens", 1, limits.maxTokens(), "invalid_max_output_tokens");
        FieldChecks.number(body, "temperature", 0, 2);
        FieldChecks.number(body, "top_p", 0, 1);
        FieldChecks.bool(body, "store");
    }

    private static void input(JsonObject body, int maxItems) {
        JsonValue input = body.get("input");
        if (!present(input)) {
            // A response may go on from a stored one, or from a stored prompt, with nothing new.
            if (present(body.get("previous_response_id")) || present(body.get("prompt")) || present(body.get("conversation"))) {
                return;
            }
            throw invalid("input", "'input' is required: a string, or an array of input items.");
        }
        if (input instanceof JsonString s) {
            if (s.value().isEmpty()) {
                throw invalid("input", "'input' must not be an empty string.");
            }
            return;
        }
        if (!(input instanceof JsonArray items) || items.size() == 0) {
            throw invalid("input", "'input' must be a string, or a non-empty array of input items.");
        }
        if (items.size() > maxItems) {
            throw invalid("input", "'input' holds " + items.size() + " items; at most " + maxItems
                    + " are accepted (MAX_MESSAGES).");
        }
        for (int i = 0; i < items.size(); i++) {
            item(items.get(i), "input[" + i + "]");
        }
    }

    private static void item(JsonValue value, String at) {
        if (!(value instanceof JsonObject item)) {
            throw invalid(at, at + " must be an object: a message with a 'role' and a 'content', or an item with a 'type'.");
        }
        if (!present(item.get("role"))) {
            if (item.string("type").isEmpty()) {
                throw invalid(at, at + " must have a 'role' (a message) or a string 'type' (another item).");
            }
            return;
        }
        if (!(item.get("role") instanceof JsonString role) || !ROLES.contains(role.value())) {
            throw invalid(at + ".role", at + ".role must be one of assistant, developer, system, user.");
        }
        JsonValue content = item.get("content");
        if (content instanceof JsonArray parts) {
            FieldChecks.contentParts(parts, at + ".content", "invalid_input");
        } else if (!(content instanceof JsonString)) {
            throw invalid(at + ".content", at + ".content must be a string or an array of content parts.");
        }
    }

    private static ApiError invalid(String param, String message) {
        return ApiError.invalidRequest("invalid_input", param, message);
    }
}
