package gateway.telemetry;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where a piece of work sits in a distributed trace, as W3C Trace Context carries it from
 * process to process in the {@code traceparent} header: {@code 00-<trace id>-<span id>-<flags>}.
 * The gateway continues the trace a client started (or starts one), and hands each backend
 * attempt a span of its own, so that a vLLM or llama.cpp span, or another gateway's, joins it.
 *
 * <p>Ids are kept as numbers and written as hex only when asked: a request that is not
 * traced pays for three random numbers, not for strings.
 *
 * @param traceHigh  the trace id's first 8 bytes
 * @param traceLow   its last 8 bytes; the two are never both zero
 * @param spanId     this piece of work, never zero
 * @param parentId   the span this one continues, or 0 for a trace's first span
 * @param sampled    whether the trace is recorded (bit 0 of the trace flags)
 * @param traceState the client's {@code tracestate}, passed on untouched, or {@code null}
 */
public record TraceContext(long traceHigh, long traceLow, long spanId, long parentId, boolean sampled, String traceState) {
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();
    /** tracestate holds at most 32 entries of at most 256 characters: a longer value is dropped, not cut. */
    static final int MAX_TRACE_STATE = 32 * 257;

    /** The first span of a new trace. */
    static TraceContext newTrace(boolean sampled) {
        var random = ThreadLocalRandom.current();
        long high = random.nextLong();
        long low = random.nextLong();
        return new TraceContext(high, high == 0 && low == 0 ? 1 : low, newSpanId(), 0, sampled, null);
    }

    /** A span in the same trace, below this one: the gateway's own span, or a backend attempt. */
    public TraceContext child(boolean sampled) {
        return new TraceContext(traceHigh, traceLow, newSpanId(), spanId, sampled, traceState);
    }

    /** The same span with another sampling decision. */
    TraceContext withSampled(boolean sampled) {
        return new TraceContext(traceHigh, traceLow, spanId, parentId, sampled, traceState);
    }

    /** A span below this one, recorded as this one is. */
    public TraceContext child() {
        return child(sampled);
    }

    private static long newSpanId() {
        long id = ThreadLocalRandom.current().nextLong();
        return id == 0 ? 1 : id;
    }

    /** 32 lowercase hex digits. */
    public String traceId() {
        char[] id = new char[32];
        hex(traceHigh, id, 0);
        hex(traceLow, id, 16);
        return new String(id);
    }

    /** 16 lowercase hex digits. */
    public String spanIdHex() {
        return hex(spanId);
    }

    /** 16 lowercase hex digits, or {@code null} for a trace's first span. */
    public String parentIdHex() {
        return parentId == 0 ? null : hex(parentId);
    }

    private static String hex(long id) {
        char[] digits = new char[16];
        hex(id, digits, 0);
        return new String(digits);
    }

    /**
     * This span as the {@code traceparent} header gives it to the next process. Written
     * into one array: every answer carries it, so it is made without the three hex strings
     * and the concatenation it would otherwise take.
     */
    public String traceparent() {
        char[] header = "00-________________________________-________________-00".toCharArray();
        hex(traceHigh, header, 3);
        hex(traceLow, header, 19);
        hex(spanId, header, 36);
        header[54] = sampled ? '1' : '0';
        return new String(header);
    }

    private static void hex(long value, char[] into, int at) {
        for (int i = at + 15; i >= at; i--) {
            into[i] = DIGITS[(int) value & 0xf];
            value >>>= 4;
        }
    }

    /**
     * A {@code traceparent} header and its {@code tracestate}, or {@code null} when the
     * header is missing or breaks the rules: then the gateway starts a new trace, as the
     * specification asks, rather than continue a broken one. The result's {@code spanId} is
     * the client's span: the parent of the gateway's.
     */
    public static TraceContext parse(String traceparent, String tracestate) {
        if (traceparent == null) {
            return null;
        }
        String value = traceparent.strip();
        // A later version may append fields after a '-', but its first four are the same.
        boolean sized = value.length() == 55 || (value.length() > 55 && value.charAt(55) == '-' && !value.startsWith("00"));
        if (!sized || value.charAt(2) != '-' || value.charAt(35) != '-' || value.charAt(52) != '-'
                || !hex(value, 0, 2) || value.startsWith("ff") || !hex(value, 3, 35) || !hex(value, 36, 52) || !hex(value, 53, 55)) {
            return null;
        }
        long high = HexFormat.fromHexDigitsToLong(value, 3, 19);
        long low = HexFormat.fromHexDigitsToLong(value, 19, 35);
        long parent = HexFormat.fromHexDigitsToLong(value, 36, 52);
        if ((high == 0 && low == 0) || parent == 0) {
            return null;
        }
        boolean sampled = (HexFormat.fromHexDigits(value, 53, 55) & 1) != 0;
        return new TraceContext(high, low, parent, 0, sampled, traceState(tracestate));
    }

    /** The tracestate to pass on: only printable ASCII (never a header break), at most its maximum size. */
    private static String traceState(String tracestate) {
        if (tracestate == null || tracestate.isBlank() || tracestate.length() > MAX_TRACE_STATE) {
            return null;
        }
        for (int i = 0; i < tracestate.length(); i++) {
            char c = tracestate.charAt(i);
            if (c < 0x20 || c >= 0x7f) {
                return null;
            }
        }
        return tracestate.strip();
    }

    /** Lowercase hex only, as the specification requires. */
    private static boolean hex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }
}
