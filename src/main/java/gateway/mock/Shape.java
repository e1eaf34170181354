package gateway.mock;

import java.util.Arrays;
import java.util.Optional;

/**
 * The API a {@link MockBackend} imitates: OpenAI's, as llama.cpp's {@code llama-server} and
 * vLLM serve it, or one of the simple "prompt" APIs that a gateway must adapt, which take
 * one prompt and answer whole JSON in a format of their own (see {@link PromptApi}).
 */
public enum Shape {
    /** OpenAI's API, as {@code llama-server} and vLLM serve it: chat, completions, embeddings, responses, models. */
    OPENAI("openai", "/v1/chat/completions"),
    /** {@code {"prompt","max_new_tokens","temperature","top_p"}} → {@code {"response"}}. */
    CHAT("chat", "/chat"),
    /** {@code {"prompt","system_prompt","model"}} → {@code {"outputText","tokensIn","tokensOut","latencyMS"}}. */
    VENDOR_A("vendor-a", "/vendor-a/messages"),
    /** The same request → {@code {"choices":[{"message":{"content"}}],"usage":{"input_tokens","output_tokens"}}}. */
    VENDOR_B("vendor-b", "/vendor-b/messages"),
    /** The same request → {@code {"response":"You entered: <prompt>"}}, an echo. */
    VENDOR_C("vendor-c", "/vendor-c/messages");

    private final String id;
    private final String path;

    Shape(String id, String path) {
        this.id = id;
        this.path = path;
    }

    /** {@return the name {@code --shape} takes} */
    public String id() {
        return id;
    }

    /** {@return where it takes its chat requests ({@code POST})} */
    public String path() {
        return path;
    }

    /**
     * {@return the shape of this name, if there is one}
     *
     * @param id a name as {@code --shape} takes it, such as {@code vendor-a}
     */
    public static Optional<Shape> named(String id) {
        return Arrays.stream(values()).filter(shape -> shape.id.equals(id)).findFirst();
    }
}
