package gateway.json;

/**
 * {@code true} or {@code false}.
 *
 * @param value which
 */
public record JsonBoolean(boolean value) implements JsonValue {
    /** {@code true}. */
    public static final JsonBoolean TRUE = new JsonBoolean(true);
    /** {@code false}. */
    public static final JsonBoolean FALSE = new JsonBoolean(false);

    /**
     * {@return {@link #TRUE} or {@link #FALSE}, so that values can be compared with {@code ==}}
     *
     * @param value which
     */
    public static JsonBoolean of(boolean value) {
        return value ? TRUE : FALSE;
    }
}
