package gateway.telemetry;

import java.util.List;
import java.util.Map;

/**
 * A finished span, as OTLP sends it: the gateway builds these on the exporter's thread,
 * never on a request's (see {@link SpanSource}).
 *
 * @param traceId      32 lowercase hex digits
 * @param spanId       16 lowercase hex digits
 * @param parentSpanId 16 lowercase hex digits, or {@code null} for a trace's root
 * @param traceState   the W3C {@code tracestate} passed on, or {@code null}
 * @param name         such as {@code chat gpt-4o}
 * @param kind         what side of a call the span is
 * @param startNanos   since the epoch
 * @param endNanos     since the epoch
 * @param attributes   in order; values are {@code String}, {@code Long}, {@code Integer},
 *                     {@code Double}, {@code Boolean} or a {@code List<String>}; {@code null} values are left out
 * @param events       in time order
 * @param error        the status: {@code null} when the span did not fail (status unset), else why it did
 */
public record Span(String traceId, String spanId, String parentSpanId, String traceState, String name, Kind kind,
        long startNanos, long endNanos, Map<String, Object> attributes, List<Event> events, String error) {

    /** The OTLP span kinds the gateway uses, with their numbers in the protocol. */
    public enum Kind {
        INTERNAL(1), SERVER(2), CLIENT(3);

        public final int otlp;

        Kind(int otlp) {
            this.otlp = otlp;
        }
    }

    /** Something that happened at one moment in a span, such as a stream's first token. */
    public record Event(String name, long timeNanos, Map<String, Object> attributes) {
    }
}
