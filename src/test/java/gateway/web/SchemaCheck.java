package gateway.web;

import gateway.json.JsonArray;
import gateway.json.JsonBoolean;
import gateway.json.JsonNull;
import gateway.json.JsonNumber;
import gateway.json.JsonObject;
import gateway.json.JsonString;
import gateway.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Checks a JSON value against a schema of the OpenAPI document: the subset of JSON Schema
 * 2020-12 the document uses. {@link #KEYWORDS} lists every keyword understood; the test
 * fails on a schema using another, so a constraint is never skipped without notice.
 */
final class SchemaCheck {
    /** Keywords that constrain, each checked below. */
    static final Set<String> KEYWORDS = Set.of("$ref", "type", "const", "enum", "required", "properties",
            "additionalProperties", "items", "allOf", "oneOf", "anyOf", "minimum", "maximum", "minItems", "maxItems",
            "minLength", "maxLength");
    /** Keywords that only annotate. */
    static final Set<String> ANNOTATIONS = Set.of("description", "default", "examples", "title");

    private final OpenApi api;
    private final List<String> problems = new ArrayList<>();

    private SchemaCheck(OpenApi api) {
        this.api = api;
    }

    /** What is wrong with {@code value} against {@code schema}: empty when it conforms. */
    static List<String> problems(OpenApi api, JsonValue schema, JsonValue value) {
        var check = new SchemaCheck(api);
        check.check(schema, value, "$");
        return check.problems;
    }

    private void check(JsonValue schemaValue, JsonValue value, String at) {
        var schema = (JsonObject) api.resolve(schemaValue);
        if (schema.has("type") && !typeMatches(schema.get("type"), value)) {
            problems.add(at + ": expected type " + schema.get("type").toJson() + ", got " + value.toJson());
            return;
        }
        if (schema.has("const") && !schema.get("const").equals(value)) {
            problems.add(at + ": expected " + schema.get("const").toJson() + ", got " + value.toJson());
        }
        if (schema.has("enum") && !((JsonArray) schema.get("enum")).values().contains(value)) {
            problems.add(at + ": " + value.toJson() + " is not one of " + schema.get("enum").toJson());
        }
        schema.array("allOf").ifPresent(all -> all.values().forEach(s -> check(s, value, at)));
        schema.array("anyOf").ifPresent(any -> {
            if (any.values().stream().noneMatch(s -> problems(api, s, value).isEmpty())) {
                problems.add(at + ": matches none of anyOf");
            }
        });
        schema.array("oneOf").ifPresent(one -> {
            long matches = one.values().stream().filter(s -> problems(api, s, value).isEmpty()).count();
            if (matches != 1) {
                problems.add(at + ": matches " + matches + " of oneOf, not exactly one");
            }
        });
        switch (value) {
            case JsonObject object -> object(schema, object, at);
            case JsonArray array -> array(schema, array, at);
            case JsonString string -> bounds(schema, "minLength", "maxLength", string.value().length(), at);
            case JsonNumber number -> {
                if (schema.has("minimum") && number.doubleValue() < ((JsonNumber) schema.get("minimum")).doubleValue()) {
                    problems.add(at + ": " + number.text() + " is below the minimum");
                }
                if (schema.has("maximum") && number.doubleValue() > ((JsonNumber) schema.get("maximum")).doubleValue()) {
                    problems.add(at + ": " + number.text() + " is above the maximum");
                }
            }
            default -> { }
        }
    }

    private void object(JsonObject schema, JsonObject object, String at) {
        schema.array("required").ifPresent(required -> required.values().forEach(name -> {
            if (!object.has(((JsonString) name).value())) {
                problems.add(at + ": the required property '" + ((JsonString) name).value() + "' is missing");
            }
        }));
        var properties = schema.object("properties").orElse(JsonObject.builder().build());
        object.members().forEach((name, member) -> {
            if (properties.has(name)) {
                check(properties.get(name), member, at + "." + name);
            } else if (schema.get("additionalProperties") == JsonBoolean.FALSE) {
                problems.add(at + ": the property '" + name + "' is not allowed");
            }
        });
    }

    private void array(JsonObject schema, JsonArray array, String at) {
        bounds(schema, "minItems", "maxItems", array.size(), at);
        if (schema.has("items")) {
            for (int i = 0; i < array.size(); i++) {
                check(schema.get("items"), array.get(i), at + "[" + i + "]");
            }
        }
    }

    private void bounds(JsonObject schema, String min, String max, int size, String at) {
        if (schema.longValue(min).filter(m -> size < m).isPresent() || schema.longValue(max).filter(m -> size > m).isPresent()) {
            problems.add(at + ": size " + size + " is outside " + min + "/" + max);
        }
    }

    private static boolean typeMatches(JsonValue type, JsonValue value) {
        if (type instanceof JsonArray types) {
            return types.values().stream().anyMatch(t -> typeMatches(t, value));
        }
        return switch (((JsonString) type).value()) {
            case "object" -> value instanceof JsonObject;
            case "array" -> value instanceof JsonArray;
            case "string" -> value instanceof JsonString;
            case "boolean" -> value instanceof JsonBoolean;
            case "null" -> value == JsonNull.INSTANCE;
            case "number" -> value instanceof JsonNumber;
            case "integer" -> value instanceof JsonNumber n && n.isLong();
            default -> throw new AssertionError("unknown type " + type.toJson());
        };
    }
}
