package gateway.observe;

import static gateway.observe.MetricWriter.Kind.COUNTER;

import gateway.json.JsonObject;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the OTLP exporter did, by signal ({@code traces}: spans; {@code metrics}: data
 * points): shown at {@code /metrics}, so an operator sees a collector that is down.
 */
public final class ExportCounters {
    /** The two signals the gateway exports. */
    public enum Signal {
        TRACES, METRICS;

        /** As the {@code signal} label writes it. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final LongAdder[] exported = adders();
    private final LongAdder[] dropped = adders();
    private final LongAdder[] failedExports = adders();

    private static LongAdder[] adders() {
        return new LongAdder[] {new LongAdder(), new LongAdder()};
    }

    /** Items the collector accepted. */
    public void exported(Signal signal, long items) {
        exported[signal.ordinal()].add(items);
    }

    /** Items never sent: the queue was full, the collector refused them, or retries ran out. */
    public void dropped(Signal signal, long items) {
        dropped[signal.ordinal()].add(items);
    }

    /** One export request that failed (each retry counts). */
    public void failedExport(Signal signal) {
        failedExports[signal.ordinal()].increment();
    }

    public long exported(Signal signal) {
        return exported[signal.ordinal()].sum();
    }

    public long dropped(Signal signal) {
        return dropped[signal.ordinal()].sum();
    }

    public long failedExports(Signal signal) {
        return failedExports[signal.ordinal()].sum();
    }

    /** Both signals always, zeros too, so that the series exist before the first export. */
    void write(MetricWriter out) {
        out.family("gateway.otlp.exported", COUNTER, "{item}",
                "Items the OpenTelemetry collector accepted, by signal (traces: spans; metrics: data points).");
        for (Signal s : Signal.values()) {
            out.sample(exported(s), "signal", s.label());
        }
        out.family("gateway.otlp.dropped", COUNTER, "{item}",
                "Items never sent to the collector: the queue was full, the collector refused them, or retries ran out.");
        for (Signal s : Signal.values()) {
            out.sample(dropped(s), "signal", s.label());
        }
        out.family("gateway.otlp.export_failures", COUNTER, "{request}", "Export requests to the collector that failed, each retry counted.");
        for (Signal s : Signal.values()) {
            out.sample(failedExports(s), "signal", s.label());
        }
    }

    /** {@code {"traces":{"exported":…,"dropped":…,"export_failures":…},"metrics":{…}}} */
    JsonObject toJson() {
        var json = JsonObject.builder();
        for (Signal s : Signal.values()) {
            json.put(s.label(), JsonObject.builder().put("exported", exported(s)).put("dropped", dropped(s))
                    .put("export_failures", failedExports(s)).build());
        }
        return json.build();
    }
}
