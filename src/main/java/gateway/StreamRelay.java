package gateway;

import gateway.http.Exchange;
import gateway.json.JsonArray;
import gateway.json.JsonObject;
import gateway.json.JsonValue;
import gateway.openai.Completions;
import gateway.openai.ModelRequest;
import gateway.openai.Operation;
import gateway.openai.Usage;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/**
 * Passes a worker's chat or text completion chunks to the client as Server-Sent Events,
 * one flushed frame each, and keeps the books on usage. The event stream opens on the first chunk, so a worker
 * that fails before it still gets a plain JSON error with the right status.
 *
 * <p>Usage reaches the client as OpenAI sends it, and only when asked for
 * ({@code stream_options.include_usage}): one last chunk with {@code "choices": []}
 * before {@code [DONE]}, even from a backend that puts usage inside its last content
 * chunk (llama.cpp) or sends {@code "choices": null} (vLLM). A backend that reports no
 * usage gets an estimate: one token per content chunk, one per four prompt characters.
 */
final class StreamRelay extends Relay {
    private JsonObject lastChunk;
    private Usage usage;
    /** The backend's own usage and timings objects as last sent: they tell its cached tokens. */
    private JsonObject usageReported;
    private JsonObject timings;
    private long contentChunks;

    StreamRelay(Exchange exchange, ModelRequest request) {
        super(exchange, request);
    }

    @Override
    public void send(JsonObject chunk) throws IOException {
        lastChunk = chunk;
        exchange.trace().chunk(chunk);
        Optional<Usage> reported = chunk.object("usage").flatMap(Usage::from);
        if (reported.isPresent()) {
            usage = reported.get();
            usageReported = chunk.object("usage").orElseThrow();
            chunk = chunk.toBuilder().remove("usage").build();
        }
        if (chunk.has("timings")) {
            timings = chunk.object("timings").orElse(null); // llama.cpp: in the last chunk
        }
        if (!(chunk.get("choices") instanceof JsonArray choices) || choices.size() == 0) {
            return; // a usage-only chunk: its usage is sent at the end, if asked for
        }
        if (hasContent(choices)) {
            contentChunks++;
        }
        open().send(chunk);
    }

    @Override
    void record() {
        if (lastChunk != null) {
            lastChunk.string("model").ifPresent(exchange.facts()::model);
        }
        Usage counted = counted();
        exchange.facts().usage(counted.promptTokens(), counted.completionTokens(), counted.estimated());
        exchange.facts().cachedTokens(Usage.cachedTokens(timings, usageReported));
    }

    /** Ends a complete stream: the usage chunk if asked for, then {@code [DONE]}. */
    @Override
    void finish() throws IOException {
        if (request.includeUsage()) {
            Usage counted = counted();
            String model = lastChunk == null ? request.model() : lastChunk.string("model").orElse(request.model());
            long created = lastChunk == null ? Instant.now().getEpochSecond()
                    : lastChunk.longValue("created").orElse(Instant.now().getEpochSecond());
            String object = request.operation() == Operation.COMPLETION ? "text_completion" : "chat.completion.chunk";
            open().send(Completions.usageChunk(object, request.id(), created, model, counted));
        }
        open().sendDone();
    }

    private static boolean hasContent(JsonArray choices) {
        for (JsonValue choice : choices.values()) {
            // A chat chunk's text is in its delta, a text completion chunk's in the choice itself.
            if (choice instanceof JsonObject c && c.object("delta").flatMap(d -> d.string("content")).or(() -> c.string("text"))
                    .filter(text -> !text.isEmpty()).isPresent()) {
                return true;
            }
        }
        return false;
    }

    /** The usage the backend reported, else an estimate, made once the stream is over. */
    private Usage counted() {
        if (usage == null) {
            usage = estimate(contentChunks);
        }
        return usage;
    }
}
