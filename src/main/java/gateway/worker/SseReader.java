package gateway.worker;

import gateway.json.JsonObject;
import gateway.json.JsonString;
import gateway.openai.ModelRequest;
import gateway.openai.Operation;
import gateway.worker.Worker.ChunkSink;
import java.io.IOException;
import java.util.Set;

/**
 * Reads a backend's Server-Sent Events reply line by line and passes each chunk on as
 * soon as its line arrives (see the SSE spec, "Interpreting an event stream"). The
 * stream must end with {@code data: [DONE]}, or for a Responses stream with its terminal
 * event ({@link #TERMINAL}): anything else is reported as a failure, so a truncated reply
 * never passes for a complete one.
 */
final class SseReader {
    /** The events a Responses stream ends with; some servers send {@code [DONE]} after them, others close. */
    static final Set<String> TERMINAL = Set.of("response.completed", "response.failed", "response.incomplete");

    private final BackendErrors errors;
    private final ModelRequest request;
    private final ChunkSink sink;

    SseReader(BackendErrors errors, ModelRequest request, ChunkSink sink) {
        this.errors = errors;
        this.request = request;
        this.sink = sink;
    }

    void relay(LineReader lines) throws IOException {
        String line;
        boolean ended = false;
        while ((line = nextLine(lines)) != null) {
            if (line.isEmpty() || line.startsWith(":")) {
                continue; // the end of an event, or a comment (keep-alive)
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1).strip();
            switch (field) {
                case "data" -> {
                    if (value.equals("[DONE]")) {
                        return;
                    }
                    // Every OpenAI-style event is one JSON object on one data line, so each
                    // line is sent on as it comes instead of waiting for the blank line.
                    ended = relayChunk(value);
                }
                case "error" -> throw errors.inStream(OpenAiBackend.parseOr(value, new JsonString(value))); // llama.cpp's form
                case "event", "id", "retry" -> { }
                default -> throw errors.invalidReply("a line that is not Server-Sent Events", line);
            }
        }
        if (!ended) {
            throw errors.invalidReply("an incomplete stream", "the connection closed before data: [DONE]");
        }
    }

    /** Passes one chunk on; true when it is a Responses stream's last event. */
    private boolean relayChunk(String data) throws IOException {
        if (!(OpenAiBackend.parseOr(data, null) instanceof JsonObject chunk)) {
            throw errors.invalidReply("a data line that is not a JSON object", data);
        }
        if (chunk.has("error")) {
            throw errors.inStream(chunk.get("error"));
        }
        if (request.operation() == Operation.RESPONSE) {
            if (chunk.string("type").filter("error"::equals).isPresent()) {
                throw errors.inStream(chunk); // the Responses API's error event: its fields are the error's
            }
            sink.send(chunk); // ids are the backend's: a client refers to a stored response by its id
            return TERMINAL.contains(chunk.string("type").orElse(""));
        }
        var normal = chunk.toBuilder().put("id", request.id());
        if (!chunk.has("object")) {
            normal.put("object", request.operation() == Operation.COMPLETION ? "text_completion" : "chat.completion.chunk");
        }
        sink.send(normal.build());
        return false;
    }

    /**
     * The next line, or null at the end. A client that went away while the backend was
     * silent ends the call as a client cancel (an IOException); any other failure to
     * read is the backend's.
     */
    private String nextLine(LineReader lines) throws IOException {
        try {
            return lines.readLine();
        } catch (Watchdog.ClientGone e) {
            throw e;
        } catch (IOException e) {
            throw errors.brokenReply(e);
        }
    }
}
