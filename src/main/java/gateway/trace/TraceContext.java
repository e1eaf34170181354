package gateway.trace;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where a piece of work sits in a distributed trace, as W3C Trace Context
 * (https://www.w3.org/TR/trace-context/) carries it from process to process in the
 * {@code traceparent} header: {@code 00-<trace id>-<span id>-<flags>}. The gateway
 * continues the trace a client started (or starts one), and hands each backend attempt a
 * span of its own, so that a vLLM or llama.cpp span, or another gateway's, joins the trace.
 *
 * @param traceId    32 lowercase hex digits, not all zero
 * @param spanId     16 lowercase hex digits, not all zero: this piece of work
 * @param parentId   the span this one continues, or {@code null} for a trace's first span
 * @param flags      the trace flags, of which bit 0 says "sampled"
 * @param traceState the client's {@code tracestate}, passed on untouched, or {@code null}
 */
public record TraceContext(String traceId, String spanId, String parentId, int flags, String traceState) {
    private static final int SAMPLED = 0x01;
    /** tracestate holds at most 32 entries of at most 256 characters: a longer value is dropped, not cut. */
    static final int MAX_TRACE_STATE = 32 * 257;

    /**
     * The server span of a request: a child of the client's {@code traceparent} when it is
     * valid, else the first span of a new trace, not sampled (nothing records it yet).
     */
    public static TraceContext forRequest(String traceparent, String tracestate) {
        TraceContext parent = parse(traceparent, tracestate);
        return parent != null ? parent.child() : new TraceContext(randomHex(16), randomHex(8), null, 0, null);
    }

    /** A span in the same trace, below this one: a backend attempt, or the time queued. */
    public TraceContext child() {
        return new TraceContext(traceId, randomHex(8), spanId, flags, traceState);
    }

    public boolean sampled() {
        return (flags & SAMPLED) != 0;
    }

    /** This span as the {@code traceparent} header gives it to the next process. */
    public String traceparent() {
        return "00-" + traceId + "-" + spanId + "-" + HexFormat.of().toHexDigits((byte) flags);
    }

    /**
     * A {@code traceparent} header and its {@code tracestate}, or {@code null} when the
     * header is missing or breaks the rules: then the gateway starts a new trace, as the
     * specification asks, rather than continue a broken one.
     */
    static TraceContext parse(String traceparent, String tracestate) {
        if (traceparent == null) {
            return null;
        }
        String value = traceparent.strip();
        // A later version may append fields after a '-', but its first four are the same.
        boolean sized = value.length() == 55 || (value.length() > 55 && value.charAt(55) == '-' && !value.startsWith("00"));
        if (!sized || value.charAt(2) != '-' || value.charAt(35) != '-' || value.charAt(52) != '-') {
            return null;
        }
        String version = value.substring(0, 2);
        String traceId = value.substring(3, 35);
        String parentId = value.substring(36, 52);
        String flags = value.substring(53, 55);
        if (!hex(version) || version.equals("ff") || !hex(traceId) || !hex(parentId) || !hex(flags)
                || zeros(traceId) || zeros(parentId)) {
            return null;
        }
        String state = tracestate == null || tracestate.isBlank() || tracestate.length() > MAX_TRACE_STATE
                || !tracestate.chars().allMatch(c -> c >= 0x20 && c < 0x7f) ? null : tracestate.strip();
        return new TraceContext(traceId, parentId, null, Integer.parseInt(flags, 16), state);
    }

    private static boolean hex(String s) {
        return s.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }

    private static boolean zeros(String s) {
        return s.chars().allMatch(c -> c == '0');
    }

    /** Random ids: unique, not secret, so ThreadLocalRandom (no lock, no system call). Never all zero. */
    private static String randomHex(int bytes) {
        var random = ThreadLocalRandom.current();
        var id = new StringBuilder(bytes * 2);
        for (int i = 0; i < bytes; i += 8) {
            long value = random.nextLong();
            if (value == 0 && i == 0) {
                value = 1;
            }
            id.append(HexFormat.of().toHexDigits(value), 0, Math.min(16, (bytes - i) * 2));
        }
        return id.toString();
    }
}
