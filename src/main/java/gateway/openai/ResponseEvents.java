package gateway.openai;

import gateway.json.JsonArray;
import gateway.json.JsonObject;
import gateway.json.JsonValue;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole {@code response} told as the events of a Responses stream, for a backend that
 * answered a stream request in one piece: each message's text arrives as one delta,
 * between the events that open and close its item and part, so a client that builds
 * the response from the events (as the OpenAI SDKs' stream helpers do) gets it whole.
 */
public final class ResponseEvents {
    /** The events so far, each still open for its members. */
    private final List<JsonObject.Builder> events = new ArrayList<>();

    private ResponseEvents() {
    }

    /** The events, numbered from 0, ending with {@code response.completed} carrying {@code response}. */
    public static List<JsonObject> of(JsonObject response) {
        var told = new ResponseEvents();
        JsonObject started = response.toBuilder().put("status", "in_progress").put("output", JsonArray.of()).build();
        told.add("response.created").put("response", started);
        told.add("response.in_progress").put("response", started);
        List<JsonValue> output = response.array("output").map(JsonArray::values).orElse(List.of());
        for (int i = 0; i < output.size(); i++) {
            if (output.get(i) instanceof JsonObject item) {
                told.item(i, item);
            }
        }
        told.add("response.completed").put("response", response);
        return told.events.stream().map(JsonObject.Builder::build).toList();
    }

    private void item(int index, JsonObject item) {
        List<JsonValue> parts = item.array("content").map(JsonArray::values).orElse(List.of());
        add("response.output_item.added").put("output_index", index)
                .put("item", item.toBuilder().put("status", "in_progress").put("content", JsonArray.of()).build());
        String itemId = item.string("id").orElse("");
        for (int p = 0; p < parts.size(); p++) {
            if (!(parts.get(p) instanceof JsonObject part)) {
                continue;
            }
            String text = part.string("text").orElse(null);
            inPart("response.content_part.added", itemId, index, p)
                    .put("part", text == null ? part : part.toBuilder().put("text", "").build());
            if (text != null && part.string("type").filter("output_text"::equals).isPresent()) {
                inPart("response.output_text.delta", itemId, index, p).put("delta", text).put("logprobs", JsonArray.of());
                inPart("response.output_text.done", itemId, index, p).put("text", text).put("logprobs", JsonArray.of());
            }
            inPart("response.content_part.done", itemId, index, p).put("part", part);
        }
        add("response.output_item.done").put("output_index", index).put("item", item);
    }

    private JsonObject.Builder add(String type) {
        var event = JsonObject.builder().put("type", type).put("sequence_number", events.size());
        events.add(event);
        return event;
    }

    private JsonObject.Builder inPart(String type, String itemId, int outputIndex, int contentIndex) {
        return add(type).put("item_id", itemId).put("output_index", outputIndex).put("content_index", contentIndex);
    }
}
