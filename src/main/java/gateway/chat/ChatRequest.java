package gateway.chat;

import gateway.http.ApiError;
import gateway.json.Json;
import gateway.json.JsonArray;
import gateway.json.JsonBoolean;
import gateway.json.JsonException;
import gateway.json.JsonObject;
import gateway.json.JsonString;
import gateway.json.JsonValue;

/**
 * A chat completion request that has passed the gateway's checks ({@link RequestChecks}).
 *
 * @param id           the request id: the completion's {@code id}
 * @param model        the model asked for (or the default), or {@code null} when neither
 *                     names one and the backend is left to choose
 * @param stream       whether the client asked for Server-Sent Events
 * @param includeUsage whether the client asked for a usage chunk at the end of a stream
 * @param body         the request as the client sent it, every field kept, to forward
 * @param bytes        the same, byte for byte: forwarded as is when the gateway has nothing to add
 */
public record ChatRequest(String id, String model, boolean stream, boolean includeUsage, JsonObject body, byte[] bytes) {

    /**
     * The limits a request is checked against.
     *
     * @param maxTokens   the largest {@code max_tokens} accepted (MAX_TOKENS_LIMIT)
     * @param maxMessages the most messages accepted (MAX_MESSAGES)
     */
    public record Limits(int maxTokens, int maxMessages) {}

    /**
     * Parses a request body and checks it against {@link RequestChecks}.
     *
     * @throws ApiError 400 when the body is not a request the gateway can serve
     */
    public static ChatRequest parse(byte[] bytes, String id, String defaultModel, Limits limits) {
        JsonValue parsed;
        try {
            parsed = Json.parse(bytes);
        } catch (JsonException e) {
            throw ApiError.invalidRequest("invalid_json", null, "The request body is not valid JSON: " + e.getMessage() + ".");
        }
        if (!(parsed instanceof JsonObject body)) {
            throw ApiError.invalidRequest("invalid_request", null, "The request body must be a JSON object.");
        }
        RequestChecks.check(body, limits);
        String model = body.string("model").orElse(defaultModel.isEmpty() ? null : defaultModel);
        boolean stream = body.get("stream") == JsonBoolean.TRUE;
        boolean includeUsage = stream && body.object("stream_options")
                .map(options -> options.get("include_usage") == JsonBoolean.TRUE).orElse(false);
        return new ChatRequest(id, model, stream, includeUsage, body, bytes);
    }

    /** The same request for another model (an alias resolved): forwarded with that name. */
    public ChatRequest withModel(String model) {
        return new ChatRequest(id, model, stream, includeUsage, body, bytes);
    }

    /** The messages, each an object with a role (checked by {@link #parse}). */
    public JsonArray messages() {
        return body.array("messages").orElseThrow();
    }

    /** The text of the last {@code user} message ({@code ""} when there is none). */
    public String prompt() {
        JsonArray messages = messages();
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonObject message = (JsonObject) messages.get(i);
            if (message.string("role").orElseThrow().equals("user")) {
                return textOf(message.get("content"));
            }
        }
        return "";
    }

    /** A message's text: the string itself, or the {@code text} parts of a content array joined by newlines. */
    public static String textOf(JsonValue content) {
        if (content instanceof JsonString s) {
            return s.value();
        }
        var text = new StringBuilder();
        if (content instanceof JsonArray parts) {
            for (JsonValue part : parts.values()) {
                if (part instanceof JsonObject p && p.string("text").isPresent()) {
                    text.append(text.isEmpty() ? "" : "\n").append(p.string("text").get());
                }
            }
        }
        return text.toString();
    }
}
