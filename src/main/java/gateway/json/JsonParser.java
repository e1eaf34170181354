package gateway.json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * A strict RFC 8259 parser: one method per grammar rule, reading a string left to
 * right. Recursion follows the nesting of the input, so nesting is capped at
 * {@link Json#MAX_DEPTH} to keep hostile input from overflowing the stack.
 */
final class JsonParser {
    private final String text;
    private int pos;
    private int depth;

    JsonParser(String text) {
        this.text = text;
    }

    /** JSON-text = ws value ws (RFC 8259 section 2). */
    JsonValue parseText() {
        skipWhitespace();
        JsonValue value = parseValue();
        skipWhitespace();
        if (pos < text.length()) {
            throw failure("unexpected " + describe(peek()) + " after the JSON value");
        }
        return value;
    }

    private JsonValue parseValue() {
        if (pos >= text.length()) {
            throw failure("expected a JSON value but the input ended");
        }
        char c = peek();
        return switch (c) {
            case '{' -> parseObject();
            case '[' -> parseArray();
            case '"' -> new JsonString(parseString());
            case 't' -> parseLiteral("true", JsonBoolean.TRUE);
            case 'f' -> parseLiteral("false", JsonBoolean.FALSE);
            case 'n' -> parseLiteral("null", JsonNull.INSTANCE);
            default -> {
                if (c == '-' || isDigit(c)) {
                    yield parseNumber();
                }
                throw failure("expected a JSON value but found " + describe(c));
            }
        };
    }

    private JsonObject parseObject() {
        enterNesting();
        pos++; // '{'
        var members = new LinkedHashMap<String, JsonValue>();
        skipWhitespace();
        if (tryRead('}')) {
            depth--;
            return new JsonObject(members);
        }
        do {
            skipWhitespace();
            if (pos >= text.length() || peek() != '"') {
                throw failure("expected a string key in the object" + found());
            }
            String key = parseString();
            skipWhitespace();
            expect(':', "after an object key");
            skipWhitespace();
            members.put(key, parseValue());
            skipWhitespace();
        } while (tryRead(','));
        expect('}', "or ',' in the object");
        depth--;
        return new JsonObject(members);
    }

    private JsonArray parseArray() {
        enterNesting();
        pos++; // '['
        List<JsonValue> values = new ArrayList<>();
        skipWhitespace();
        if (tryRead(']')) {
            depth--;
            return new JsonArray(values);
        }
        do {
            skipWhitespace();
            values.add(parseValue());
            skipWhitespace();
        } while (tryRead(','));
        expect(']', "or ',' in the array");
        depth--;
        return new JsonArray(values);
    }

    /** string = quotation-mark *char quotation-mark; returns the unescaped content. */
    private String parseString() {
        pos++; // opening quote
        int start = pos;
        // Fast path: most strings have no escapes and can be cut out whole.
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '"') {
                return text.substring(start, pos++);
            }
            if (c == '\\' || c < 0x20) {
                break;
            }
            pos++;
        }
        var out = new StringBuilder(text.length() - start < 64 ? 16 : 64).append(text, start, pos);
        while (true) {
            if (pos >= text.length()) {
                throw failure("expected '\"' to close the string but the input ended");
            }
            char c = text.charAt(pos);
            if (c == '"') {
                pos++;
                return out.toString();
            } else if (c == '\\') {
                out.append(parseEscape());
            } else if (c < 0x20) {
                // RFC 8259 section 7: control characters must be escaped.
                throw failure("unescaped control character " + describe(c) + " in a string");
            } else {
                out.append(c);
                pos++;
            }
        }
    }

    private char parseEscape() {
        pos++; // backslash
        if (pos >= text.length()) {
            throw failure("expected an escape character but the input ended");
        }
        char c = text.charAt(pos++);
        return switch (c) {
            case '"', '\\', '/' -> c;
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'u' -> parseHexEscape();
            default -> {
                pos -= 2; // point at the backslash
                throw failure("invalid escape '\\" + c + "' in a string");
            }
        };
    }

    /** \\uXXXX: one UTF-16 code unit; a surrogate pair is two escapes, each kept as is. */
    private char parseHexEscape() {
        int value = 0;
        for (int i = 0; i < 4; i++) {
            int digit = pos < text.length() ? Character.digit(text.charAt(pos), 16) : -1;
            if (digit < 0) {
                throw failure("expected 4 hex digits after '\\u'" + found());
            }
            value = value * 16 + digit;
            pos++;
        }
        return (char) value;
    }

    /** number = [ minus ] int [ frac ] [ exp ]; the exact text is kept. */
    private JsonNumber parseNumber() {
        int start = pos;
        tryRead('-');
        if (tryRead('0')) {
            if (pos < text.length() && isDigit(peek())) {
                throw failure("a number must not have a leading zero");
            }
        } else {
            readDigits("a digit");
        }
        if (tryRead('.')) {
            readDigits("a digit after the decimal point");
        }
        if (tryRead('e') || tryRead('E')) {
            if (!tryRead('+')) {
                tryRead('-');
            }
            readDigits("a digit in the exponent");
        }
        return new JsonNumber(text.substring(start, pos));
    }

    private void readDigits(String what) {
        if (pos >= text.length() || !isDigit(peek())) {
            throw failure("expected " + what + found());
        }
        while (pos < text.length() && isDigit(peek())) {
            pos++;
        }
    }

    private JsonValue parseLiteral(String word, JsonValue value) {
        if (!text.startsWith(word, pos)) {
            throw failure("expected '" + word + "'" + found());
        }
        pos += word.length();
        return value;
    }

    private void enterNesting() {
        if (++depth > Json.MAX_DEPTH) {
            throw failure("nesting deeper than " + Json.MAX_DEPTH + " levels");
        }
    }

    /** ws = *( space / horizontal tab / line feed / carriage return ). */
    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private boolean tryRead(char expected) {
        if (pos < text.length() && text.charAt(pos) == expected) {
            pos++;
            return true;
        }
        return false;
    }

    private void expect(char expected, String context) {
        if (!tryRead(expected)) {
            throw failure("expected '" + expected + "' " + context + found());
        }
    }

    private char peek() {
        return text.charAt(pos);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private String found() {
        return pos < text.length() ? " but found " + describe(peek()) : " but the input ended";
    }

    private static String describe(char c) {
        return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }

    /** The exception for a problem at the current position, with its line and column. */
    private JsonException failure(String problem) {
        int line = 1;
        int lineStart = 0;
        int end = Math.min(pos, text.length());
        for (int i = 0; i < end; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new JsonException(problem, line, end - lineStart + 1);
    }
}
