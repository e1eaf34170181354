package gateway.openai;

import gateway.http.ApiError;
import gateway.json.JsonArray;
import gateway.json.JsonNumber;
import gateway.json.JsonString;
import gateway.json.JsonValue;
import java.util.ArrayList;
import java.util.List;

/**
 * A completion's {@code prompt} or an embedding's {@code input}: one text, or several
 * (a batch), each given as a string or as token ids. Token ids cannot be read back
 * into text without the model's tokenizer, so the gateway's own uses (echo, estimates,
 * prefix routing) take them as their numbers written out.
 */
final class Inputs {
    private Inputs() {
    }

    /**
     * A string, an array of strings, an array of token ids, or an array of arrays of token
     * ids; none empty. {@code maxTexts} bounds a batch, the texts of an array: one text given
     * as token ids is bounded by the body's size, as a string's characters are.
     *
     * @param limit the setting {@code maxTexts} comes from, named in the message, or null
     */
    static void check(JsonValue value, String name, int maxTexts, String limit) {
        if (value instanceof JsonString s) {
            requireText(s, name);
            return;
        }
        if (!(value instanceof JsonArray items) || items.size() == 0) {
            throw invalid(name, "'" + name + "' must be a string, an array of strings, an array of token ids,"
                    + " or an array of such arrays, and not empty.");
        }
        if (items.get(0) instanceof JsonNumber) {
            tokens(items, name);
            return;
        }
        if (items.size() > maxTexts) {
            throw invalid(name, "'" + name + "' holds " + items.size() + " items; at most " + maxTexts + " are accepted"
                    + (limit == null ? "" : " (" + limit + ")") + ".");
        }
        for (int i = 0; i < items.size(); i++) {
            String at = name + "[" + i + "]";
            switch (items.get(i)) {
                case JsonString s -> requireText(s, at);
                case JsonArray tokens when tokens.size() > 0 -> tokens(tokens, at);
                default -> throw invalid(at, at + " must be a non-empty string or a non-empty array of token ids.");
            }
        }
    }

    /** Each text of a checked value, in order. */
    static List<String> texts(JsonValue value) {
        if (value instanceof JsonString s) {
            return List.of(s.value());
        }
        JsonArray items = (JsonArray) value;
        if (items.get(0) instanceof JsonNumber) {
            return List.of(tokenText(items));
        }
        var texts = new ArrayList<String>(items.size());
        for (JsonValue item : items.values()) {
            texts.add(item instanceof JsonString s ? s.value() : tokenText((JsonArray) item));
        }
        return texts;
    }

    private static String tokenText(JsonArray tokens) {
        var text = new StringBuilder();
        for (JsonValue token : tokens.values()) {
            text.append(text.isEmpty() ? "" : " ").append(((JsonNumber) token).text());
        }
        return text.toString();
    }

    private static void requireText(JsonString s, String at) {
        if (s.value().isEmpty()) {
            throw invalid(at, label(at) + " must not be an empty string.");
        }
    }

    private static void tokens(JsonArray tokens, String at) {
        for (JsonValue token : tokens.values()) {
            if (!(token instanceof JsonNumber n && n.isLong() && n.longValue() >= 0)) {
                throw invalid(at, label(at) + " must hold token ids: integers from 0.");
            }
        }
    }

    /** A field is quoted, an item of it is not, as in the chat rules' messages. */
    private static String label(String at) {
        return at.contains("[") ? at : "'" + at + "'";
    }

    private static ApiError invalid(String param, String message) {
        return ApiError.invalidRequest("invalid_" + param.replaceAll("\\[.*", ""), param, message);
    }
}
