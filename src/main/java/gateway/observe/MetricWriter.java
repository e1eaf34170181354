package gateway.observe;

/**
 * Where the metrics are written, so that they are written once and rendered as many ways
 * as there are writers: the Prometheus text served at {@code /metrics} ({@link Prometheus})
 * and the OTLP metrics pushed to a collector ({@link OtlpMetrics}).
 *
 * <p>A family is announced first, then its points. Names are OpenTelemetry's, with dots
 * ({@code gen_ai.server.request.duration}), and units are UCUM ({@code s}; {@code {token}},
 * a curly-brace annotation, for a count of things); each writer derives its own spelling.
 * Attributes are key, value pairs ({@code "route", "POST /v1/chat/completions", "status", "200"}),
 * their keys OpenTelemetry's too ({@code gen_ai.token.type}). A family may have no point.
 */
interface MetricWriter {
    /** What a family's points mean, which decides how they are aggregated. */
    enum Kind {
        /** A cumulative sum since the gateway started, which only goes up. */
        COUNTER,
        /** A value read at the moment of writing. */
        GAUGE,
        /** A cumulative distribution since the gateway started, in fixed buckets. */
        HISTOGRAM,
    }

    /** Begins a family; the points that follow belong to it. */
    void family(String name, Kind kind, String unit, String help);

    /** One point of a counter or gauge: a whole number, kept exact. */
    void sample(long value, String... attributes);

    /** One point of a counter or gauge that is not a whole number. */
    void sample(double value, String... attributes);

    /** One point of a histogram family. */
    void histogram(Histogram histogram, String... attributes);
}
