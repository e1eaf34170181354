package gateway.telemetry;

import gateway.config.TelemetrySettings;
import gateway.json.Json;
import gateway.json.JsonArray;
import gateway.json.JsonNumber;
import gateway.json.JsonObject;
import gateway.json.JsonString;
import gateway.json.JsonValue;
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
        var text = new StringBuilder("{\"attributes\":");
        writeAttributes(text, attributes);
        return (JsonObject) Json.parse(text.append('}').toString()); // once, at start: one encoder of attributes

    }

    /** An ExportTraceServiceRequest carrying {@code spans} under one resource and scope, as JSON text. */
    public static String traces(JsonObject resource, List<Span> spans) {
        var out = new StringBuilder(tracesPrefix(resource));
        for (int i = 0; i < spans.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            writeSpan(out, spans.get(i));
        }
        return out.append(TRACES_SUFFIX).toString();
    }

    /** An ExportTraceServiceRequest up to its first span: the same for every export, so made once. */
    static String tracesPrefix(JsonObject resource) {
        return "{\"resourceSpans\":[{\"resource\":" + resource.toJson() + ",\"scopeSpans\":[{\"scope\":"
                + scope().toJson() + ",\"spans\":[";
    }

    /** What closes {@link #tracesPrefix} after the last span. */
    static final String TRACES_SUFFIX = "]}]}]}";

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

    /** One span as JSON text. */
    static String span(Span span) {
        var out = new StringBuilder(1024);
        writeSpan(out, span);
        return out.toString();
    }

    /**
     * Appends a span. Spans are written straight to text, not built as a tree of JSON values
     * first: with every request traced that tree was a third of the exporter's time.
     */
    static void writeSpan(StringBuilder out, Span span) {
        out.append("{\"traceId\":\"").append(span.traceId()).append("\",\"spanId\":\"").append(span.spanId()).append('"');
        if (span.parentSpanId() != null) {
            out.append(",\"parentSpanId\":\"").append(span.parentSpanId()).append('"');
        }
        if (span.traceState() != null) {
            out.append(",\"traceState\":");
            Json.quoteInto(out, span.traceState());
        }
        out.append(",\"name\":");
        Json.quoteInto(out, span.name());
        out.append(",\"kind\":").append(span.kind().otlp)
                .append(",\"startTimeUnixNano\":\"").append(span.startNanos())
                .append("\",\"endTimeUnixNano\":\"").append(span.endNanos()).append("\",\"attributes\":");
        writeAttributes(out, span.attributes());
        out.append(",\"events\":[");
        for (int i = 0; i < span.events().size(); i++) {
            Span.Event event = span.events().get(i);
            out.append(i > 0 ? ",{" : "{").append("\"timeUnixNano\":\"").append(event.timeNanos()).append("\",\"name\":");
            Json.quoteInto(out, event.name());
            out.append(",\"attributes\":");
            writeAttributes(out, event.attributes());
            out.append('}');
        }
        out.append(']');
        if (span.error() != null) {
            // STATUS_CODE_ERROR is 2; a span that did not fail keeps its status unset (omitted).
            out.append(",\"status\":{\"code\":2,\"message\":");
            Json.quoteInto(out, span.error());
            out.append('}');
        }
        out.append('}');
    }

    /**
     * A list of KeyValue, in the map's order; a {@code null} value leaves its key out. Values
     * are encoded by their type: see {@link Span}'s attributes.
     */
    static void writeAttributes(StringBuilder out, Map<String, ?> attributes) {
        out.append('[');
        boolean first = true;
        for (var attribute : attributes.entrySet()) {
            if (attribute.getValue() != null) {
                out.append(first ? "{\"key\":" : ",{\"key\":");
                Json.quoteInto(out, attribute.getKey());
                out.append(",\"value\":");
                writeAnyValue(out, attribute.getValue());
                out.append('}');
                first = false;
            }
        }
        out.append(']');
    }

    /** An AnyValue as JSON text. */
    static String anyValue(Object value) {
        var out = new StringBuilder();
        writeAnyValue(out, value);
        return out.toString();
    }

    /** An AnyValue: exactly one of its members, chosen by the Java type. */
    private static void writeAnyValue(StringBuilder out, Object value) {
        switch (value) {
            case Integer i -> out.append("{\"intValue\":\"").append(i).append("\"}");
            case Long l -> out.append("{\"intValue\":\"").append(l).append("\"}");
            case Short s -> out.append("{\"intValue\":\"").append(s).append("\"}");
            case Double d -> out.append("{\"doubleValue\":").append(doubleValue(d).toJson()).append('}');
            case Float f -> out.append("{\"doubleValue\":").append(doubleValue(f).toJson()).append('}');
            case Boolean b -> out.append("{\"boolValue\":").append(b).append('}');
            case List<?> list -> {
                out.append("{\"arrayValue\":{\"values\":[");
                boolean first = true;
                for (Object item : list) {
                    if (item != null) {
                        out.append(first ? "" : ",");
                        writeAnyValue(out, item);
                        first = false;
                    }
                }
                out.append("]}}");
            }
            default -> {
                out.append("{\"stringValue\":");
                Json.quoteInto(out, value.toString());
                out.append('}');
            }
        }
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
