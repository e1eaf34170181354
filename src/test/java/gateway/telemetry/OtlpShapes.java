package gateway.telemetry;

import gateway.json.JsonArray;
import gateway.json.JsonBoolean;
import gateway.json.JsonNumber;
import gateway.json.JsonObject;
import gateway.json.JsonString;
import gateway.json.JsonValue;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A strict checker of OTLP/HTTP JSON export requests (opentelemetry-proto's
 * ExportTraceServiceRequest and ExportMetricsServiceRequest in the OTLP JSON encoding).
 * Each problem names where it is, as {@code resourceSpans[0].scopeSpans[0].spans[2].spanId: ...}.
 * Unknown members are problems too: a collector skips them silently, so a misspelt
 * {@code startTimeUnixNanos} would otherwise pass as a span that starts in 1970.
 */
final class OtlpShapes {
    private static final Set<String> SPAN_KEYS = Set.of("traceId", "spanId", "traceState", "parentSpanId", "flags",
            "name", "kind", "startTimeUnixNano", "endTimeUnixNano", "attributes", "droppedAttributesCount", "events",
            "droppedEventsCount", "links", "droppedLinksCount", "status");
    private static final Set<String> POINT_KEYS = Set.of("attributes", "startTimeUnixNano", "timeUnixNano", "exemplars",
            "flags", "asInt", "asDouble", "count", "sum", "bucketCounts", "explicitBounds", "min", "max");
    private static final Set<String> ANY_VALUE_KEYS = Set.of("stringValue", "intValue", "doubleValue", "boolValue", "arrayValue");

    private final List<String> problems = new ArrayList<>();

    private OtlpShapes() {
    }

    /** The problems of an ExportTraceServiceRequest; empty when it is valid. */
    static List<String> traces(JsonValue body) {
        var shapes = new OtlpShapes();
        shapes.request(body, "resourceSpans", "scopeSpans", "spans", shapes::span);
        return shapes.problems;
    }

    /** The problems of an ExportMetricsServiceRequest; empty when it is valid. */
    static List<String> metrics(JsonValue body) {
        var shapes = new OtlpShapes();
        shapes.request(body, "resourceMetrics", "scopeMetrics", "metrics", shapes::metric);
        return shapes.problems;
    }

    private interface Item {
        void check(JsonObject item, String path);
    }

    /** An element of an array, with where it is. */
    private record Element(String path, JsonValue value) {
    }

    /** {resourceX: [{resource, scopeX: [{scope, items: [...]}]}]}, the same for both signals. */
    private void request(JsonValue body, String resources, String scopes, String items, Item check) {
        JsonObject request = object(body, "$", Set.of(resources));
        for (Element e : each(request, resources, "", true)) {
            String r = e.path();
            JsonObject resource = object(e.value(), r, Set.of("resource", scopes, "schemaUrl"));
            JsonObject attributes = object(resource.get("resource"), r + ".resource", Set.of("attributes", "droppedAttributesCount"));
            attributes(attributes, r + ".resource");
            if (attributes.array("attributes").stream().flatMap(a -> a.values().stream())
                    .noneMatch(kv -> kv instanceof JsonObject o && o.string("key").orElse("").equals("service.name"))) {
                problem(r + ".resource.attributes", "expected a service.name");
            }
            for (Element se : each(resource, scopes, r, true)) {
                String s = se.path();
                JsonObject scope = object(se.value(), s, Set.of("scope", items, "schemaUrl"));
                nonEmptyString(object(scope.get("scope"), s + ".scope", Set.of("name", "version", "attributes")), "name", s + ".scope");
                for (Element item : each(scope, items, s, true)) {
                    check.check(object(item.value(), item.path(), null), item.path());
                }
            }
        }
    }

    private void span(JsonObject span, String path) {
        unknownKeys(span, SPAN_KEYS, path);
        hex(span, "traceId", 32, path, true);
        hex(span, "spanId", 16, path, true);
        hex(span, "parentSpanId", 16, path, false);
        nonEmptyString(span, "name", path);
        long kind = span.longValue("kind").orElse(-1L);
        if (kind < 1 || kind > 5) {
            problem(path + ".kind", "expected an integer 1..5, not " + json(span.get("kind")));
        }
        times(span, "startTimeUnixNano", "endTimeUnixNano", path, true);
        attributes(span, path);
        for (Element element : each(span, "events", path, false)) {
            String e = element.path();
            JsonObject event = object(element.value(), e, Set.of("timeUnixNano", "name", "attributes", "droppedAttributesCount"));
            unsigned(event, "timeUnixNano", e, true);
            nonEmptyString(event, "name", e);
            attributes(event, e);
        }
        if (span.has("status")) {
            JsonObject status = object(span.get("status"), path + ".status", Set.of("code", "message"));
            long code = status.has("code") ? status.longValue("code").orElse(-1L) : 0;
            if (code < 0 || code > 2) {
                problem(path + ".status.code", "expected 0, 1 or 2, not " + json(status.get("code")));
            }
        }
    }

    private void metric(JsonObject metric, String path) {
        nonEmptyString(metric, "name", path);
        List<String> data = List.of("sum", "gauge", "histogram").stream().filter(metric::has).toList();
        unknownKeys(metric, Set.of("name", "description", "unit", "sum", "gauge", "histogram"), path);
        if (data.size() != 1) {
            problem(path, "expected exactly one of sum, gauge and histogram, not " + data);
            return;
        }
        String type = data.getFirst();
        String dataPath = path + "." + type;
        JsonObject body = object(metric.get(type), dataPath, Set.of("dataPoints", "aggregationTemporality", "isMonotonic"));
        if (!type.equals("gauge") && body.longValue("aggregationTemporality").orElse(-1L) != 2) {
            problem(dataPath + ".aggregationTemporality", "expected 2 (cumulative), not " + json(body.get("aggregationTemporality")));
        }
        if (type.equals("sum") && !(body.get("isMonotonic") instanceof JsonBoolean)) {
            problem(dataPath + ".isMonotonic", "expected true or false, not " + json(body.get("isMonotonic")));
        }
        for (Element element : each(body, "dataPoints", dataPath, true)) {
            String p = element.path();
            JsonObject point = object(element.value(), p, POINT_KEYS);
            times(point, "startTimeUnixNano", "timeUnixNano", p, !type.equals("gauge"));
            attributes(point, p);
            if (type.equals("histogram")) {
                histogramPoint(point, p);
            } else if (point.has("asInt") == point.has("asDouble")) {
                problem(p, "expected exactly one of asInt and asDouble");
            } else if (point.has("asInt")) {
                signedInt(point.get("asInt"), p + ".asInt");
            } else {
                number(point.get("asDouble"), p + ".asDouble");
            }
        }
    }

    private void histogramPoint(JsonObject point, String path) {
        BigInteger count = unsigned(point, "count", path, true);
        number(point.get("sum"), path + ".sum");
        List<JsonValue> bounds = point.array("explicitBounds").map(JsonArray::values).orElse(List.of());
        for (int i = 0; i < bounds.size(); i++) {
            number(bounds.get(i), path + ".explicitBounds[" + i + "]");
            if (i > 0 && bounds.get(i) instanceof JsonNumber b && bounds.get(i - 1) instanceof JsonNumber a
                    && b.decimalValue().compareTo(a.decimalValue()) <= 0) {
                problem(path + ".explicitBounds[" + i + "]", "expected bounds in strictly ascending order");
            }
        }
        List<JsonValue> buckets = point.array("bucketCounts").map(JsonArray::values).orElse(List.of());
        if (buckets.size() != bounds.size() + 1) {
            problem(path + ".bucketCounts", "expected " + (bounds.size() + 1) + " counts (one per bound and +Inf), not " + buckets.size());
        }
        BigInteger total = BigInteger.ZERO;
        for (int i = 0; i < buckets.size(); i++) {
            total = total.add(digits(buckets.get(i), path + ".bucketCounts[" + i + "]", false));
        }
        if (count != null && !total.equals(count)) {
            problem(path + ".bucketCounts", "sum " + total + " differs from count " + count);
        }
    }

    /** A list of KeyValue with unique keys, each value an AnyValue. */
    private void attributes(JsonObject owner, String path) {
        var keys = new HashSet<String>();
        for (Element element : each(owner, "attributes", path, false)) {
            String a = element.path();
            JsonObject kv = object(element.value(), a, Set.of("key", "value"));
            String key = nonEmptyString(kv, "key", a);
            if (key != null && !keys.add(key)) {
                problem(a + ".key", "duplicate key " + key);
            }
            anyValue(kv.get("value"), a + ".value");
        }
    }

    private void anyValue(JsonValue value, String path) {
        JsonObject any = object(value, path, ANY_VALUE_KEYS);
        if (any.members().size() != 1) {
            problem(path, "expected exactly one of " + ANY_VALUE_KEYS + ", not " + any.members().keySet());
            return;
        }
        var member = any.members().entrySet().iterator().next();
        String at = path + "." + member.getKey();
        switch (member.getKey()) {
            case "stringValue" -> expect(member.getValue() instanceof JsonString, at, "a string", member.getValue());
            case "intValue" -> signedInt(member.getValue(), at);
            case "doubleValue" -> expect(member.getValue() instanceof JsonNumber
                    || member.getValue() instanceof JsonString s && Set.of("NaN", "Infinity", "-Infinity").contains(s.value()),
                    at, "a number (or proto3's NaN, Infinity, -Infinity)", member.getValue());
            case "boolValue" -> expect(member.getValue() instanceof JsonBoolean, at, "true or false", member.getValue());
            default -> {
                JsonObject array = object(member.getValue(), at, Set.of("values"));
                for (Element element : each(array, "values", at, false)) {
                    anyValue(element.value(), element.path());
                }
            }
        }
    }

    private void times(JsonObject owner, String start, String end, String path, boolean startRequired) {
        BigInteger from = unsigned(owner, start, path, startRequired);
        BigInteger to = unsigned(owner, end, path, true);
        if (from != null && to != null && to.compareTo(from) < 0) {
            problem(path + "." + end, "expected at or after " + start);
        }
    }

    private void hex(JsonObject owner, String name, int digits, String path, boolean required) {
        JsonValue value = owner.get(name);
        if (value == null && !required) {
            return;
        }
        if (!(value instanceof JsonString s) || !s.value().matches("[0-9a-f]{" + digits + "}") || s.value().matches("0+")) {
            problem(path + "." + name, "expected " + digits + " lowercase hex digits, not all zero, not " + json(value));
        }
    }

    // The helpers below record a problem and carry on, so that one request shows all its faults.

    private BigInteger unsigned(JsonObject owner, String name, String path, boolean required) {
        JsonValue value = owner.get(name);
        if (value == null && !required) {
            return null;
        }
        return digits(value, path + "." + name, false);
    }

    /** A 64-bit integer as proto3 JSON writes it: a string of decimal digits. */
    private BigInteger digits(JsonValue value, String path, boolean signed) {
        if (value instanceof JsonString s && s.value().matches(signed ? "-?[0-9]{1,20}" : "[0-9]{1,20}")) {
            return new BigInteger(s.value());
        }
        problem(path, "expected a string of decimal digits, not " + json(value));
        return null;
    }

    private void signedInt(JsonValue value, String path) {
        digits(value, path, true);
    }

    private void number(JsonValue value, String path) {
        expect(value instanceof JsonNumber, path, "a number", value);
    }

    private String nonEmptyString(JsonObject owner, String name, String path) {
        if (owner.get(name) instanceof JsonString s && !s.value().isEmpty()) {
            return s.value();
        }
        problem(path + "." + name, "expected a non-empty string, not " + json(owner.get(name)));
        return null;
    }

    private void expect(boolean ok, String path, String what, JsonValue value) {
        if (!ok) {
            problem(path, "expected " + what + ", not " + json(value));
        }
    }

    /** The elements of the array {@code owner.name}; a problem when it is not an array, or is required and empty. */
    private List<Element> each(JsonObject owner, String name, String path, boolean required) {
        String at = path.isEmpty() ? name : path + "." + name;
        JsonValue value = owner.get(name);
        if (value == null && !required) {
            return List.of();
        }
        if (!(value instanceof JsonArray array) || required && array.size() == 0) {
            problem(at, "expected " + (required ? "a non-empty array" : "an array") + ", not " + json(value));
            return List.of();
        }
        var elements = new ArrayList<Element>();
        for (int i = 0; i < array.size(); i++) {
            elements.add(new Element(at + "[" + i + "]", array.get(i)));
        }
        return elements;
    }

    /** The value as an object, checking its member names when {@code known} is given; an empty one after a problem. */
    private JsonObject object(JsonValue value, String path, Set<String> known) {
        if (!(value instanceof JsonObject object)) {
            problem(path, "expected an object, not " + json(value));
            return JsonObject.builder().build();
        }
        if (known != null) {
            unknownKeys(object, known, path);
        }
        return object;
    }

    private void unknownKeys(JsonObject object, Set<String> known, String path) {
        for (String key : object.members().keySet()) {
            if (!known.contains(key)) {
                problem(path + "." + key, "unknown member");
            }
        }
    }

    private void problem(String path, String message) {
        problems.add(path + ": " + message);
    }

    private static String json(JsonValue value) {
        return value == null ? "nothing" : value.toJson();
    }
}
