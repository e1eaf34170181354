package gateway.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.config.TelemetrySettings;
import org.junit.jupiter.api.Test;

/** OTEL_TRACES_SAMPLER's choices, and what the gateway does with nowhere to export. */
class SamplerTest {
    static final TraceContext SAMPLED = TraceContext.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", null);
    static final TraceContext UNSAMPLED = TraceContext.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", null);

    static Sampler sampler(TelemetrySettings.Sampler kind, double ratio) {
        return new Sampler(kind, ratio, true);
    }

    @Test
    void theServerSpanContinuesTheClientsTrace() {
        var span = sampler(TelemetrySettings.Sampler.PARENTBASED_ALWAYS_ON, 1).serverSpan(SAMPLED);
        assertEquals(SAMPLED.traceId(), span.traceId());
        assertEquals(SAMPLED.spanId(), span.parentId());
        assertTrue(span.sampled());
    }

    @Test
    void parentBasedFollowsTheClientAndDecidesNewTracesItself() {
        var on = sampler(TelemetrySettings.Sampler.PARENTBASED_ALWAYS_ON, 1);
        assertFalse(on.serverSpan(UNSAMPLED).sampled());
        assertTrue(on.serverSpan(null).sampled());
        var off = sampler(TelemetrySettings.Sampler.PARENTBASED_ALWAYS_OFF, 1);
        assertTrue(off.serverSpan(SAMPLED).sampled());
        assertFalse(off.serverSpan(null).sampled());
    }

    @Test
    void alwaysOnAndOffIgnoreTheClient() {
        assertTrue(sampler(TelemetrySettings.Sampler.ALWAYS_ON, 1).serverSpan(UNSAMPLED).sampled());
        assertFalse(sampler(TelemetrySettings.Sampler.ALWAYS_OFF, 1).serverSpan(SAMPLED).sampled());
    }

    @Test
    void aRatioKeepsAboutThatShareOfNewTraces() {
        var tenth = sampler(TelemetrySettings.Sampler.TRACEIDRATIO, 0.1);
        int kept = 0;
        for (int i = 0; i < 20_000; i++) {
            kept += tenth.serverSpan(null).sampled() ? 1 : 0;
        }
        assertTrue(kept > 1_700 && kept < 2_300, kept + " of 20000 kept at 0.1");
        assertFalse(sampler(TelemetrySettings.Sampler.TRACEIDRATIO, 0).serverSpan(SAMPLED).sampled(), "0 keeps none");
        var parentBased = sampler(TelemetrySettings.Sampler.PARENTBASED_TRACEIDRATIO, 0);
        assertTrue(parentBased.serverSpan(SAMPLED).sampled(), "the client's decision wins");
        assertFalse(parentBased.serverSpan(null).sampled());
    }

    @Test
    void theSameTraceGetsTheSameAnswer() {
        var half = sampler(TelemetrySettings.Sampler.TRACEIDRATIO, 0.5);
        boolean first = half.serverSpan(SAMPLED).sampled();
        for (int i = 0; i < 10; i++) {
            assertEquals(first, half.serverSpan(SAMPLED).sampled());
        }
    }

    @Test
    void withNowhereToExportNewTracesAreNotSampledAndTheClientsDecisionPasses() {
        var idle = new Sampler(TelemetrySettings.Sampler.ALWAYS_ON, 1, false);
        assertFalse(idle.serverSpan(null).sampled(), "nothing records it: downstream should not either");
        assertTrue(idle.serverSpan(SAMPLED).sampled());
        assertFalse(idle.serverSpan(UNSAMPLED).sampled());
    }
}
