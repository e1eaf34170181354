package gateway.json;

import java.util.Objects;

/**
 * A JSON string.
 *
 * @param value its characters, unescaped
 */
public record JsonString(String value) implements JsonValue {
    /** Refuses null. */
    public JsonString {
        Objects.requireNonNull(value, "value");
    }
}
