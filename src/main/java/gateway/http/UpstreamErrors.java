package gateway.http;

import java.util.Collection;
import java.util.Map;

/**
 * The failures upstream of the gateway, in OpenAI's error shape: a backend that cannot be
 * reached, answers wrongly or too late (502, 504), a model no backend serves (404), and
 * backends too busy to take a request (429, 503). {@link ApiError} holds the rest of the
 * vocabulary: the failures of the request itself and of the gateway.
 */
public final class UpstreamErrors {
    private UpstreamErrors() {
    }

    /**
     * 502: the backend could not be reached (refused, reset, unknown host).
     *
     * @param message what failed, naming the backend
     * @return the error
     */
    public static ApiError backendUnavailable(String message) {
        return new ApiError(502, "api_error", "backend_unavailable", null, message);
    }

    /**
     * 502: the backend answered, but with a failure or something that is not a valid reply.
     *
     * @param message what failed, naming the backend
     * @return the error
     */
    public static ApiError backendError(String message) {
        return new ApiError(502, "api_error", "backend_error", null, message);
    }

    /**
     * 502 with headers, such as a failing backend's {@code Retry-After}.
     *
     * @param message what failed, naming the backend
     * @param headers the headers passed on
     * @return the error
     */
    public static ApiError backendError(String message, Map<String, String> headers) {
        return new ApiError(502, "api_error", "backend_error", null, message, headers);
    }

    /**
     * 504: the backend did not answer in time.
     *
     * @param message which backend, and which timeout ran out
     * @return the error
     */
    public static ApiError gatewayTimeout(String message) {
        return new ApiError(504, "api_error", "gateway_timeout", null, message);
    }

    /**
     * 404: no backend serves the model; the message lists those that are served (never where).
     *
     * @param model  the model asked for
     * @param served the models that are served
     * @return the error, naming {@code model} as its param
     */
    public static ApiError modelNotFound(String model, Collection<String> served) {
        return new ApiError(404, "invalid_request_error", "model_not_found", "model",
                "The model '" + model + "' does not exist or is not served here. Models served: "
                        + (served.isEmpty() ? "none yet" : String.join(", ", served)) + " (GET /v1/models).");
    }

    /**
     * 429: the queue for busy backends is full.
     *
     * @param max          QUEUE_MAX
     * @param retrySeconds its {@code Retry-After}
     * @return the error
     */
    public static ApiError queueFull(int max, long retrySeconds) {
        return new ApiError(429, "rate_limit_error", "queue_full", null,
                "Every backend for this model is busy and " + max + " requests already wait (QUEUE_MAX); retry shortly.",
                Map.of("Retry-After", Long.toString(retrySeconds)));
    }

    /**
     * 503: a request waited its whole allowance for a backend's free slot.
     *
     * @param waitedSeconds QUEUE_TIMEOUT_SECONDS
     * @param retrySeconds  its {@code Retry-After}
     * @return the error
     */
    public static ApiError queueTimeout(long waitedSeconds, long retrySeconds) {
        return new ApiError(503, "api_error", "queue_timeout", null,
                "Every backend for this model stayed busy for " + waitedSeconds + " s (QUEUE_TIMEOUT_SECONDS); retry shortly.",
                Map.of("Retry-After", Long.toString(retrySeconds)));
    }

    /**
     * 429: every backend for the model is resting after its own 429; the gateway answers for it until then.
     *
     * @param retryMillis when the first of them may be asked again
     * @return the error, with {@code Retry-After} and {@code retry-after-ms}
     */
    public static ApiError backendsRateLimited(long retryMillis) {
        long seconds = (retryMillis + 999) / 1000;
        return new ApiError(429, "rate_limit_error", "rate_limit_exceeded", null,
                "Every backend for this model is rate limiting (429 with Retry-After); retry in " + seconds + " s.",
                Map.of("Retry-After", Long.toString(seconds), "retry-after-ms", Long.toString(retryMillis)));
    }

    /**
     * 503: no backend can take the request now (all resting after a 503 with Retry-After, or drained, or tried).
     *
     * @param why          the message
     * @param retrySeconds its {@code Retry-After}
     * @return the error
     */
    public static ApiError noBackendAvailable(String why, long retrySeconds) {
        return new ApiError(503, "api_error", "no_backend_available", null, why, Map.of("Retry-After", Long.toString(retrySeconds)));
    }
}
