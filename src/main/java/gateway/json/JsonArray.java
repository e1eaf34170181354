package gateway.json;

import java.util.List;

/**
 * A JSON array.
 *
 * @param values its elements, in order; the list is an unmodifiable copy
 */
public record JsonArray(List<JsonValue> values) implements JsonValue {
    /** Copies the list. */
    public JsonArray {
        values = List.copyOf(values);
    }

    /**
     * {@return an array of these values}
     *
     * @param values the elements
     */
    public static JsonArray of(JsonValue... values) {
        return new JsonArray(List.of(values));
    }

    /** {@return its number of elements} */
    public int size() {
        return values.size();
    }

    /**
     * {@return one element}
     *
     * @param index its position, from 0
     * @throws IndexOutOfBoundsException past the end
     */
    public JsonValue get(int index) {
        return values.get(index);
    }
}
