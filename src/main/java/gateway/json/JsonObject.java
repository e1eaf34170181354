package gateway.json;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A JSON object. Members keep the order they were written in, so a request forwarded
 * to a backend reads like the one the client sent. A key written twice keeps its last
 * value, as most parsers do (RFC 8259 section 4 leaves this open).
 *
 * @param members its members by name, in order; the map is an unmodifiable copy
 */
public record JsonObject(Map<String, JsonValue> members) implements JsonValue {
    /** Copies the map, keeping its order. */
    public JsonObject {
        members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
    }

    /** {@return a builder of a new object: {@code JsonObject.builder().put("role", "user").build()}} */
    public static Builder builder() {
        return new Builder(new LinkedHashMap<>());
    }

    /**
     * {@return the member named {@code name}, or {@code null} when there is none}
     *
     * @param name the member's name
     */
    public JsonValue get(String name) {
        return members.get(name);
    }

    /**
     * {@return whether it has a member named {@code name} (which may be JSON's {@code null})}
     *
     * @param name the member's name
     */
    public boolean has(String name) {
        return members.containsKey(name);
    }

    /**
     * {@return the member named {@code name} when it is a string}
     *
     * @param name the member's name
     */
    public Optional<String> string(String name) {
        return members.get(name) instanceof JsonString s ? Optional.of(s.value()) : Optional.empty();
    }

    /**
     * {@return the member named {@code name} when it is an object}
     *
     * @param name the member's name
     */
    public Optional<JsonObject> object(String name) {
        return members.get(name) instanceof JsonObject o ? Optional.of(o) : Optional.empty();
    }

    /**
     * {@return the member named {@code name} when it is an array}
     *
     * @param name the member's name
     */
    public Optional<JsonArray> array(String name) {
        return members.get(name) instanceof JsonArray a ? Optional.of(a) : Optional.empty();
    }

    /**
     * {@return the member named {@code name} when it is a whole number that fits a {@code long}}
     *
     * @param name the member's name
     */
    public Optional<Long> longValue(String name) {
        return members.get(name) instanceof JsonNumber n && n.isLong() ? Optional.of(n.longValue()) : Optional.empty();
    }

    /** {@return a builder that starts with this object's members, to make a changed copy} */
    public Builder toBuilder() {
        return new Builder(new LinkedHashMap<>(members));
    }

    /**
     * {@return a copy of this object with {@code name} set to {@code value} (in place if present, else last)}
     *
     * @param name  the member's name
     * @param value its value
     */
    public JsonObject with(String name, JsonValue value) {
        return toBuilder().put(name, value).build();
    }

    /** Collects members in order; {@code put} replaces a member already present, keeping its place. */
    public static final class Builder {
        private final LinkedHashMap<String, JsonValue> members;

        private Builder(LinkedHashMap<String, JsonValue> members) {
            this.members = members;
        }

        /**
         * Sets a member.
         *
         * @param name  its name
         * @param value its value
         * @return this builder
         */
        public Builder put(String name, JsonValue value) {
            members.put(name, value);
            return this;
        }

        /**
         * Sets a string member.
         *
         * @param name  its name
         * @param value its value; null for JSON's {@code null}
         * @return this builder
         */
        public Builder put(String name, String value) {
            return put(name, value == null ? JsonNull.INSTANCE : new JsonString(value));
        }

        /**
         * Sets a number member.
         *
         * @param name  its name
         * @param value its value
         * @return this builder
         */
        public Builder put(String name, long value) {
            return put(name, JsonNumber.of(value));
        }

        /**
         * Sets a boolean member.
         *
         * @param name  its name
         * @param value its value
         * @return this builder
         */
        public Builder put(String name, boolean value) {
            return put(name, JsonBoolean.of(value));
        }

        /**
         * Removes a member, if present.
         *
         * @param name its name
         * @return this builder
         */
        public Builder remove(String name) {
            members.remove(name);
            return this;
        }

        /** {@return the object, with the members put so far} */
        public JsonObject build() {
            return new JsonObject(members);
        }
    }
}
