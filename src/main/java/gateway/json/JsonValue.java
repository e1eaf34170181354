package gateway.json;

/**
 * A JSON value (RFC 8259): one of six kinds, consumed with a {@code switch}.
 *
 * <p>Values are immutable, except that a {@link JsonObject} made by the parser or by
 * {@link JsonObject#builder()} may be copied and changed with {@link JsonObject#with}.
 */
public sealed interface JsonValue
        permits JsonObject, JsonArray, JsonString, JsonNumber, JsonBoolean, JsonNull {

    /** {@return this value as compact JSON text} */
    default String toJson() {
        return Json.write(this);
    }
}
