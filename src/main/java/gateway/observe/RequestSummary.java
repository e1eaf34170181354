package gateway.observe;

import java.time.Instant;

/**
 * What is known about one request once its response (or stream) has ended: the
 * input to both the log line and the metrics.
 *
 * @param time             when the request arrived
 * @param requestId        the request id: the client's {@code X-Request-ID}, or a new one
 * @param traceId          the request's trace (W3C Trace Context), continued from the client's or new
 * @param spanId           the request's own span in it
 * @param method           the HTTP method
 * @param path             the path asked for, without the query
 * @param route            the matched route, such as {@code POST /v1/chat/completions},
 *                         or {@code unmatched}; bounded, unlike {@code path}
 * @param status           the status answered
 * @param latencyNanos     from the request's arrival to its last byte
 * @param firstFrameNanos  from arrival to the first streamed frame, or -1
 * @param backendWaitNanos time spent waiting on the backend (connecting, headers, reading):
 *                         the latency minus this is the gateway's own overhead
 * @param model            the model asked for, or {@code null}
 * @param stream           whether the answer was a stream
 * @param backend          where the reply came from ({@code echo} or the backend's name), or
 *                         {@code null} when no worker was asked; after failures, the last one tried
 * @param attempts         backends tried, 0 when none was
 * @param queueNanos       time spent waiting for a backend's free slot
 * @param promptTokens     -1 when unknown
 * @param completionTokens -1 when unknown
 * @param cachedTokens     prompt tokens the backend found in its cache, -1 when it did not say
 * @param tokensEstimated  true when the token counts are the gateway's estimate, not the backend's
 * @param caller           the API key's name, or {@code null} when keys are off
 * @param client           the client's IP address
 * @param outcome          {@code ok}, {@code client_cancelled}, {@code invalid_request}, {@code rate_limited},
 *                         {@code overloaded}, {@code shutting_down}, {@code backend_error} or {@code internal_error}
 * @param errorCode        the OpenAI error code sent, or {@code null}
 */
public record RequestSummary(
        Instant time,
        String requestId,
        String traceId,
        String spanId,
        String method,
        String path,
        String route,
        int status,
        long latencyNanos,
        long firstFrameNanos,
        long backendWaitNanos,
        String model,
        boolean stream,
        String backend,
        int attempts,
        long queueNanos,
        long promptTokens,
        long completionTokens,
        long cachedTokens,
        boolean tokensEstimated,
        String caller,
        String client,
        String outcome,
        String errorCode) {
}
