package gateway.observe;

import gateway.json.JsonNumber;
import gateway.json.JsonObject;
import java.util.concurrent.atomic.DoubleAccumulator;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A histogram with fixed bucket bounds, safe to record from many threads without locks,
 * shown as JSON (count, sum, max, p50, p99) or handed to a {@link MetricWriter} as a
 * {@link Snapshot} of its buckets. Percentiles are estimated by
 * interpolating inside a bucket, so they are exact to within one bucket's width.
 */
final class Histogram {
    /** Seconds, 0.1 ms to 5 min in a 1-2-5 series: the gateway's own time, a health check to a long wait. */
    static final double[] SECONDS = {
        0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5,
        1, 2, 5, 10, 20, 50, 100, 300,
    };
    /*
     * The bounds the OpenTelemetry GenAI semantic conventions advise (ExplicitBucketBoundaries)
     * for their histograms, so that the gateway's buckets line up with other GenAI servers'
     * and clients'. The gateway's own measures (overhead, queue wait) keep SECONDS, where
     * a fraction of a millisecond matters.
     */
    /** gen_ai.server.request.duration and gen_ai.client.operation.duration: 10 ms to 82 s, doubling. */
    static final double[] GEN_AI_DURATION = {
        0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
    };
    /** gen_ai.server.time_to_first_token: 1 ms to 10 s. */
    static final double[] GEN_AI_TIME_TO_FIRST_TOKEN = {
        0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
    };
    /** gen_ai.server.time_per_output_token: 10 ms to 2.5 s. */
    static final double[] GEN_AI_TIME_PER_OUTPUT_TOKEN = {
        0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5,
    };
    /** gen_ai.client.token.usage: 1 to 64 Mi tokens, by fours. */
    static final double[] TOKENS = {
        1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
    };

    private final double[] bounds;
    private final LongAdder[] buckets; // the last one is +Inf
    private final LongAdder count = new LongAdder();
    private final DoubleAdder sum = new DoubleAdder();
    private final DoubleAccumulator max = new DoubleAccumulator(Math::max, 0);

    Histogram(double[] bounds) {
        this.bounds = bounds;
        this.buckets = new LongAdder[bounds.length + 1];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    void record(double value) {
        int i = 0;
        while (i < bounds.length && value > bounds[i]) {
            i++;
        }
        buckets[i].increment();
        count.increment();
        sum.add(value);
        max.accumulate(value);
    }

    /** The estimated value below which {@code fraction} of the recordings fall. */
    double percentile(double fraction) {
        long total = count.sum();
        if (total == 0) {
            return 0;
        }
        double rank = fraction * total;
        long below = 0;
        for (int i = 0; i < buckets.length; i++) {
            long inBucket = buckets[i].sum();
            if (below + inBucket >= rank && inBucket > 0) {
                double lower = i == 0 ? 0 : bounds[i - 1];
                double upper = i < bounds.length ? bounds[i] : max.get();
                return Math.min(lower + (upper - lower) * (rank - below) / inBucket, max.get());
            }
            below += inBucket;
        }
        return max.get();
    }

    /** count, sum, max, p50 and p99, each value multiplied by {@code scale} (1000 for seconds to ms). */
    JsonObject toJson(String unit, double scale) {
        return JsonObject.builder()
                .put("count", count.sum())
                .put("sum_" + unit, number(sum.sum() * scale))
                .put("max_" + unit, number(max.get() * scale))
                .put("p50_" + unit, number(percentile(0.50) * scale))
                .put("p99_" + unit, number(percentile(0.99) * scale))
                .build();
    }

    /**
     * The counts at one moment, for a writer. The total is the sum of the buckets rather
     * than the separate counter, so the two agree even while other threads record.
     *
     * @param counts per bucket, not cumulative; one more than the bounds (the last: above them all)
     * @param max    the largest value recorded, 0 when none was
     */
    record Snapshot(double[] bounds, long[] counts, long count, double sum, double max) {
    }

    Snapshot snapshot() {
        long[] counts = new long[buckets.length];
        long total = 0;
        for (int i = 0; i < buckets.length; i++) {
            counts[i] = buckets[i].sum();
            total += counts[i];
        }
        return new Snapshot(bounds, counts, total, sum.sum(), max.get());
    }

    private static JsonNumber number(double value) {
        return JsonNumber.of(Math.round(value * 1000) / 1000.0);
    }
}
