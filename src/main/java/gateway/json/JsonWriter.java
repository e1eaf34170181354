package gateway.json;

import java.util.Iterator;
import java.util.Map;

/** Writes compact JSON that {@link JsonParser} reads back equal. */
final class JsonWriter {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final StringBuilder out;

    JsonWriter(StringBuilder out) {
        this.out = out;
    }

    void write(JsonValue value) {
        switch (value) {
            case JsonObject o -> writeObject(o);
            case JsonArray a -> writeArray(a);
            case JsonString s -> writeString(s.value());
            case JsonNumber n -> out.append(n.text());
            case JsonBoolean b -> out.append(b.value());
            case JsonNull ignored -> out.append("null");
        }
    }

    private void writeObject(JsonObject object) {
        out.append('{');
        Iterator<Map.Entry<String, JsonValue>> members = object.members().entrySet().iterator();
        while (members.hasNext()) {
            var member = members.next();
            writeString(member.getKey());
            out.append(':');
            write(member.getValue());
            if (members.hasNext()) {
                out.append(',');
            }
        }
        out.append('}');
    }

    private void writeArray(JsonArray array) {
        out.append('[');
        for (int i = 0; i < array.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            write(array.get(i));
        }
        out.append(']');
    }

    /**
     * Escapes what RFC 8259 section 7 requires (quote, backslash, control characters)
     * and also lone surrogates: they cannot be encoded as UTF-8, so as raw characters
     * they would turn into '?' on the wire; as escapes they survive the round trip.
     */
    void writeString(String s) {
        out.append('"');
        int plainStart = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String escape = escapeFor(s, i, c);
            if (escape != null) {
                out.append(s, plainStart, i).append(escape);
                plainStart = i + 1;
            } else if (Character.isHighSurrogate(c)) {
                i++; // a valid pair: keep both halves as they are
            }
        }
        out.append(s, plainStart, s.length()).append('"');
    }

    private static String escapeFor(String s, int i, char c) {
        switch (c) {
            case '"': return "\\\"";
            case '\\': return "\\\\";
            case '\n': return "\\n";
            case '\r': return "\\r";
            case '\t': return "\\t";
            case '\b': return "\\b";
            case '\f': return "\\f";
            default:
                if (c < 0x20 || isLoneSurrogate(s, i, c)) {
                    return unicodeEscape(c);
                }
                return null;
        }
    }

    private static boolean isLoneSurrogate(String s, int i, char c) {
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
        }
        // A low surrogate reached here had no high surrogate before it: valid pairs are skipped whole.
        return Character.isLowSurrogate(c);
    }

    private static String unicodeEscape(char c) {
        return new String(new char[] {'\\', 'u', HEX[c >> 12], HEX[(c >> 8) & 0xf], HEX[(c >> 4) & 0xf], HEX[c & 0xf]});
    }
}
