package gateway.openai;

/**
 * The OpenAI operations the gateway serves. Each has its own path, request rules and
 * reply shapes, and all share one lifecycle: key, limits, checks, routing, failover, the
 * log line and usage.
 */
public enum Operation {
    /** {@code POST /v1/chat/completions}: a conversation in, the assistant's next message out. */
    CHAT("/v1/chat/completions", "chat", "chat.completion"),
    /** {@code POST /v1/completions}: a prompt in, its continuation out (editors' code completion). */
    COMPLETION("/v1/completions", "text_completion", "text_completion"),
    /** {@code POST /v1/embeddings}: texts in, one vector each out. It never streams. */
    EMBEDDING("/v1/embeddings", "embeddings", "list"),
    /** {@code POST /v1/responses}: OpenAI's newer API for chat, with typed input items and named stream events. */
    RESPONSE("/v1/responses", "chat", "response");

    private final String path;
    private final String genAiName;
    private final String object;

    Operation(String path, String genAiName, String object) {
        this.path = path;
        this.genAiName = genAiName;
        this.object = object;
    }

    /** {@return where it is served, on the gateway and on an OpenAI-compatible backend alike} */
    public String path() {
        return path;
    }

    /** {@return its {@code gen_ai.operation.name} in the OpenTelemetry GenAI conventions} */
    public String genAiName() {
        return genAiName;
    }

    /** {@return the {@code object} member of its whole reply} */
    public String object() {
        return object;
    }

    /** {@return whether it answers in Server-Sent Events when asked to ({@code "stream": true})} */
    public boolean streams() {
        return this != EMBEDDING;
    }
}
