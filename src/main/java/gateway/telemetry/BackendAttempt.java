package gateway.telemetry;

import java.net.URI;

/**
 * One call to one backend, for its span: below the request's span, with the id the
 * backend was sent in its {@code traceparent}.
 *
 * @param span       the attempt's place in the trace
 * @param backend    the backend's name
 * @param provider   what the backend speaks: {@code openai} (an OpenAI-compatible server) or {@code prompt}
 * @param server     the backend's base URL
 * @param startNanos when the call was sent ({@link System#nanoTime()})
 * @param endNanos   when its reply ended or failed
 * @param errorType  the error code of a failed call ({@code backend_unavailable}, {@code client_cancelled}, …), or {@code null}
 */
public record BackendAttempt(TraceContext span, String backend, String provider, URI server, long startNanos,
        long endNanos, String errorType) {
}
