package gateway.json;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The JSON codec: a strict RFC 8259 parser and a compact writer.
 *
 * <pre>{@code
 * JsonValue value = Json.parse("{\"id\": 12345678901234567890}");
 * String text = Json.write(value);   // {"id":12345678901234567890}
 * }</pre>
 *
 * Numbers keep their exact text, object members keep their order, and parsing
 * {@code write(v)} gives back a value equal to {@code v}.
 */
public final class Json {
    /**
     * How deep arrays and objects may nest. Real requests (messages, tool schemas)
     * stay within a few dozen levels; the cap keeps hostile input such as 100,000
     * opening brackets from overflowing the parser's stack.
     */
    public static final int MAX_DEPTH = 512;

    private Json() {
    }

    /**
     * Parses one JSON text.
     *
     * @param text the text
     * @return its value
     * @throws JsonException when {@code text} is not valid JSON or nests deeper than
     *         {@link #MAX_DEPTH}; its message gives the line, column and what was expected
     */
    public static JsonValue parse(String text) {
        return new JsonParser(text).parseText();
    }

    /**
     * Parses one JSON text from UTF-8 bytes (RFC 8259 section 8.1). A byte-order mark
     * or a byte sequence that is not UTF-8 is rejected, not replaced.
     *
     * @param utf8 the text's bytes
     * @return its value
     * @throws JsonException as {@link #parse(String)}, and for malformed UTF-8
     */
    public static JsonValue parse(byte[] utf8) {
        return parse(decodeUtf8(utf8));
    }

    /**
     * {@return the value as compact JSON text}
     *
     * @param value the value
     */
    public static String write(JsonValue value) {
        var out = new StringBuilder(128);
        new JsonWriter(out).write(value);
        return out.toString();
    }

    /**
     * {@return the string as a JSON string literal, quotes included}
     *
     * @param s the string
     */
    public static String quote(String s) {
        var out = new StringBuilder(s.length() + 2);
        quoteInto(out, s);
        return out.toString();
    }

    /**
     * Appends {@code s} as a JSON string literal, as {@link #quote} returns it, without making a string of it first.
     *
     * @param out where it is appended
     * @param s   the string
     */
    public static void quoteInto(StringBuilder out, String s) {
        new JsonWriter(out).writeString(s);
    }

    private static String decodeUtf8(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            throw invalidUtf8(out.flip().toString(), in.position());
        }
        decoder.flush(out);
        return out.flip().toString();
    }

    /** Reports malformed UTF-8 at the line and column of the text decoded before it. */
    private static JsonException invalidUtf8(String before, int byteOffset) {
        int line = 1 + (int) before.chars().filter(c -> c == '\n').count();
        int column = before.length() - (before.lastIndexOf('\n') + 1) + 1;
        return new JsonException("invalid UTF-8 at byte " + byteOffset, line, column);
    }
}
