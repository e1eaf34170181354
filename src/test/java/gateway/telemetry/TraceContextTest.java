package gateway.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The traceparent rules of W3C Trace Context, and the spans the gateway makes from them. */
class TraceContextTest {
    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String PARENT = "00f067aa0ba902b7";
    static final String VALID = "00-" + TRACE + "-" + PARENT + "-01";

    @Test
    void readsAValidTraceparent() {
        var client = TraceContext.parse(VALID, "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7");
        assertEquals(TRACE, client.traceId());
        assertEquals(PARENT, client.spanIdHex());
        assertTrue(client.sampled());
        assertEquals("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7", client.traceState());
        assertEquals(VALID, client.traceparent(), "written back as read");
        assertFalse(TraceContext.parse("00-" + TRACE + "-" + PARENT + "-02", null).sampled(), "bit 0 alone says sampled");
    }

    @Test
    void aChildIsBelowItsParentInTheSameTrace() {
        var client = TraceContext.parse(VALID, "vendor=1");
        var attempt = client.child();
        assertEquals(TRACE, attempt.traceId());
        assertEquals(PARENT, attempt.parentIdHex());
        assertNotEquals(PARENT, attempt.spanIdHex());
        assertTrue(attempt.sampled());
        assertEquals("vendor=1", attempt.traceState());
        assertEquals("00-" + TRACE + "-" + attempt.spanIdHex() + "-01", attempt.traceparent());
        assertNotEquals(attempt.spanId(), client.child().spanId(), "each child its own span");
        assertTrue(client.child(false).traceparent().endsWith("-00"));
    }

    @Test
    void newTracesHaveRandomNonZeroIds() {
        var ids = new HashSet<String>();
        for (int i = 0; i < 1000; i++) {
            var span = TraceContext.newTrace(false);
            assertTrue(span.traceId().matches("[0-9a-f]{32}") && !span.traceId().matches("0+"), span.traceId());
            assertTrue(span.spanIdHex().matches("[0-9a-f]{16}") && !span.spanIdHex().matches("0+"), span.spanIdHex());
            assertNull(span.parentIdHex());
            assertNull(span.traceState());
            assertTrue(span.traceparent().matches("00-[0-9a-f]{32}-[0-9a-f]{16}-00"), span.traceparent());
            ids.add(span.traceId());
        }
        assertEquals(1000, ids.size());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "00-" + TRACE + "-" + PARENT,                          // no flags
        "00-" + TRACE + "-" + PARENT + "-01-extra",            // version 00 has exactly four fields
        "00-" + TRACE + "-" + PARENT + "-1",                   // flags of one digit
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-" + PARENT + "-01", // upper case
        "00-00000000000000000000000000000000-" + PARENT + "-01", // all-zero trace id
        "00-" + TRACE + "-0000000000000000-01",                // all-zero parent id
        "ff-" + TRACE + "-" + PARENT + "-01",                  // version ff is invalid
        "0g-" + TRACE + "-" + PARENT + "-01",                  // not hex
        "00_" + TRACE + "_" + PARENT + "_01",                  // separators
        "00-" + TRACE + "-" + PARENT + "-zz",
        "00-+bf92f3577b34da6a3ce929d0e0e4736-" + PARENT + "-01", // a sign is not a digit
    })
    void aBrokenTraceparentIsNotRead(String traceparent) {
        assertNull(TraceContext.parse(traceparent, "rojo=1"), traceparent);
    }

    @Test
    void aLaterVersionIsReadByItsFirstFourFields() {
        var parent = TraceContext.parse("cc-" + TRACE + "-" + PARENT + "-01-what-comes-next", null);
        assertEquals(TRACE, parent.traceId());
        assertEquals(PARENT, parent.spanIdHex());
        assertTrue(parent.sampled());
        assertEquals(TRACE, TraceContext.parse(" " + VALID + " ", null).traceId(), "surrounding spaces are not part of it");
    }

    @Test
    void aTracestateThatCannotBePassedOnSafelyIsDropped() {
        assertNull(TraceContext.parse(VALID, "a=1\r\nX-Injected: yes").traceState(), "never a header break");
        assertNull(TraceContext.parse(VALID, "a=" + "x".repeat(TraceContext.MAX_TRACE_STATE)).traceState());
        assertNull(TraceContext.parse(VALID, "  ").traceState());
        assertEquals("a=1", TraceContext.parse(VALID, " a=1 ").traceState());
    }
}
