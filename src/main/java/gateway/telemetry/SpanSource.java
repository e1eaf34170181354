package gateway.telemetry;

import java.util.List;

/**
 * What one request leaves for the exporter: its spans, built only when the exporter's
 * thread asks, so that a request pays for a queue offer and nothing more.
 */
public interface SpanSource {
    /** How many spans {@link #spans()} will give, known without building them (to count drops). */
    int spanCount();

    List<Span> spans();
}
