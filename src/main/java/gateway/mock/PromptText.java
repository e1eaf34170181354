package gateway.mock;

import gateway.json.JsonArray;
import gateway.json.JsonObject;
import gateway.json.JsonString;
import gateway.json.JsonValue;
import gateway.openai.ModelRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * A prompt as the mock's pretend tokenizer sees it: each message rendered as its role, a
 * newline, its text, a newline, as a chat template would lay it out, and one token per
 * {@value #CHARS_PER_TOKEN} characters of that (UTF-16 units). No real tokenizer agrees,
 * but what matters for routing is that a conversation's next turn starts with the text
 * of its previous turn, so it shares a token prefix, as it does on a real server.
 */
record PromptText(String rendered) {
    /** About what BPE tokenizers average on English text. */
    static final int CHARS_PER_TOKEN = 4;

    /** OpenAI's {@code messages}: a content is a string, or parts whose {@code text} are joined by newlines. */
    static PromptText ofMessages(JsonArray messages) {
        var text = new StringBuilder();
        for (JsonValue value : messages.values()) {
            if (value instanceof JsonObject message) {
                render(text, message.string("role").orElse(""), content(message.get("content")));
            }
        }
        return new PromptText(text.toString());
    }

    /** The gateway's view of any request's conversation ({@link ModelRequest#turns()}). */
    static PromptText ofTurns(List<ModelRequest.Turn> turns) {
        var text = new StringBuilder();
        for (ModelRequest.Turn turn : turns) {
            render(text, turn.role(), turn.text());
        }
        return new PromptText(text.toString());
    }

    /** A prompt API's request: its system prompt, if any, then its prompt as the user's. */
    static PromptText ofPrompt(String systemPrompt, String prompt) {
        var text = new StringBuilder();
        if (systemPrompt != null) {
            render(text, "system", systemPrompt);
        }
        render(text, "user", prompt);
        return new PromptText(text.toString());
    }

    /** This prompt with one more message after it. */
    PromptText followedBy(String role, String content) {
        var text = new StringBuilder(rendered);
        render(text, role, content);
        return new PromptText(text.toString());
    }

    int tokens() {
        return (rendered.length() + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
    }

    private static void render(StringBuilder text, String role, String content) {
        text.append(role).append('\n').append(content).append('\n');
    }

    private static String content(JsonValue content) {
        if (content instanceof JsonArray parts) {
            List<String> texts = new ArrayList<>();
            for (JsonValue part : parts.values()) {
                if (part instanceof JsonObject o) { // {"type":"text","text":…}; an image has no text
                    o.string("text").ifPresent(texts::add);
                }
            }
            return String.join("\n", texts);
        }
        return content instanceof JsonString s ? s.value() : "";
    }
}
