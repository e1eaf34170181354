package gateway.openai;

import static gateway.openai.FieldChecks.present;

import gateway.http.ApiError;
import gateway.json.JsonArray;
import gateway.json.JsonObject;
import gateway.json.JsonString;
import gateway.json.JsonValue;
import java.util.Set;

/**
 * The rules a chat request must meet before any backend sees it, after the OpenAI API
 * reference ("Create chat completion"). Each failure is a 400 whose {@code code} names
 * the rule and whose {@code param} names the field, down to {@code messages[2].role}.
 * Fields not named here (tools, response_format, seed, …) are the backend's to judge.
 */
final class ChatChecks {
    static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");
    /** OpenAI's own ceiling for {@code n}. */
    static final int MAX_CHOICES = 128;

    private ChatChecks() {
    }

    static void check(JsonObject body, ModelRequest.Limits limits) {
        FieldChecks.model(body);
        messages(body.get("messages"), limits.maxMessages());
        FieldChecks.stream(body);
        FieldChecks.integer(body, "max_tokens", 1, limits.maxTokens(), "invalid_max_tokens");
        FieldChecks.integer(body, "max_completion_tokens", 1, limits.maxTokens(), "invalid_max_tokens");
        FieldChecks.integer(body, "n", 1, MAX_CHOICES, "invalid_n");
        FieldChecks.sampling(body);
        FieldChecks.stop(body.get("stop"));
    }

    private static void messages(JsonValue messages, int maxMessages) {
        if (!(messages instanceof JsonArray list) || list.size() == 0) {
            throw invalidMessage("messages", "'messages' must be a non-empty array of messages.");
        }
        if (list.size() > maxMessages) {
            throw invalidMessage("messages", "'messages' holds " + list.size() + " messages; at most " + maxMessages
                    + " are accepted (MAX_MESSAGES).");
        }
        for (int i = 0; i < list.size(); i++) {
            message(list.get(i), "messages[" + i + "]");
        }
    }

    private static void message(JsonValue value, String at) {
        if (!(value instanceof JsonObject message)) {
            throw invalidMessage(at, at + " must be an object with a 'role' and a 'content'.");
        }
        String role = message.string("role").orElse(null);
        if (role == null || !ROLES.contains(role)) {
            throw invalidMessage(at + ".role", at + ".role must be one of assistant, developer, system, tool, user.");
        }
        JsonValue content = message.get("content");
        if (!present(content)) {
            // An assistant turn that only calls tools has no content (OpenAI reference).
            boolean callsTools = role.equals("assistant") && (present(message.get("tool_calls")) || present(message.get("function_call")));
            if (!callsTools) {
                throw invalidMessage(at + ".content", at + ".content is required; only an assistant message with 'tool_calls' may omit it.");
            }
        } else if (content instanceof JsonArray parts) {
            FieldChecks.contentParts(parts, at + ".content", "invalid_messages");
        } else if (!(content instanceof JsonString)) {
            throw invalidMessage(at + ".content", at + ".content must be a string or an array of content parts.");
        }
    }

    private static ApiError invalidMessage(String param, String message) {
        return ApiError.invalidRequest("invalid_messages", param, message);
    }
}
