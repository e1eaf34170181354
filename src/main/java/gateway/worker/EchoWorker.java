package gateway.worker;

import gateway.http.ApiError;
import gateway.json.JsonObject;
import gateway.openai.Embeddings;
import gateway.openai.ModelRequest;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Answers without a backend: the reply is {@code "Echo: "} followed by the prompt, streamed
 * word by word with a pause between words, and an embedding is a vector made from the
 * text's words ({@link EchoEmbeddings}).
 */
public final class EchoWorker extends TextWorker {
    /** The model name used when the request names none and DEFAULT_MODEL is empty. */
    public static final String MODEL = "echo";
    /** Where its replies come from, for the log. */
    public static final String NAME = "echo";
    /** Vectors have OpenAI's default size (text-embedding-3-small), so code written for it runs unchanged. */
    static final int DIMENSIONS = 1536;
    /**
     * The most numbers one embeddings answer may hold: a vector of floats costs the heap
     * about 70 bytes a number as a JSON tree, in base64 about 8.
     */
    static final int MAX_FLOATS = 1 << 18;
    static final int MAX_BASE64_FLOATS = 1 << 21;

    private final Duration tokenDelay;

    /**
     * An echo, as the gateway makes one when no backend is set.
     *
     * @param tokenDelay   the pause between words of a stream (ECHO_TOKEN_DELAY_MS)
     * @param defaultModel the model it answers as when a request names none (DEFAULT_MODEL); empty for {@value #MODEL}
     */
    public EchoWorker(Duration tokenDelay, String defaultModel) {
        super(defaultModel.isEmpty() ? MODEL : defaultModel);
        this.tokenDelay = tokenDelay;
    }

    @Override
    protected String reply(ModelRequest request, String prompt) {
        return "Echo: " + prompt;
    }

    @Override
    protected JsonObject embed(ModelRequest request, Call call) {
        List<String> inputs = request.inputs();
        int dimensions = request.body().longValue("dimensions").map(Long::intValue).orElse(DIMENSIONS);
        boolean base64 = Embeddings.base64(request);
        long numbers = (long) inputs.size() * dimensions;
        if (numbers > (base64 ? MAX_BASE64_FLOATS : MAX_FLOATS)) {
            throw ApiError.invalidRequest("too_many_numbers", "input", "Echo mode answers at most "
                    + (base64 ? MAX_BASE64_FLOATS : MAX_FLOATS) + " numbers per request (" + (base64 ? "base64" : "float")
                    + "); this one asks for " + numbers + ": send fewer inputs, or fewer 'dimensions'.");
        }
        var vectors = new ArrayList<float[]>(inputs.size());
        long tokens = 0;
        for (String input : inputs) {
            vectors.add(EchoEmbeddings.vector(input, dimensions));
            tokens += countWords(input);
        }
        return Embeddings.list(modelOf(request), vectors, base64, tokens);
    }

    /** The pause stands in for a model generating: it counts as waiting on the backend. */
    @Override
    protected void pause(Call call) throws InterruptedIOException {
        if (tokenDelay.isZero()) {
            return;
        }
        call.waited(tokenDelay.toNanos());
        try {
            Thread.sleep(tokenDelay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("echo stream interrupted");
        }
    }

    @Override
    public String describe() {
        return NAME;
    }
}
