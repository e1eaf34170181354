package gateway.telemetry;

import gateway.json.JsonArray;
import gateway.json.JsonObject;
import gateway.json.JsonValue;
import gateway.openai.ModelRequest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One request's part in its trace: its span's ids (always, for the answer's header, the log
 * and the backend), and, only when the span is recorded, what its spans will say. Written on
 * the request's own thread; read by the exporter's once the request has ended.
 */
public final class RequestTrace {
    private final TraceContext span;
    private final boolean recording;
    private final boolean captureContent;
    private final long originNanos;
    private final long originEpochNanos;
    private String traceparent;
    // What the spans say; filled only while recording.
    private String requestModel;
    private JsonValue maxTokens;
    private JsonValue temperature;
    private JsonValue topP;
    private String responseModel;
    private Set<String> finishReasons;
    private String input;
    private StringBuilder output;
    private List<BackendAttempt> attempts;
    private List<long[]> queueWaits;

    RequestTrace(TraceContext span, boolean recording, boolean captureContent, long originNanos, long originEpochNanos) {
        this.span = span;
        this.recording = recording;
        this.captureContent = captureContent;
        this.originNanos = originNanos;
        this.originEpochNanos = originEpochNanos;
    }

    /** The request's own span. */
    public TraceContext span() {
        return span;
    }

    /** The span as the {@code traceresponse} header gives it: the ids below are cut from it, made once. */
    public String traceparent() {
        if (traceparent == null) {
            traceparent = span.traceparent();
        }
        return traceparent;
    }

    /** The trace's id, 32 hex digits, as the log line gives it. */
    public String traceId() {
        return traceparent().substring(3, 35);
    }

    /** This span's id, 16 hex digits. */
    public String spanId() {
        return traceparent().substring(36, 52);
    }

    /** Whether this request's spans will be exported. */
    public boolean recording() {
        return recording;
    }

    /** The request's parameters, and its messages (or prompt, or input) when content capture is on. */
    public void request(ModelRequest request) {
        if (!recording) {
            return;
        }
        requestModel = request.model();
        JsonObject body = request.body();
        maxTokens = body.has("max_completion_tokens") ? body.get("max_completion_tokens")
                : body.has("max_output_tokens") ? body.get("max_output_tokens") : body.get("max_tokens");
        temperature = body.get("temperature");
        topP = body.get("top_p");
        if (captureContent) {
            JsonValue messages = body.has("messages") ? body.get("messages") : body.has("prompt") ? body.get("prompt") : body.get("input");
            input = messages == null ? null : messages.toJson();
        }
    }

    /**
     * A whole reply: the model that answered, why it stopped, and its text when content
     * capture is on: a completion's (chat or text) or a response's.
     */
    public void reply(JsonObject reply) {
        if (recording) {
            answered(reply, "message");
        }
    }

    /** One chunk of a stream, or one event of a Responses stream, as {@link #reply} for a whole answer. */
    public void chunk(JsonObject chunk) {
        if (recording) {
            if (chunk.has("type")) {
                event(chunk);
            } else {
                answered(chunk, "delta");
            }
        }
    }

    /** A Responses stream's event: its text deltas, and the model in its last response. */
    private void event(JsonObject event) {
        if (captureContent && event.string("type").filter("response.output_text.delta"::equals).isPresent()) {
            appendOutput(event.string("delta").orElse(""));
        }
        if (event.string("type").filter(type -> type.startsWith("response.") && !type.contains("delta")).isPresent()) {
            event.object("response").flatMap(r -> r.string("model")).ifPresent(model -> responseModel = model);
        }
    }

    private void answered(JsonObject answer, String messageField) {
        answer.string("model").ifPresent(model -> responseModel = model);
        if (captureContent && answer.get("output") instanceof JsonArray output) {
            for (JsonValue item : output.values()) { // a response: the text of its messages' output_text parts
                if (item instanceof JsonObject i && i.get("content") instanceof JsonArray parts) {
                    for (JsonValue part : parts.values()) {
                        if (part instanceof JsonObject p) {
                            p.string("text").ifPresent(this::appendOutput);
                        }
                    }
                }
            }
        }
        if (!(answer.get("choices") instanceof JsonArray choices)) {
            return;
        }
        for (JsonValue choice : choices.values()) {
            if (!(choice instanceof JsonObject c)) {
                continue;
            }
            c.string("finish_reason").ifPresent(reason -> {
                if (finishReasons == null) {
                    finishReasons = new LinkedHashSet<>();
                }
                finishReasons.add(reason);
            });
            if (captureContent) {
                c.object(messageField).flatMap(m -> m.string("content")).or(() -> c.string("text")).ifPresent(this::appendOutput);
            }
        }
    }

    private void appendOutput(String text) {
        if (output == null) {
            output = new StringBuilder();
        }
        output.append(text);
    }

    /** A call to a backend ended. */
    public void attempted(BackendAttempt attempt) {
        if (recording) {
            if (attempts == null) {
                attempts = new ArrayList<>(2);
            }
            attempts.add(attempt);
        }
    }

    /** The request waited {@code nanos} for a backend's free slot, until now. */
    public void queued(long nanos) {
        if (recording) {
            if (queueWaits == null) {
                queueWaits = new ArrayList<>(1);
            }
            long end = System.nanoTime();
            queueWaits.add(new long[] {end - nanos, end});
        }
    }

    /** A {@link System#nanoTime()} reading as nanoseconds since the epoch. */
    long epochNanos(long nanoTime) {
        return originEpochNanos + (nanoTime - originNanos);
    }

    long originEpochNanos() {
        return originEpochNanos;
    }

    String requestModel() {
        return requestModel;
    }

    JsonValue maxTokens() {
        return maxTokens;
    }

    JsonValue temperature() {
        return temperature;
    }

    JsonValue topP() {
        return topP;
    }

    String responseModel() {
        return responseModel;
    }

    List<String> finishReasons() {
        return finishReasons == null ? null : List.copyOf(finishReasons);
    }

    String input() {
        return input;
    }

    String output() {
        return output == null ? null : output.toString();
    }

    List<BackendAttempt> attempts() {
        return attempts == null ? List.of() : attempts;
    }

    List<long[]> queueWaits() {
        return queueWaits == null ? List.of() : queueWaits;
    }
}
