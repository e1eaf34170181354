package gateway.openai;

import gateway.json.JsonArray;
import gateway.json.JsonNull;
import gateway.json.JsonObject;
import gateway.json.JsonValue;
import java.util.List;

/**
 * A Responses API reply from text (OpenAI API reference, "The response object" and
 * "Streaming events"): one {@code response} whose output is one assistant message, or
 * the events of its making, each with its {@code type} and {@code sequence_number}:
 * <pre>
 * response.created, response.in_progress, response.output_item.added, response.content_part.added,
 * response.output_text.delta …,
 * response.output_text.done, response.content_part.done, response.output_item.done, response.completed
 * </pre>
 * The last event carries the whole response, usage included: a Responses stream ends
 * with it, not with {@code [DONE]}.
 */
final class ResponseReplies implements TextReplies {
    private final ModelRequest request;
    private final String responseId;
    private final String messageId;
    private final String model;
    private final long created;
    private final StringBuilder text = new StringBuilder();
    private int sequence;

    ResponseReplies(ModelRequest request, String model, long created) {
        this.request = request;
        this.responseId = "resp_" + request.id();
        this.messageId = "msg_" + request.id();
        this.model = model;
        this.created = created;
    }

    @Override
    public JsonObject whole(List<String> texts, Usage usage) {
        return response("completed", JsonArray.of(message("completed", outputText(texts.getFirst()))), usageOf(usage));
    }

    @Override
    public List<JsonObject> opening() {
        JsonObject started = response("in_progress", JsonArray.of(), JsonNull.INSTANCE);
        return List.of(
                event("response.created").put("response", started).build(),
                event("response.in_progress").put("response", started).build(),
                event("response.output_item.added").put("output_index", 0).put("item", message("in_progress")).build(),
                inPart("response.content_part.added").put("part", outputText("")).build());
    }

    @Override
    public JsonObject piece(int index, String piece) {
        text.append(piece);
        return inPart("response.output_text.delta").put("delta", piece).put("logprobs", JsonArray.of()).build();
    }

    @Override
    public List<JsonObject> closing(Usage usage) {
        JsonObject part = outputText(text.toString());
        JsonObject done = message("completed", part);
        return List.of(
                inPart("response.output_text.done").put("text", text.toString()).put("logprobs", JsonArray.of()).build(),
                inPart("response.content_part.done").put("part", part).build(),
                event("response.output_item.done").put("output_index", 0).put("item", done).build(),
                event("response.completed").put("response", response("completed", JsonArray.of(done), usageOf(usage))).build());
    }

    /** The response object, echoing the request's settings as OpenAI's does. */
    private JsonObject response(String status, JsonArray output, JsonValue usage) {
        JsonObject body = request.body();
        return JsonObject.builder()
                .put("id", responseId)
                .put("object", "response")
                .put("created_at", created)
                .put("status", status)
                .put("error", JsonNull.INSTANCE)
                .put("incomplete_details", JsonNull.INSTANCE)
                .put("instructions", given(body, "instructions"))
                .put("max_output_tokens", given(body, "max_output_tokens"))
                .put("model", model)
                .put("output", output)
                .put("parallel_tool_calls", true)
                .put("previous_response_id", given(body, "previous_response_id"))
                .put("temperature", given(body, "temperature"))
                .put("top_p", given(body, "top_p"))
                .put("text", JsonObject.builder().put("format", JsonObject.builder().put("type", "text").build()).build())
                .put("tool_choice", "auto")
                .put("tools", JsonArray.of())
                .put("usage", usage)
                .put("metadata", JsonObject.builder().build())
                .build();
    }

    /** A setting of the request as the response repeats it: {@code null} when not given. */
    private static JsonValue given(JsonObject body, String name) {
        JsonValue value = body.get(name);
        return value == null ? JsonNull.INSTANCE : value;
    }

    private JsonObject message(String status, JsonObject... content) {
        return JsonObject.builder().put("type", "message").put("id", messageId).put("status", status)
                .put("role", "assistant").put("content", JsonArray.of(content)).build();
    }

    private static JsonObject outputText(String text) {
        return JsonObject.builder().put("type", "output_text").put("text", text).put("annotations", JsonArray.of()).build();
    }

    /** The Responses API's own names for the counts. */
    private static JsonObject usageOf(Usage usage) {
        return JsonObject.builder()
                .put("input_tokens", usage.promptTokens())
                .put("input_tokens_details", JsonObject.builder().put("cached_tokens", 0).build())
                .put("output_tokens", usage.completionTokens())
                .put("output_tokens_details", JsonObject.builder().put("reasoning_tokens", 0).build())
                .put("total_tokens", usage.totalTokens())
                .build();
    }

    private JsonObject.Builder event(String type) {
        return JsonObject.builder().put("type", type).put("sequence_number", sequence++);
    }

    /** An event about the message's one content part. */
    private JsonObject.Builder inPart(String type) {
        return event(type).put("item_id", messageId).put("output_index", 0).put("content_index", 0);
    }
}
