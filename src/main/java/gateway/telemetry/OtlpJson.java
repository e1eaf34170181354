package gateway.telemetry;

import gateway.config.TelemetrySettings;
import gateway.json.JsonArray;
import gateway.json.JsonBoolean;
import gateway.json.JsonNumber;
import gateway.json.JsonObject;
import gateway.json.JsonString;
import gateway.json.JsonValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OTLP JSON encoding of spans and metrics (the OTLP specification's "JSON Protobuf
 * Encoding"): the proto3 JSON mapping with field names in lowerCamelCase, except that
 * trace and span ids are lowercase hex, not base64, and enums are integers. 64-bit
 * integers (times, {@code intValue}, counts) are JSON strings of decimal digits, as proto3
 * JSON writes {@code int64} and {@code fixed64}; doubles are JSON numbers.
 */
public final class OtlpJson {
    /** The instrumentation scope every span and metric is reported under. */
    static final String SCOPE = "gateway";

    private OtlpJson() {
    }

    /**
     * The resource: {@code service.name}, the {@code OTEL_RESOURCE_ATTRIBUTES}, and the SDK's
     * name and language. {@code OTEL_SERVICE_NAME} wins over a {@code service.name} among the
     * resource attributes, as the OpenTelemetry specification has it.
     */
    public static JsonObject resource(TelemetrySettings settings) {
        var attributes = new LinkedHashMap<String, Object>();
        attributes.put("service.name", settings.serviceName());
        settings.resource().forEach(attributes::putIfAbsent);
        attributes.put("telemetry.sdk.name", "gateway");
        attributes.put("telemetry.sdk.language", "java");
        return JsonObject.builder().put("attributes", attributes(attributes)).build();
    }

    /** An ExportTraceServiceRequest carrying {@code spans} under one resource and scope. */
    public static JsonObject traces(JsonObject resource, List<Span> spans) {
        return tracesOf(resource, spans.stream().map(OtlpJson::span).toList());
    }

    /** An ExportTraceServiceRequest of spans already encoded by {@link #span}. */
    static JsonObject tracesOf(JsonObject resource, List<? extends JsonValue> encoded) {
        JsonObject scopeSpans = JsonObject.builder()
                .put("scope", scope())
                .put("spans", new JsonArray(List.copyOf(encoded)))
                .build();
        JsonObject resourceSpans = JsonObject.builder()
                .put("resource", resource)
                .put("scopeSpans", JsonArray.of(scopeSpans))
                .build();
        return JsonObject.builder().put("resourceSpans", JsonArray.of(resourceSpans)).build();
    }

    /** An ExportMetricsServiceRequest carrying already-encoded OTLP {@code Metric} objects. */
    public static JsonObject metrics(JsonObject resource, JsonArray metrics) {
        JsonObject scopeMetrics = JsonObject.builder()
                .put("scope", scope())
                .put("metrics", metrics)
                .build();
        JsonObject resourceMetrics = JsonObject.builder()
                .put("resource", resource)
                .put("scopeMetrics", JsonArray.of(scopeMetrics))
                .build();
        return JsonObject.builder().put("resourceMetrics", JsonArray.of(resourceMetrics)).build();
    }

    /**
     * How many data points {@code metrics} holds: what the export counters count for metrics,
     * since a collector's partial success reports rejected data points, not metrics.
     */
    public static int dataPoints(JsonArray metrics) {
        int points = 0;
        for (JsonValue metric : metrics.values()) {
            if (metric instanceof JsonObject m) {
                for (String type : List.of("sum", "gauge", "histogram", "exponentialHistogram", "summary")) {
                    points += m.object(type).flatMap(data -> data.array("dataPoints")).map(JsonArray::size).orElse(0);
                }
            }
        }
        return points;
    }

    private static JsonObject scope() {
        return JsonObject.builder().put("name", SCOPE).build();
    }

    static JsonObject span(Span span) {
        var json = JsonObject.builder()
                .put("traceId", span.traceId())
                .put("spanId", span.spanId());
        if (span.parentSpanId() != null) {
            json.put("parentSpanId", span.parentSpanId());
        }
        if (span.traceState() != null) {
            json.put("traceState", span.traceState());
        }
        json.put("name", span.name())
                .put("kind", span.kind().otlp)
                .put("startTimeUnixNano", Long.toString(span.startNanos()))
                .put("endTimeUnixNano", Long.toString(span.endNanos()))
                .put("attributes", attributes(span.attributes()))
                .put("events", events(span.events()));
        if (span.error() != null) {
            // STATUS_CODE_ERROR is 2; a span that did not fail keeps its status unset (omitted).
            json.put("status", JsonObject.builder().put("code", 2).put("message", span.error()).build());
        }
        return json.build();
    }

    private static JsonArray events(List<Span.Event> events) {
        var encoded = new ArrayList<JsonValue>(events.size());
        for (Span.Event event : events) {
            encoded.add(JsonObject.builder()
                    .put("timeUnixNano", Long.toString(event.timeNanos()))
                    .put("name", event.name())
                    .put("attributes", attributes(event.attributes()))
                    .build());
        }
        return new JsonArray(encoded);
    }

    /**
     * A list of KeyValue, in the map's order; a {@code null} value leaves its key out. Values
     * are encoded by their type: see {@link Span}'s attributes (metrics' data points use it too).
     */
    public static JsonArray attributes(Map<String, ?> attributes) {
        var encoded = new ArrayList<JsonValue>(attributes.size());
        attributes.forEach((key, value) -> {
            if (value != null) {
                encoded.add(JsonObject.builder().put("key", key).put("value", anyValue(value)).build());
            }
        });
        return new JsonArray(encoded);
    }

    /** An AnyValue: exactly one of its members, chosen by the Java type. */
    static JsonObject anyValue(Object value) {
        var json = JsonObject.builder();
        return switch (value) {
            case String s -> json.put("stringValue", s).build();
            case Integer i -> json.put("intValue", Long.toString(i)).build();
            case Long l -> json.put("intValue", Long.toString(l)).build();
            case Short s -> json.put("intValue", Long.toString(s)).build();
            case Double d -> json.put("doubleValue", doubleValue(d)).build();
            case Float f -> json.put("doubleValue", doubleValue(f)).build();
            case Boolean b -> json.put("boolValue", JsonBoolean.of(b)).build();
            case List<?> list -> json.put("arrayValue", arrayValue(list)).build();
            default -> json.put("stringValue", value.toString()).build();
        };
    }

    private static JsonObject arrayValue(List<?> list) {
        var values = new ArrayList<JsonValue>(list.size());
        for (Object item : list) {
            if (item != null) {
                values.add(anyValue(item));
            }
        }
        return JsonObject.builder().put("values", new JsonArray(values)).build();
    }

    /** A number, or one of proto3 JSON's strings for the doubles JSON has no number for. */
    private static JsonValue doubleValue(double d) {
        if (Double.isNaN(d)) {
            return new JsonString("NaN");
        }
        if (Double.isInfinite(d)) {
            return new JsonString(d > 0 ? "Infinity" : "-Infinity");
        }
        return JsonNumber.of(d);
    }
}
