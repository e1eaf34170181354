package gateway.worker;

import gateway.chat.ChatRequest;
import gateway.chat.Completions;
import gateway.chat.Usage;
import gateway.json.JsonObject;
import gateway.json.JsonValue;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Answers without a backend: the reply is {@code "Echo: "} followed by the last user
 * message, streamed word by word with a pause between words. Tokens are counted as
 * whitespace-separated words: prompt tokens over the text of every message, completion
 * tokens over the reply.
 */
public final class EchoWorker implements Worker {
    /** The model name used when the request names none and DEFAULT_MODEL is empty. */
    public static final String MODEL = "echo";
    /** Where its replies come from, for the log. */
    static final String NAME = "echo";

    private static final Pattern WORD = Pattern.compile("\\S+");
    /** Splits before each run of whitespace that follows a word: "a b  c" → "a", " b", "  c". */
    private static final Pattern WORD_BOUNDARY = Pattern.compile("(?<=\\S)(?=\\s)");

    private final Duration tokenDelay;
    private final String defaultModel;

    public EchoWorker(Duration tokenDelay, String defaultModel) {
        this.tokenDelay = tokenDelay;
        this.defaultModel = defaultModel.isEmpty() ? MODEL : defaultModel;
    }

    @Override
    public JsonObject complete(ChatRequest request, Call call) {
        call.answeredBy(NAME, 1);
        String reply = replyTo(request);
        return Completions.completion(request.id(), now(), modelOf(request), reply, usage(request, reply));
    }

    @Override
    public void stream(ChatRequest request, ChunkSink sink, Call call) throws IOException {
        call.answeredBy(NAME, 1);
        String reply = replyTo(request);
        String model = modelOf(request);
        long created = now();
        sink.send(Completions.chunk(request.id(), created, model, Completions.delta("assistant", ""), null));
        String[] pieces = WORD_BOUNDARY.split(reply);
        for (int i = 0; i < pieces.length; i++) {
            if (i > 0) {
                pause(call);
            }
            sink.send(Completions.chunk(request.id(), created, model, Completions.delta(null, pieces[i]), null));
        }
        sink.send(Completions.chunk(request.id(), created, model, JsonObject.builder().build(), "stop"));
        sink.send(Completions.usageChunk(request.id(), created, model, usage(request, reply)));
    }

    @Override
    public JsonObject models() {
        return Completions.modelList(List.of(defaultModel), "gateway");
    }

    @Override
    public Optional<String> notReadyReason() {
        return Optional.empty();
    }

    @Override
    public String describe() {
        return NAME;
    }

    private static String replyTo(ChatRequest request) {
        return "Echo: " + request.prompt();
    }

    private String modelOf(ChatRequest request) {
        return request.model() != null ? request.model() : defaultModel;
    }

    private static Usage usage(ChatRequest request, String reply) {
        long promptWords = 0;
        for (JsonValue message : request.messages().values()) {
            promptWords += countWords(ChatRequest.textOf(((JsonObject) message).get("content")));
        }
        return new Usage(promptWords, countWords(reply), false);
    }

    static long countWords(String text) {
        return WORD.matcher(text).results().count();
    }

    /** The pause stands in for a model generating: it counts as waiting on the backend. */
    private void pause(WaitMeter meter) throws InterruptedIOException {
        if (tokenDelay.isZero()) {
            return;
        }
        meter.waited(tokenDelay.toNanos());
        try {
            Thread.sleep(tokenDelay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("echo stream interrupted");
        }
    }

    private static long now() {
        return Instant.now().getEpochSecond();
    }
}
