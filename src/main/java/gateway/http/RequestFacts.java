package gateway.http;

import java.util.function.Predicate;

/**
 * What the log line and the metrics will say of a request, gathered while it is served:
 * the model it asked for, whether it streamed, the backend that answered and how many were
 * tried, its time in the queue, its tokens, and who called. Written and read on the
 * request's own thread.
 */
public final class RequestFacts {
    private String model;
    private boolean stream;
    private String backend;
    private int attempts;
    private long queueNanos;
    private long promptTokens = -1;
    private long completionTokens = -1;
    private long cachedTokens = -1;
    private boolean tokensEstimated;
    private String caller;
    private Predicate<String> modelAllowed = model -> true;

    /** Records the model a chat request asked for, or the one that answered. */
    public void model(String model) {
        this.model = model;
    }

    /** Records whether the request asked for a stream. */
    public void stream(boolean stream) {
        this.stream = stream;
    }

    void backend(String backend, int attempts) {
        this.backend = backend;
        this.attempts = attempts;
    }

    /** Adds time spent waiting for a backend's free slot. */
    public void addQueueWait(long nanos) {
        queueNanos += nanos;
    }

    /** Records token usage, exact or estimated. */
    public void usage(long promptTokens, long completionTokens, boolean estimated) {
        this.promptTokens = promptTokens;
        this.completionTokens = completionTokens;
        this.tokensEstimated = estimated;
    }

    /** Records the prompt tokens the backend found in its cache. */
    public void cachedTokens(long tokens) {
        this.cachedTokens = tokens;
    }

    /** Records who is calling: the API key's name, never the key. */
    public void caller(String caller) {
        this.caller = caller;
    }

    /** Records which models the caller's key may ask for. */
    public void allowModels(Predicate<String> allowed) {
        this.modelAllowed = allowed;
    }

    /** Whether the caller's key may ask for {@code model}. */
    public boolean mayUse(String model) {
        return modelAllowed.test(model);
    }

    /** Who is calling: the API key's name, or null when keys are off. */
    public String caller() {
        return caller;
    }

    /** Prompt plus completion tokens recorded so far (0 when unknown). */
    public long tokensUsed() {
        return Math.max(0, promptTokens) + Math.max(0, completionTokens);
    }

    String model() {
        return model;
    }

    boolean stream() {
        return stream;
    }

    String backend() {
        return backend;
    }

    int attempts() {
        return attempts;
    }

    long queueNanos() {
        return queueNanos;
    }

    /** -1 when unknown. */
    public long promptTokens() {
        return promptTokens;
    }

    /** -1 when unknown. */
    public long completionTokens() {
        return completionTokens;
    }

    /** -1 when unknown. */
    public long cachedTokens() {
        return cachedTokens;
    }

    boolean tokensEstimated() {
        return tokensEstimated;
    }
}
