package gateway.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.json.JsonArray;
import gateway.json.JsonNumber;
import gateway.json.JsonObject;
import gateway.json.JsonString;
import gateway.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The metrics as OTLP JSON (opentelemetry-proto {@code metrics/v1}): the shape is checked
 * strictly for every metric and point, since a collector drops what it cannot read.
 */
class OtlpMetricsTest {
    static final String DIGITS = "[0-9]+";

    @Test
    void everyMeasurementOfTheFixtureIsThereUnderItsOpenTelemetryName() {
        assertEquals(List.of("gateway.requests", "gateway.requests.in_flight", "gateway.streams.in_flight", "gateway.streams",
                "gateway.outcomes", "gateway.backend_errors", "gateway.rate_limited", "gen_ai.server.request.duration",
                "gen_ai.server.time_to_first_token", "gen_ai.server.time_per_output_token", "gateway.overhead", "gen_ai.client.token.usage",
                "gateway.cached_prompt_tokens", "gateway.backend.attempts", "gen_ai.client.operation.duration",
                "gateway.backend.in_flight", "gateway.backend.slots", "gateway.backend.healthy", "gateway.backend.ejected",
                "gateway.backend.cooling_down", "gateway.backend.prompt_tokens", "gateway.backend.cached_tokens",
                "gateway.route.decisions", "gateway.queue.depth", "gateway.queue.wait", "gateway.queue.refused",
                "gateway.uptime", "gateway.otlp.exported", "gateway.otlp.dropped", "gateway.otlp.export_failures"), names(MetricsFixture.recorded().toOtlp()));
    }

    @Test
    void everyMetricAndPointHasTheOtlpShape() {
        JsonArray metrics = MetricsFixture.recorded().toOtlp();
        for (JsonValue value : metrics.values()) {
            JsonObject metric = assertInstanceOf(JsonObject.class, value);
            String name = metric.string("name").orElseThrow();
            assertTrue(metric.string("description").orElseThrow().length() > 10, name);
            assertTrue(metric.string("unit").orElseThrow().matches("s|\\{[a-z]+}"), name);
            assertEquals(4, metric.members().size(), name + ": name, description, unit and one kind of data");
            if (metric.object("sum").isPresent()) {
                JsonObject sum = metric.object("sum").orElseThrow();
                assertEquals(2, sum.longValue("aggregationTemporality").orElseThrow(), name + " is cumulative");
                assertEquals("true", sum.get("isMonotonic").toJson(), name);
                points(sum).forEach(p -> checkNumber(name, p, true));
            } else if (metric.object("gauge").isPresent()) {
                points(metric.object("gauge").orElseThrow()).forEach(p -> checkNumber(name, p, false));
            } else {
                JsonObject histogram = metric.object("histogram").orElseThrow(() -> new AssertionError(name + ": " + metric.toJson()));
                assertEquals(2, histogram.longValue("aggregationTemporality").orElseThrow(), name + " is cumulative");
                points(histogram).forEach(p -> checkHistogram(name, p));
            }
        }
    }

    @Test
    void pointsCarryTypedAttributesAndExactIntegers() {
        JsonArray metrics = MetricsFixture.recorded().toOtlp();
        JsonObject requests = points(metric(metrics, "gateway.requests").object("sum").orElseThrow()).get(1);
        assertEquals("""
                [{"key":"route","value":{"stringValue":"POST /v1/chat/completions"}},\
                {"key":"status","value":{"stringValue":"200"}},{"key":"model","value":{"stringValue":"llama"}}]""",
                requests.get("attributes").toJson());
        assertEquals("\"2\"", requests.get("asInt").toJson(), "an int64 is a string in protobuf's JSON");
        List<JsonObject> usage = points(metric(metrics, "gen_ai.client.token.usage").object("histogram").orElseThrow());
        assertEquals("[{\"key\":\"gen_ai.token.type\",\"value\":{\"stringValue\":\"input\"}}]", usage.get(0).get("attributes").toJson());
        assertEquals("1052", usage.get(0).get("sum").toJson(), "a sum is a double, a JSON number");
        assertEquals("4", usage.get(1).string("count").orElseThrow());
        assertEquals("{token}", metric(metrics, "gen_ai.client.token.usage").string("unit").orElseThrow());
        assertEquals("s", metric(metrics, "gen_ai.server.request.duration").string("unit").orElseThrow());
    }

    @Test
    void theExportersCountersHaveAPointForEachSignal() {
        JsonObject failures = metric(MetricsFixture.recorded().toOtlp(), "gateway.otlp.export_failures");
        assertEquals("{request}", failures.string("unit").orElseThrow());
        List<JsonObject> points = points(failures.object("sum").orElseThrow());
        assertEquals("[{\"key\":\"signal\",\"value\":{\"stringValue\":\"traces\"}}]", points.get(0).get("attributes").toJson());
        assertEquals("1", points.get(0).string("asInt").orElseThrow());
        assertEquals("[{\"key\":\"signal\",\"value\":{\"stringValue\":\"metrics\"}}]", points.get(1).get("attributes").toJson());
        assertEquals("0", points.get(1).string("asInt").orElseThrow(), "a zero too, so the series exists");
    }

    @Test
    void countersAreCumulativeFromOneStartAndOnlyGoUp() {
        Metrics metrics = MetricsFixture.recorded();
        JsonObject before = points(metric(metrics.toOtlp(), "gateway.outcomes").object("sum").orElseThrow()).get(2);
        metrics.record(MetricsFixture.chat(200, 5, -1, 2, "m", false, "b1", 10, 20, 4, false, "ok", null));
        JsonObject after = points(metric(metrics.toOtlp(), "gateway.outcomes").object("sum").orElseThrow()).get(2);
        assertEquals("[{\"key\":\"outcome\",\"value\":{\"stringValue\":\"ok\"}}]", after.get("attributes").toJson());
        assertEquals("4", before.string("asInt").orElseThrow());
        assertEquals("5", after.string("asInt").orElseThrow());
        assertEquals(before.string("startTimeUnixNano"), after.string("startTimeUnixNano"));
        assertTrue(Long.parseLong(after.string("timeUnixNano").orElseThrow()) >= Long.parseLong(before.string("timeUnixNano").orElseThrow()));
    }

    @Test
    void familiesWithoutAPointAreLeftOut() {
        List<String> names = names(new Metrics().toOtlp());
        for (String empty : List.of("gateway.requests", "gateway.outcomes", "gateway.backend_errors", "gateway.backend.attempts",
                "gateway.backend.in_flight", "gateway.route.decisions", "gateway.queue.refused")) {
            assertTrue(!names.contains(empty), empty + " has no point yet: " + names);
        }
        assertTrue(names.containsAll(Set.of("gateway.requests.in_flight", "gen_ai.server.request.duration", "gateway.uptime",
                "gateway.otlp.exported", "gateway.otlp.dropped", "gateway.otlp.export_failures")),
                "a zero and an empty histogram are points: " + names);
    }

    @Test
    void aValueThatIsNotWholeIsADouble() {
        var otlp = new OtlpMetrics(1, 2);
        otlp.family("load", MetricWriter.Kind.GAUGE, "{request}", "Requests per slot.");
        otlp.sample(0.75, "backend", "b1");
        otlp.family("empty", MetricWriter.Kind.COUNTER, "{request}", "Never counted.");
        assertEquals("""
                [{"name":"load","description":"Requests per slot.","unit":"{request}","gauge":{"dataPoints":[\
                {"attributes":[{"key":"backend","value":{"stringValue":"b1"}}],"timeUnixNano":"2","asDouble":0.75}]}}]""",
                otlp.toJson().toJson());
        assertEquals("attributes come in key, value pairs: backend", assertThrows(IllegalArgumentException.class,
                () -> otlp.sample(1, "backend")).getMessage());
    }

    private static void checkNumber(String name, JsonObject point, boolean cumulative) {
        checkAttributesAndTimes(name, point, cumulative);
        assertTrue(point.string("asInt").orElseThrow(() -> new AssertionError(name + ": " + point.toJson())).matches(DIGITS), name);
    }

    private static void checkHistogram(String name, JsonObject point) {
        checkAttributesAndTimes(name, point, true);
        long count = Long.parseLong(point.string("count").orElseThrow());
        JsonArray counts = point.array("bucketCounts").orElseThrow();
        JsonArray bounds = point.array("explicitBounds").orElseThrow();
        assertEquals(bounds.size() + 1, counts.size(), name + ": one bucket more than bounds");
        long total = 0;
        for (JsonValue n : counts.values()) {
            total += Long.parseLong(assertInstanceOf(JsonString.class, n, name + ": counts are strings").value());
        }
        assertEquals(count, total, name + ": the buckets add up to the count");
        double previous = Double.NEGATIVE_INFINITY;
        for (JsonValue bound : bounds.values()) {
            double b = assertInstanceOf(JsonNumber.class, bound).doubleValue();
            assertTrue(b > previous, name + ": bounds rise");
            previous = b;
        }
        assertInstanceOf(JsonNumber.class, point.get("sum"), name);
        assertEquals(count > 0, point.has("max"), name + ": a maximum only once something was recorded");
    }

    private static void checkAttributesAndTimes(String name, JsonObject point, boolean cumulative) {
        for (JsonValue attribute : point.array("attributes").orElseThrow().values()) {
            JsonObject a = assertInstanceOf(JsonObject.class, attribute);
            assertTrue(a.string("key").orElseThrow().matches("[a-z_.]+"), name);
            assertEquals(Set.of("stringValue"), a.object("value").orElseThrow().members().keySet(), name);
        }
        String time = point.string("timeUnixNano").orElseThrow();
        assertTrue(time.matches(DIGITS), name);
        assertEquals(cumulative, point.has("startTimeUnixNano"), name + ": a start for what accumulates, none for a gauge");
        if (cumulative) {
            String start = point.string("startTimeUnixNano").orElseThrow();
            assertTrue(start.matches(DIGITS) && Long.parseLong(start) <= Long.parseLong(time), name);
            assertTrue(Long.parseLong(start) > 1_600_000_000L * 1_000_000_000L, name + ": nanoseconds since the epoch");
        }
    }

    static List<String> names(JsonArray metrics) {
        var names = new ArrayList<String>();
        metrics.values().forEach(m -> names.add(((JsonObject) m).string("name").orElseThrow()));
        return names;
    }

    static JsonObject metric(JsonArray metrics, String name) {
        return metrics.values().stream().map(JsonObject.class::cast).filter(m -> m.string("name").orElseThrow().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " in " + names(metrics)));
    }

    static List<JsonObject> points(JsonObject data) {
        return data.array("dataPoints").orElseThrow().values().stream().map(JsonObject.class::cast).toList();
    }
}
