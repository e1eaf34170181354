package gateway.observe;

import gateway.json.JsonArray;
import gateway.json.JsonNumber;
import gateway.json.JsonObject;
import gateway.json.JsonString;
import gateway.json.JsonValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The metrics as OTLP {@code Metric} objects in the protobuf JSON encoding
 * (opentelemetry-proto, {@code metrics/v1/metrics.proto}): what goes in a
 * {@code scopeMetrics[].metrics} array. Counters are cumulative monotonic sums, histograms
 * cumulative explicit-bucket histograms, both since {@code start}; gauges are readings. As
 * the JSON mapping of protobuf requires, 64-bit integers (times, counts, {@code asInt}) are
 * decimal strings. A family with no point is left out: OTLP has no use for an empty metric.
 */
final class OtlpMetrics implements MetricWriter {
    /** {@code AGGREGATION_TEMPORALITY_CUMULATIVE}: each point counts from the start, not since the last export. */
    private static final int CUMULATIVE = 2;

    private final String start;
    private final String time;
    private final List<JsonValue> metrics = new ArrayList<>();
    private final List<JsonValue> points = new ArrayList<>();
    private JsonObject.Builder metric; // the current family's name, description and unit
    private Kind kind;

    /** Points counted since {@code startNanos} and read at {@code timeNanos}, both since the epoch. */
    OtlpMetrics(long startNanos, long timeNanos) {
        this.start = Long.toString(startNanos);
        this.time = Long.toString(timeNanos);
    }

    static long epochNanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    @Override
    public void family(String name, Kind kind, String unit, String help) {
        finish();
        this.metric = JsonObject.builder().put("name", name).put("description", help).put("unit", unit);
        this.kind = kind;
    }

    @Override
    public void sample(long value, String... attributes) {
        points.add(point(attributes).put("asInt", Long.toString(value)).build());
    }

    @Override
    public void sample(double value, String... attributes) {
        points.add(point(attributes).put("asDouble", JsonNumber.of(value)).build());
    }

    @Override
    public void histogram(Histogram histogram, String... attributes) {
        Histogram.Snapshot s = histogram.snapshot();
        var counts = new ArrayList<JsonValue>();
        for (long n : s.counts()) {
            counts.add(new JsonString(Long.toString(n)));
        }
        var bounds = new ArrayList<JsonValue>();
        for (double bound : s.bounds()) {
            bounds.add(JsonNumber.of(bound));
        }
        var point = point(attributes)
                .put("count", Long.toString(s.count()))
                .put("sum", JsonNumber.of(s.sum()))
                .put("bucketCounts", new JsonArray(counts))
                .put("explicitBounds", new JsonArray(bounds));
        if (s.count() > 0) {
            point.put("max", JsonNumber.of(s.max())); // without a recording there is no maximum, and 0 would claim one
        }
        points.add(point.build());
    }

    /** The metrics written, each with at least one point. */
    JsonArray toJson() {
        finish();
        return new JsonArray(metrics);
    }

    /** A point's attributes and times; a gauge is a reading at one moment, so it has no start. */
    private JsonObject.Builder point(String... attributes) {
        if (attributes.length % 2 != 0) {
            throw new IllegalArgumentException("attributes come in key, value pairs: " + String.join(", ", attributes));
        }
        var list = new ArrayList<JsonValue>();
        for (int i = 0; i < attributes.length; i += 2) {
            list.add(JsonObject.builder().put("key", attributes[i])
                    .put("value", JsonObject.builder().put("stringValue", attributes[i + 1]).build()).build());
        }
        var point = JsonObject.builder().put("attributes", new JsonArray(list));
        if (kind != Kind.GAUGE) {
            point.put("startTimeUnixNano", start);
        }
        return point.put("timeUnixNano", time);
    }

    private void finish() {
        if (metric != null && !points.isEmpty()) {
            var data = JsonObject.builder().put("dataPoints", new JsonArray(points));
            String field = switch (kind) {
                case COUNTER -> {
                    data.put("aggregationTemporality", CUMULATIVE).put("isMonotonic", true);
                    yield "sum";
                }
                case GAUGE -> "gauge";
                case HISTOGRAM -> {
                    data.put("aggregationTemporality", CUMULATIVE);
                    yield "histogram";
                }
            };
            metrics.add(metric.put(field, data.build()).build());
        }
        metric = null;
        points.clear();
    }
}
