package gateway.trace;

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
    void continuesAValidTraceparentWithASpanOfItsOwn() {
        var span = TraceContext.forRequest(VALID, "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7");
        assertEquals(TRACE, span.traceId());
        assertEquals(PARENT, span.parentId());
        assertTrue(span.spanId().matches("[0-9a-f]{16}") && !span.spanId().equals(PARENT), span.spanId());
        assertTrue(span.sampled(), "the client's sampling decision is kept");
        assertEquals("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7", span.traceState());
        assertEquals("00-" + TRACE + "-" + span.spanId() + "-01", span.traceparent());
    }

    @Test
    void aChildIsBelowItsParentInTheSameTrace() {
        var server = TraceContext.forRequest(VALID, null);
        var attempt = server.child();
        assertEquals(TRACE, attempt.traceId());
        assertEquals(server.spanId(), attempt.parentId());
        assertNotEquals(server.spanId(), attempt.spanId());
        assertEquals(server.flags(), attempt.flags());
        assertNotEquals(attempt.spanId(), server.child().spanId(), "each attempt its own span");
    }

    @Test
    void withoutATraceparentANewTraceStartsUnsampled() {
        var ids = new HashSet<String>();
        for (int i = 0; i < 1000; i++) {
            var span = TraceContext.forRequest(null, "rojo=1");
            assertTrue(span.traceId().matches("[0-9a-f]{32}") && !span.traceId().matches("0+"), span.traceId());
            assertTrue(span.spanId().matches("[0-9a-f]{16}") && !span.spanId().matches("0+"), span.spanId());
            assertNull(span.parentId());
            assertNull(span.traceState(), "a tracestate without its traceparent means nothing");
            assertFalse(span.sampled());
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
    })
    void aBrokenTraceparentStartsANewTrace(String traceparent) {
        assertNull(TraceContext.parse(traceparent, null), traceparent);
        var span = TraceContext.forRequest(traceparent, "rojo=1");
        assertNotEquals(TRACE, span.traceId());
        assertNull(span.parentId());
    }

    @Test
    void aLaterVersionIsReadByItsFirstFourFields() {
        var parent = TraceContext.parse("cc-" + TRACE + "-" + PARENT + "-01-what-comes-next", null);
        assertEquals(TRACE, parent.traceId());
        assertEquals(PARENT, parent.spanId());
        assertEquals(1, parent.flags());
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
