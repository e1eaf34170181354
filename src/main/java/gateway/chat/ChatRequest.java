package gateway.chat;

import gateway.http.ApiError;
import gateway.json.JsonArray;
import gateway.json.JsonBoolean;
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
 */
public record ChatRequest(String id, String model, boolean stream, boolean includeUsage, JsonObject body) {

    /**
     * Checks a parsed body against {@link RequestChecks} and reads it.
     *
     * @param maxTokensLimit the largest {@code max_tokens} accepted (MAX_TOKENS_LIMIT)
     * @throws ApiError 400 when the body is not a request the gateway can serve
     */
    public static ChatRequest from(JsonValue parsed, String id, String defaultModel, int maxTokensLimit) {
        if (!(parsed instanceof JsonObject body)) {
            throw ApiError.invalidRequest("invalid_request", null, "The request body must be a JSON object.");
        }
        RequestChecks.check(body, maxTokensLimit);
        String model = body.string("model").orElse(defaultModel.isEmpty() ? null : defaultModel);
        boolean stream = body.get("stream") == JsonBoolean.TRUE;
        boolean includeUsage = stream && body.object("stream_options")
                .map(options -> options.get("include_usage") == JsonBoolean.TRUE).orElse(false);
        return new ChatRequest(id, model, stream, includeUsage, body);
    }

    /** The messages, each an object with a role (checked by {@link #from}). */
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
