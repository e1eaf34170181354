package gateway.openai;

import gateway.json.JsonArray;
import gateway.json.JsonNull;
import gateway.json.JsonObject;
import gateway.json.JsonValue;
import java.util.ArrayList;
import java.util.List;

/**
 * The OpenAI response shapes: a whole {@code chat.completion}, the
 * {@code chat.completion.chunk} frames of a stream, and the model list (see the OpenAI API reference,
 * "The chat completion object" and "The chat completion chunk object").
 */
public final class Completions {
    private Completions() {
    }

    /** A whole completion with one assistant message. */
    public static JsonObject completion(String id, long created, String model, String content, Usage usage) {
        JsonObject message = JsonObject.builder().put("role", "assistant").put("content", content).build();
        JsonObject choice = JsonObject.builder()
                .put("index", 0)
                .put("message", message)
                .put("logprobs", JsonNull.INSTANCE)
                .put("finish_reason", "stop")
                .build();
        return JsonObject.builder()
                .put("id", id)
                .put("object", "chat.completion")
                .put("created", created)
                .put("model", model)
                .put("choices", JsonArray.of(choice))
                .put("usage", usage.toJson())
                .build();
    }

    /** A stream chunk with one choice; {@code finishReason} is null until the last. */
    public static JsonObject chunk(String id, long created, String model, JsonObject delta, String finishReason) {
        JsonObject choice = JsonObject.builder()
                .put("index", 0)
                .put("delta", delta)
                .put("logprobs", JsonNull.INSTANCE)
                .put("finish_reason", finishReason)
                .build();
        return chunkWith(id, created, model, JsonArray.of(choice)).build();
    }

    /** The usage chunk OpenAI sends last when asked: no choices, only usage. */
    public static JsonObject usageChunk(String id, long created, String model, Usage usage) {
        return usageChunk("chat.completion.chunk", id, created, model, usage);
    }

    /**
     * {@return the usage chunk of a stream whose chunks are {@code object}s: a chat's, or a text completion's}
     *
     * @param object  {@code chat.completion.chunk} or {@code text_completion}
     * @param id      the request's id
     * @param created when the reply was made, in epoch seconds
     * @param model   the model that answered
     * @param usage   the counts
     */
    public static JsonObject usageChunk(String object, String id, long created, String model, Usage usage) {
        return chunkWith(id, created, model, JsonArray.of()).put("object", object).put("usage", usage.toJson()).build();
    }

    /** A content delta, optionally opening the assistant's turn with its role. */
    public static JsonObject delta(String role, String content) {
        var delta = JsonObject.builder();
        if (role != null) {
            delta.put("role", role);
        }
        return delta.put("content", content).build();
    }

    /**
     * A whole completion recast as one stream chunk (for a backend that answers a stream
     * request with plain JSON): each choice's {@code message} becomes its {@code delta}.
     */
    public static JsonObject asChunk(JsonObject completion) {
        List<JsonValue> choices = new ArrayList<>();
        for (JsonValue value : completion.array("choices").map(JsonArray::values).orElse(List.of())) {
            if (value instanceof JsonObject choice) {
                var delta = choice.object("message").orElse(JsonObject.builder().build());
                choices.add(choice.toBuilder().remove("message").put("delta", delta).build());
            }
        }
        return completion.toBuilder()
                .put("object", "chat.completion.chunk")
                .put("choices", new JsonArray(choices))
                .build();
    }

    /** One model of {@code GET /v1/models}. */
    public static JsonObject model(String id, String ownedBy) {
        return JsonObject.builder().put("id", id).put("object", "model").put("created", 0).put("owned_by", ownedBy).build();
    }

    /** The answer of {@code GET /v1/models}: these models, the ids given by {@code owner}. */
    public static JsonObject modelList(List<String> ids, String owner) {
        return modelList(ids.stream().<JsonValue>map(id -> model(id, owner)).toList());
    }

    /** The answer of {@code GET /v1/models}, from model entries. */
    public static JsonObject modelList(List<JsonValue> models) {
        return JsonObject.builder().put("object", "list").put("data", new JsonArray(models)).build();
    }

    private static JsonObject.Builder chunkWith(String id, long created, String model, JsonArray choices) {
        return JsonObject.builder()
                .put("id", id)
                .put("object", "chat.completion.chunk")
                .put("created", created)
                .put("model", model)
                .put("choices", choices);
    }
}
