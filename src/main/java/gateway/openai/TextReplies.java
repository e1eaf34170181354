package gateway.openai;

import gateway.json.JsonObject;
import java.util.List;

/**
 * Builds the replies of one request from plain text, in its operation's shape: a
 * whole reply, or the frames of a stream (its opening, one per piece of text, its
 * closing). A worker that makes text, such as the echo or a prompt API, answers every
 * operation through it:
 * <pre>{@code
 * TextReplies replies = TextReplies.of(request, model, created);
 * JsonObject whole = replies.whole(List.of("Hello"), usage);
 * // or, streamed:
 * replies.opening().forEach(sink::send);
 * sink.send(replies.piece(0, "Hel"));  sink.send(replies.piece(0, "lo"));
 * replies.closing(usage).forEach(sink::send);
 * }</pre>
 * One instance serves one reply: a Responses stream numbers its events and remembers its text.
 */
public sealed interface TextReplies permits ChatReplies, CompletionReplies, ResponseReplies {

    /**
     * The replies to {@code request}, from {@code model}, made at {@code created} (epoch
     * seconds). Embeddings are not text: they have no text replies.
     */
    static TextReplies of(ModelRequest request, String model, long created) {
        return switch (request.operation()) {
            case CHAT -> new ChatReplies(request.id(), model, created);
            case COMPLETION -> new CompletionReplies(request.id(), model, created, request.inputs().size());
            case RESPONSE -> new ResponseReplies(request, model, created);
            case EMBEDDING -> throw new IllegalArgumentException("embeddings have no text replies");
        };
    }

    /** The whole reply: one text per choice (a text completion has one choice per prompt; the others one). */
    JsonObject whole(List<String> texts, Usage usage);

    /** The frames a stream starts with, before any text. */
    List<JsonObject> opening();

    /** The frame carrying the next piece of choice {@code index}'s text. */
    JsonObject piece(int index, String text);

    /** The frames a stream ends with: the end of each choice, and the usage. */
    List<JsonObject> closing(Usage usage);
}
