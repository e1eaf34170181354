package gateway.observe;

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
}
