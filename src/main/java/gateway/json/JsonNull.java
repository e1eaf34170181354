package gateway.json;

/** The JSON {@code null}: a single instance, so it can be compared with {@code ==}. */
public enum JsonNull implements JsonValue {
    /** The one {@code null}. */
    INSTANCE
}
