package gateway.chat;

import gateway.http.ApiError;
import gateway.json.JsonArray;
import gateway.json.JsonBoolean;
import gateway.json.JsonNull;
import gateway.json.JsonNumber;
import gateway.json.JsonObject;
import gateway.json.JsonString;
import gateway.json.JsonValue;
import java.util.Set;

/**
 * The rules a chat request must meet before any backend sees it, after the OpenAI API
 * reference ("Create chat completion"). Each failure is a 400 whose {@code code} names
 * the rule and whose {@code param} names the field, down to {@code messages[2].role}.
 * A field set to {@code null} counts as absent, as OpenAI's API takes it. Fields not
 * named here (tools, response_format, seed, …) are the backend's to judge.
 */
final class RequestChecks {
    static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");
    /** OpenAI accepts at most 4 stop sequences. */
    static final int MAX_STOP_SEQUENCES = 4;
    /** OpenAI's own ceiling for {@code n}. */
    static final int MAX_CHOICES = 128;

    private RequestChecks() {
    }

    static void check(JsonObject body, ChatRequest.Limits limits) {
        model(body.get("model"));
        messages(body.get("messages"), limits.maxMessages());
        stream(body);
        integer(body, "max_tokens", 1, limits.maxTokens(), "invalid_max_tokens");
        integer(body, "max_completion_tokens", 1, limits.maxTokens(), "invalid_max_tokens");
        integer(body, "n", 1, MAX_CHOICES, "invalid_n");
        number(body, "temperature", 0, 2);
        number(body, "top_p", 0, 1);
        number(body, "presence_penalty", -2, 2);
        number(body, "frequency_penalty", -2, 2);
        stop(body.get("stop"));
    }

    private static void model(JsonValue model) {
        if (present(model) && !(model instanceof JsonString s && !s.value().isBlank())) {
            throw ApiError.invalidRequest("invalid_model", "model", "'model' must be a non-empty string.");
        }
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
            for (int p = 0; p < parts.size(); p++) {
                if (!(parts.get(p) instanceof JsonObject part) || part.string("type").isEmpty()) {
                    String partAt = at + ".content[" + p + "]";
                    throw invalidMessage(partAt, partAt + " must be a content part: an object with a string 'type'.");
                }
            }
        } else if (!(content instanceof JsonString)) {
            throw invalidMessage(at + ".content", at + ".content must be a string or an array of content parts.");
        }
    }

    private static void stream(JsonObject body) {
        JsonValue stream = body.get("stream");
        if (present(stream) && !(stream instanceof JsonBoolean)) {
            throw ApiError.invalidRequest("invalid_stream", "stream", "'stream' must be true or false.");
        }
        JsonValue options = body.get("stream_options");
        if (present(options)) {
            if (stream != JsonBoolean.TRUE) {
                throw ApiError.invalidRequest("invalid_stream_options", "stream_options",
                        "'stream_options' is only allowed when 'stream' is true.");
            }
            if (!(options instanceof JsonObject o) || (present(o.get("include_usage")) && !(o.get("include_usage") instanceof JsonBoolean))) {
                throw ApiError.invalidRequest("invalid_stream_options", "stream_options",
                        "'stream_options' must be an object such as {\"include_usage\": true}.");
            }
        }
    }

    private static void integer(JsonObject body, String name, long min, long max, String code) {
        JsonValue value = body.get(name);
        if (present(value) && !(value instanceof JsonNumber n && n.isLong() && n.longValue() >= min && n.longValue() <= max)) {
            throw ApiError.invalidRequest(code, name, "'" + name + "' must be an integer from " + min + " to " + max + ".");
        }
    }

    private static void number(JsonObject body, String name, double min, double max) {
        JsonValue value = body.get(name);
        if (present(value) && !(value instanceof JsonNumber n && n.doubleValue() >= min && n.doubleValue() <= max)) {
            throw ApiError.invalidRequest("invalid_" + name, name, "'" + name + "' must be a number from "
                    + JsonNumber.of(min).text() + " to " + JsonNumber.of(max).text() + ".");
        }
    }

    private static void stop(JsonValue stop) {
        if (!present(stop) || stop instanceof JsonString) {
            return;
        }
        if (stop instanceof JsonArray list && list.size() <= MAX_STOP_SEQUENCES
                && list.values().stream().allMatch(JsonString.class::isInstance)) {
            return;
        }
        throw ApiError.invalidRequest("invalid_stop", "stop", "'stop' must be a string or an array of up to "
                + MAX_STOP_SEQUENCES + " strings.");
    }

    private static boolean present(JsonValue value) {
        return value != null && value != JsonNull.INSTANCE;
    }

    private static ApiError invalidMessage(String param, String message) {
        return ApiError.invalidRequest("invalid_messages", param, message);
    }
}
