package gateway.observe;

import gateway.json.JsonNumber;
import gateway.json.JsonObject;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * A histogram of durations with fixed buckets, safe to record from many threads without
 * locks. Percentiles are estimated by interpolating inside a bucket, so they are exact
 * to within one bucket's width (a 1-2-5 series: at worst a factor of 2.5).
 */
final class Histogram {
    /** Upper bounds in seconds, 0.1 ms to 5 min: covers a health check and a long generation. */
    static final double[] BOUNDS = {
        0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5,
        1, 2, 5, 10, 20, 50, 100, 300,
    };

    private final LongAdder[] buckets = new LongAdder[BOUNDS.length + 1]; // the last one is +Inf
    private final LongAdder count = new LongAdder();
    private final LongAdder sumNanos = new LongAdder();
    private final LongAccumulator maxNanos = new LongAccumulator(Math::max, 0);

    Histogram() {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    void record(long nanos) {
        double seconds = nanos / 1e9;
        int i = 0;
        while (i < BOUNDS.length && seconds > BOUNDS[i]) {
            i++;
        }
        buckets[i].increment();
        count.increment();
        sumNanos.add(nanos);
        maxNanos.accumulate(nanos);
    }

    /** The estimated value below which {@code fraction} of the recordings fall, in seconds. */
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
                double lower = i == 0 ? 0 : BOUNDS[i - 1];
                double upper = i < BOUNDS.length ? BOUNDS[i] : maxNanos.get() / 1e9;
                double estimate = lower + (upper - lower) * (rank - below) / inBucket;
                return Math.min(estimate, maxNanos.get() / 1e9);
            }
            below += inBucket;
        }
        return maxNanos.get() / 1e9;
    }

    /** count, sum, max, p50 and p99, in milliseconds. */
    JsonObject toJson() {
        return JsonObject.builder()
                .put("count", count.sum())
                .put("sum_ms", JsonNumber.of(round(sumNanos.sum() / 1e6)))
                .put("max_ms", JsonNumber.of(round(maxNanos.get() / 1e6)))
                .put("p50_ms", JsonNumber.of(round(percentile(0.50) * 1e3)))
                .put("p99_ms", JsonNumber.of(round(percentile(0.99) * 1e3)))
                .build();
    }

    private static double round(double millis) {
        return Math.round(millis * 1000) / 1000.0;
    }
}
