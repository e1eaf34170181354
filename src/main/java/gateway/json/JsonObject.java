package gateway.json;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A JSON object. Members keep the order they were written in, so a request forwarded
 * to a backend reads like the one the client sent. A key written twice keeps its last
 * value, as most parsers do (RFC 8259 section 4 leaves this open).
 */
public record JsonObject(Map<String, JsonValue> members) implements JsonValue {
    public JsonObject {
        members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
    }

    public static Builder builder() {
        return new Builder(new LinkedHashMap<>());
    }

    /** The member named {@code name}, or {@code null} when there is none. */
    public JsonValue get(String name) {
        return members.get(name);
    }

    public boolean has(String name) {
        return members.containsKey(name);
    }

    /** The member named {@code name} when it is a string. */
    public Optional<String> string(String name) {
        return members.get(name) instanceof JsonString s ? Optional.of(s.value()) : Optional.empty();
    }

    /** The member named {@code name} when it is an object. */
    public Optional<JsonObject> object(String name) {
        return members.get(name) instanceof JsonObject o ? Optional.of(o) : Optional.empty();
    }

    /** The member named {@code name} when it is an array. */
    public Optional<JsonArray> array(String name) {
        return members.get(name) instanceof JsonArray a ? Optional.of(a) : Optional.empty();
    }

    /** The member named {@code name} when it is a whole number that fits a {@code long}. */
    public Optional<Long> longValue(String name) {
        return members.get(name) instanceof JsonNumber n && n.isLong() ? Optional.of(n.longValue()) : Optional.empty();
    }

    /** A builder that starts with this object's members, to make a changed copy. */
    public Builder toBuilder() {
        return new Builder(new LinkedHashMap<>(members));
    }

    /** A copy of this object with {@code name} set to {@code value} (in place if present, else last). */
    public JsonObject with(String name, JsonValue value) {
        return toBuilder().put(name, value).build();
    }

    /** Collects members in order; {@code put} replaces a member already present, keeping its place. */
    public static final class Builder {
        private final LinkedHashMap<String, JsonValue> members;

        private Builder(LinkedHashMap<String, JsonValue> members) {
            this.members = members;
        }

        public Builder put(String name, JsonValue value) {
            members.put(name, value);
            return this;
        }

        public Builder put(String name, String value) {
            return put(name, value == null ? JsonNull.INSTANCE : new JsonString(value));
        }

        public Builder put(String name, long value) {
            return put(name, JsonNumber.of(value));
        }

        public Builder put(String name, boolean value) {
            return put(name, JsonBoolean.of(value));
        }

        public Builder remove(String name) {
            members.remove(name);
            return this;
        }

        public JsonObject build() {
            return new JsonObject(members);
        }
    }
}
