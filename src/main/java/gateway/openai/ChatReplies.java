package gateway.openai;

import gateway.json.JsonObject;
import java.util.List;

/** A chat's replies from text: a {@code chat.completion}, or its {@code chat.completion.chunk}s ({@link Completions}). */
record ChatReplies(String id, String model, long created) implements TextReplies {

    @Override
    public JsonObject whole(List<String> texts, Usage usage) {
        return Completions.completion(id, created, model, texts.getFirst(), usage);
    }

    /** The assistant's turn opens with its role and no text, as OpenAI's first chunk does. */
    @Override
    public List<JsonObject> opening() {
        return List.of(Completions.chunk(id, created, model, Completions.delta("assistant", ""), null));
    }

    @Override
    public JsonObject piece(int index, String text) {
        return Completions.chunk(id, created, model, Completions.delta(null, text), null);
    }

    @Override
    public List<JsonObject> closing(Usage usage) {
        return List.of(Completions.chunk(id, created, model, JsonObject.builder().build(), "stop"),
                Completions.usageChunk(id, created, model, usage));
    }
}
