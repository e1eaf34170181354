package gateway.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import gateway.config.Settings;
import gateway.config.TelemetrySettings;
import gateway.json.Json;
import gateway.json.JsonArray;
import gateway.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OtlpJsonTest {
    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    static final TelemetrySettings SETTINGS = Settings.from(Map.of(
            "OTEL_SERVICE_NAME", "edge",
            "OTEL_RESOURCE_ATTRIBUTES", "service.name=ignored,deployment.environment=prod")).telemetry();

    /** A chat request's client span with every kind of attribute value, an event and an error. */
    static Span clientSpan() {
        var attributes = new LinkedHashMap<String, Object>();
        attributes.put("gen_ai.request.model", "gpt-4o");
        attributes.put("gen_ai.usage.input_tokens", 12);
        attributes.put("http.response.body.size", 3_000_000_000L);
        attributes.put("gen_ai.request.temperature", 0.5);
        attributes.put("gen_ai.request.stream", true);
        attributes.put("gen_ai.response.finish_reasons", List.of("stop"));
        attributes.put("left.out", null);
        return new Span(TRACE, "00f067aa0ba902b7", "a3ce929d0e0e4736", "vendor=1", "chat gpt-4o", Span.Kind.CLIENT,
                1_700_000_000_000_000_000L, 1_700_000_000_250_000_000L, attributes,
                List.of(new Span.Event("gen_ai.first_token", 1_700_000_000_100_000_000L, Map.of())), "backend_unavailable");
    }

    @Test
    void aSpanInTheOtlpJsonEncoding() {
        assertEquals(Json.parse("""
                {"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7",
                 "parentSpanId":"a3ce929d0e0e4736","traceState":"vendor=1","name":"chat gpt-4o","kind":3,
                 "startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000250000000",
                 "attributes":[
                   {"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o"}},
                   {"key":"gen_ai.usage.input_tokens","value":{"intValue":"12"}},
                   {"key":"http.response.body.size","value":{"intValue":"3000000000"}},
                   {"key":"gen_ai.request.temperature","value":{"doubleValue":0.5}},
                   {"key":"gen_ai.request.stream","value":{"boolValue":true}},
                   {"key":"gen_ai.response.finish_reasons","value":{"arrayValue":{"values":[{"stringValue":"stop"}]}}}],
                 "events":[{"timeUnixNano":"1700000000100000000","name":"gen_ai.first_token","attributes":[]}],
                 "status":{"code":2,"message":"backend_unavailable"}}
                """), Json.parse(OtlpJson.span(clientSpan())));
    }

    @Test
    void aRootSpanThatDidNotFailHasNoParentTraceStateOrStatus() {
        var root = new Span(TRACE, "a3ce929d0e0e4736", null, null, "POST /v1/chat/completions", Span.Kind.SERVER,
                1, 2, Map.of(), List.of(), null);
        JsonObject json = (JsonObject) Json.parse(OtlpJson.span(root));
        assertEquals(List.of("traceId", "spanId", "name", "kind", "startTimeUnixNano", "endTimeUnixNano", "attributes", "events"),
                List.copyOf(json.members().keySet()));
        assertEquals(2, json.longValue("kind").orElseThrow());
    }

    @Test
    void theServiceNameSettingWinsOverTheResourceAttribute() {
        assertEquals(Json.parse("""
                {"attributes":[
                  {"key":"service.name","value":{"stringValue":"edge"}},
                  {"key":"deployment.environment","value":{"stringValue":"prod"}},
                  {"key":"telemetry.sdk.name","value":{"stringValue":"gateway"}},
                  {"key":"telemetry.sdk.language","value":{"stringValue":"java"}}]}
                """), OtlpJson.resource(SETTINGS));
    }

    @Test
    void textIsEscapedAsJsonRequires() {
        String awkward = "a \"quoted\" \\ line\nbreak \u0001 é 🙂";
        var span = new Span(TRACE, "a3ce929d0e0e4736", null, "k=\"v\"", awkward, Span.Kind.SERVER, 1, 2,
                Map.of(awkward, awkward), List.of(new Span.Event(awkward, 1, Map.of())), awkward);
        JsonObject json = (JsonObject) Json.parse(OtlpJson.span(span));
        assertEquals(awkward, json.string("name").orElseThrow());
        assertEquals("k=\"v\"", json.string("traceState").orElseThrow());
        JsonObject attribute = (JsonObject) json.array("attributes").orElseThrow().get(0);
        assertEquals(awkward, attribute.string("key").orElseThrow());
        assertEquals(awkward, attribute.object("value").orElseThrow().string("stringValue").orElseThrow());
        assertEquals(awkward, json.object("status").orElseThrow().string("message").orElseThrow());
    }

    @Test
    void doublesJsonHasNoNumberForAreProto3Strings() {
        assertEquals("{\"doubleValue\":\"NaN\"}", OtlpJson.anyValue(Double.NaN));
        assertEquals("{\"doubleValue\":\"-Infinity\"}", OtlpJson.anyValue(Double.NEGATIVE_INFINITY));
        assertEquals("{\"doubleValue\":2}", OtlpJson.anyValue(2.0));
    }

    @Test
    void aTracesRequestWrapsTheSpansInResourceAndScope() {
        JsonObject request = (JsonObject) Json.parse(OtlpJson.traces(OtlpJson.resource(SETTINGS), List.of(clientSpan())));
        assertEquals(List.of(), OtlpShapes.traces(request));
        JsonObject scopeSpans = (JsonObject) ((JsonObject) request.array("resourceSpans").orElseThrow().get(0))
                .array("scopeSpans").orElseThrow().get(0);
        assertEquals("{\"name\":\"gateway\"}", scopeSpans.get("scope").toJson());
        assertEquals(1, scopeSpans.array("spans").orElseThrow().size());
    }

    @Test
    void aMetricsRequestWrapsTheMetricsAndCountsTheirDataPoints() {
        JsonArray metrics = (JsonArray) Json.parse(OtlpShapesTest.METRICS);
        JsonObject request = OtlpJson.metrics(OtlpJson.resource(SETTINGS), metrics);
        assertEquals(List.of(), OtlpShapes.metrics(request));
        assertEquals(4, OtlpJson.dataPoints(metrics), "2 sum points, 1 gauge point, 1 histogram point");
        assertEquals(0, OtlpJson.dataPoints(JsonArray.of()));
    }
}
