package gateway.worker;

import gateway.json.JsonArray;
import gateway.json.JsonObject;
import gateway.json.JsonString;
import gateway.openai.Completions;
import gateway.openai.ModelRequest;
import gateway.openai.ResponseEvents;
import gateway.openai.Usage;
import java.time.Instant;
import java.util.List;

/**
 * What the gateway makes of a backend's whole reply, by operation: whether it is one at
 * all, the reply the client gets, and the same told as a stream for a backend that did
 * not stream when asked.
 */
final class BackendReplies {
    private BackendReplies() {
    }

    /** Whether {@code reply} has the member that makes it the operation's reply. */
    static boolean isReply(ModelRequest request, JsonObject reply) {
        String list = switch (request.operation()) {
            case CHAT, COMPLETION -> "choices";
            case EMBEDDING -> "data";
            case RESPONSE -> "output";
        };
        return reply.get(list) instanceof JsonArray;
    }

    /**
     * The reply the client gets: a completion (chat or text) takes the request's id, and
     * what a sloppy backend leaves out. An embedding list and a response are the backend's
     * own: a response's id is how the client refers to it later ({@code previous_response_id}).
     */
    static JsonObject normalized(ModelRequest request, JsonObject reply) {
        return switch (request.operation()) {
            case CHAT, COMPLETION -> {
                var normal = reply.toBuilder().put("id", request.id());
                if (!reply.has("object")) {
                    normal.put("object", request.operation().object());
                }
                if (!reply.has("created")) {
                    normal.put("created", Instant.now().getEpochSecond());
                }
                if (!reply.has("model") && request.model() != null) {
                    normal.put("model", request.model());
                }
                reply.object("usage").ifPresent(usage -> normal.put("usage", Usage.standardized(usage)));
                yield normal.build();
            }
            case EMBEDDING, RESPONSE -> reply.has("model") || request.model() == null ? reply : reply.with("model", new JsonString(request.model()));
        };
    }

    /** A whole reply as the frames of a stream: a chat completion's one chunk, a text completion as is, a response's events. */
    static List<JsonObject> asStream(ModelRequest request, JsonObject whole) {
        return switch (request.operation()) {
            case CHAT -> List.of(Completions.asChunk(whole));
            case COMPLETION -> List.of(whole); // a text_completion chunk has the whole reply's shape
            case RESPONSE -> ResponseEvents.of(whole);
            case EMBEDDING -> throw new IllegalArgumentException("embeddings do not stream");
        };
    }
}
