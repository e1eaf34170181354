package gateway.telemetry;

import gateway.config.TelemetrySettings;

/**
 * Decides which requests' spans are recorded (OTEL_TRACES_SAMPLER), and so which traces
 * the gateway marks sampled for the backends below it. With nowhere to export spans it
 * records nothing, but still passes on the client's decision.
 */
final class Sampler {
    private final TelemetrySettings.Sampler kind;
    /** traceidratio keeps a trace when its id's last 63 bits fall below this. */
    private final long bound;
    private final boolean exporting;

    Sampler(TelemetrySettings.Sampler kind, double ratio, boolean exporting) {
        this.kind = kind;
        this.bound = ratio >= 1 ? Long.MAX_VALUE : (long) (ratio * Long.MAX_VALUE);
        this.exporting = exporting;
    }

    /** The gateway's span for a request whose client sent {@code parent} ({@code null}: none, or a broken one). */
    TraceContext serverSpan(TraceContext parent) {
        if (parent != null) {
            return parent.child(sampled(parent, parent.traceLow()));
        }
        TraceContext fresh = TraceContext.newTrace(false);
        return sampled(null, fresh.traceLow()) ? fresh.withSampled(true) : fresh;
    }

    private boolean sampled(TraceContext parent, long traceLow) {
        if (!exporting) {
            return parent != null && parent.sampled();
        }
        return switch (kind) {
            case ALWAYS_ON -> true;
            case ALWAYS_OFF -> false;
            case TRACEIDRATIO -> byRatio(traceLow);
            case PARENTBASED_ALWAYS_ON -> parent == null || parent.sampled();
            case PARENTBASED_ALWAYS_OFF -> parent != null && parent.sampled();
            case PARENTBASED_TRACEIDRATIO -> parent != null ? parent.sampled() : byRatio(traceLow);
        };
    }

    /** The same trace id gets the same answer in every process that samples by ratio. */
    private boolean byRatio(long traceLow) {
        return bound == Long.MAX_VALUE || (traceLow >>> 1) < bound;
    }
}
