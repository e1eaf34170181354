package gateway.openai;

import gateway.json.JsonArray;
import gateway.json.JsonNull;
import gateway.json.JsonObject;
import gateway.json.JsonValue;
import java.util.ArrayList;
import java.util.List;

/**
 * A text completion's replies from text (OpenAI API reference, "The completion object"):
 * one {@code text_completion} with a choice per prompt, or a stream of
 * {@code text_completion} chunks, each carrying a piece of one choice's text, then the
 * usage chunk ({@code "choices": []}) that OpenAI sends last when asked.
 *
 * @param choices how many choices the reply has: one per prompt
 */
record CompletionReplies(String id, String model, long created, int choices) implements TextReplies {

    @Override
    public JsonObject whole(List<String> texts, Usage usage) {
        List<JsonValue> list = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            list.add(choice(i, texts.get(i), "stop"));
        }
        return head().put("choices", new JsonArray(list)).put("usage", usage.toJson()).build();
    }

    /** A text completion's stream starts with its first piece of text. */
    @Override
    public List<JsonObject> opening() {
        return List.of();
    }

    @Override
    public JsonObject piece(int index, String text) {
        return head().put("choices", JsonArray.of(choice(index, text, null))).build();
    }

    @Override
    public List<JsonObject> closing(Usage usage) {
        List<JsonObject> frames = new ArrayList<>();
        for (int i = 0; i < choices; i++) {
            frames.add(head().put("choices", JsonArray.of(choice(i, "", "stop"))).build());
        }
        frames.add(Completions.usageChunk("text_completion", id, created, model, usage));
        return frames;
    }

    private JsonObject.Builder head() {
        return JsonObject.builder().put("id", id).put("object", "text_completion").put("created", created).put("model", model);
    }

    private static JsonObject choice(int index, String text, String finishReason) {
        return JsonObject.builder().put("text", text).put("index", index).put("logprobs", JsonNull.INSTANCE)
                .put("finish_reason", finishReason).build();
    }
}
