package gateway.worker;

import gateway.http.ApiError;
import gateway.json.JsonObject;
import gateway.openai.Completions;
import gateway.openai.ModelRequest;
import gateway.openai.Operation;
import gateway.openai.TextReplies;
import gateway.openai.Usage;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A worker that makes its answers itself, as text: implement {@link #reply} and every
 * text operation is answered in its own shape (a chat completion, a text completion, a
 * response), whole or streamed word by word. {@link EchoWorker} is one; so is this:
 *
 * <pre>{@code
 * class Shout extends TextWorker {
 *     Shout() {
 *         super("shout");   // the model it answers as when a request names none
 *     }
 *
 *     @Override
 *     protected String reply(ModelRequest request, String prompt) {
 *         return prompt.toUpperCase(Locale.ROOT);
 *     }
 * }
 * }</pre>
 *
 * served by {@code Gateway.builder().worker(new Shout())}. The rest is optional: override
 * {@link #embed} to serve {@code /v1/embeddings} (a 400 {@code unsupported_operation} by
 * default), {@link #pause} to pace a stream, {@link #describe} to name it in the log and the
 * {@code X-Gateway-Backend} header (its class's name by default).
 *
 * <p>What it does with a reply: for a chat or a response, one reply to the last user turn;
 * for a text completion, one reply per prompt, each its own choice. Streamed, the reply is
 * cut before each run of whitespace, so that the pieces joined are the reply exactly.
 * Tokens are counted as whitespace-separated words: the prompt's over every turn of the
 * conversation, the completion's over the reply.
 *
 * <p>Threading: {@link #reply} is called from many request threads at once; keep it
 * thread-safe (a worker without changing state, as above, is).
 */
public abstract class TextWorker implements Worker {
    private static final Pattern WORD = Pattern.compile("\\S+");
    /** Splits before each run of whitespace that follows a word: "a b  c" → "a", " b", "  c". */
    private static final Pattern WORD_BOUNDARY = Pattern.compile("(?<=\\S)(?=\\s)");

    private final String model;

    /**
     * A worker answering as {@code model} when a request names none.
     *
     * @param model the model it answers as, and lists in {@code GET /v1/models}
     */
    protected TextWorker(String model) {
        this.model = model;
    }

    /**
     * The reply to one prompt.
     *
     * @param request the whole request, for a worker that looks past the prompt
     * @param prompt  the text to answer: the last user message of a chat or a response,
     *                or one of a text completion's prompts (each gets its own reply)
     * @return the reply's text
     * @throws IOException when the reply cannot be made; an {@link ApiError} chooses the status
     */
    protected abstract String reply(ModelRequest request, String prompt) throws IOException;

    /**
     * Answers {@code POST /v1/embeddings}; a worker of text has none, so by default a 400 says so.
     *
     * @param request the embeddings request: its {@link ModelRequest#inputs()} are the texts
     * @param call    the call, for a worker that reports its waits
     * @return an embeddings {@code list}, as OpenAI's
     * @throws IOException when the answer cannot be made
     */
    protected JsonObject embed(ModelRequest request, Call call) throws IOException {
        throw ApiError.invalidRequest("unsupported_operation", null, describe() + " does not serve embeddings.");
    }

    /**
     * Runs between two pieces of a stream: nothing by default; the echo pauses to look like a model.
     *
     * @param call the call, to report the pause as time spent waiting ({@link Call#waited})
     * @throws IOException when the pause is interrupted
     */
    protected void pause(Call call) throws IOException {
    }

    @Override
    public JsonObject complete(ModelRequest request, Call call) throws IOException {
        call.answeredBy(describe(), 1);
        if (request.operation() == Operation.EMBEDDING) {
            return embed(request, call);
        }
        List<String> texts = replies(request);
        return TextReplies.of(request, modelOf(request), now()).whole(texts, usage(request, texts));
    }

    @Override
    public void stream(ModelRequest request, ChunkSink sink, Call call) throws IOException {
        call.answeredBy(describe(), 1);
        List<String> texts = replies(request);
        TextReplies replies = TextReplies.of(request, modelOf(request), now());
        for (JsonObject frame : replies.opening()) {
            sink.send(frame);
        }
        for (int choice = 0; choice < texts.size(); choice++) {
            String[] words = WORD_BOUNDARY.split(texts.get(choice));
            for (int i = 0; i < words.length; i++) {
                if (i > 0) {
                    pause(call);
                }
                sink.send(replies.piece(choice, words[i]));
            }
        }
        for (JsonObject frame : replies.closing(usage(request, texts))) {
            sink.send(frame);
        }
    }

    @Override
    public JsonObject models() {
        return Completions.modelList(List.of(model), "gateway");
    }

    @Override
    public Optional<String> notReadyReason() {
        return Optional.empty();
    }

    /** Its class's simple name (its full name for an anonymous class). */
    @Override
    public String describe() {
        String name = getClass().getSimpleName();
        return name.isEmpty() ? getClass().getName() : name;
    }

    /**
     * The model a reply names: the request's, else this worker's own.
     *
     * @param request the request answered
     * @return the model's name
     */
    protected String modelOf(ModelRequest request) {
        return request.model() != null ? request.model() : model;
    }

    /** One reply per prompt: a text completion may carry several. */
    private List<String> replies(ModelRequest request) throws IOException {
        var texts = new ArrayList<String>();
        for (String prompt : request.inputs()) {
            texts.add(reply(request, prompt));
        }
        return texts;
    }

    private static Usage usage(ModelRequest request, List<String> texts) {
        long prompt = request.turns().stream().mapToLong(turn -> countWords(turn.text())).sum();
        return new Usage(prompt, texts.stream().mapToLong(TextWorker::countWords).sum(), false);
    }

    static long countWords(String text) {
        return WORD.matcher(text).results().count();
    }

    private static long now() {
        return Instant.now().getEpochSecond();
    }
}
