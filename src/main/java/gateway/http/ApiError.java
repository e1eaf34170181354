package gateway.http;

import gateway.json.JsonObject;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A failure the client is told about, in OpenAI's error shape:
 * {@code {"error":{"message":…,"type":…,"param":…,"code":…}}} with an HTTP status.
 *
 * <p>Anything on a request's path may throw one; the server turns it into the response
 * in one place. The factories below are the gateway's whole error vocabulary.
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String type;
    private final String code;
    private final String param;
    private final Map<String, String> headers;
    private final int backendStatus;

    public ApiError(int status, String type, String code, String param, String message, Map<String, String> headers) {
        this(status, type, code, param, message, headers, 0);
    }

    private ApiError(int status, String type, String code, String param, String message, Map<String, String> headers,
            int backendStatus) {
        super(Objects.requireNonNull(message, "message"), null, false, false);
        this.status = status;
        this.type = Objects.requireNonNull(type, "type");
        this.code = code;
        this.param = param;
        this.headers = Map.copyOf(headers);
        this.backendStatus = backendStatus;
    }

    public ApiError(int status, String type, String code, String param, String message) {
        this(status, type, code, param, message, Map.of());
    }

    /**
     * The headers that tell a client when to retry, by OpenAI's names: the gateway's 429s
     * carry them, a backend's 429 passes them on, and browsers are let to read them.
     */
    public static final List<String> RETRY_HEADERS = List.of("Retry-After", "retry-after-ms",
            "x-ratelimit-limit-requests", "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests",
            "x-ratelimit-limit-tokens", "x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens");

    /** 400: the request is not one the gateway can serve; {@code param} names the field. */
    public static ApiError invalidRequest(String code, String param, String message) {
        return new ApiError(400, "invalid_request_error", code, param, message);
    }

    public static ApiError notFound(String method, String path) {
        return new ApiError(404, "invalid_request_error", "not_found", null,
                "Unknown request URL: " + method + " " + path + ". See the README for the routes this gateway serves.");
    }

    public static ApiError methodNotAllowed(String method, String path, String allowed) {
        return new ApiError(405, "invalid_request_error", "method_not_allowed", null,
                method + " is not allowed on " + path + "; use " + allowed + ".", Map.of("Allow", allowed));
    }

    /** 403: a browser's preflight from an origin that CORS_ALLOW_ORIGINS does not list. */
    public static ApiError originNotAllowed(String origin) {
        return new ApiError(403, "invalid_request_error", "origin_not_allowed", null,
                "Cross-origin requests from " + (origin == null ? "a page without an Origin" : origin)
                        + " are not allowed (CORS_ALLOW_ORIGINS).");
    }

    public static ApiError requestTooLarge(long limit) {
        return new ApiError(413, "invalid_request_error", "request_too_large", null,
                "The request body is larger than the limit of " + limit + " bytes (MAX_BODY_BYTES).");
    }

    /** 503: the gateway already serves as many requests as it may; the client should retry shortly. */
    public static ApiError overloaded(int limit) {
        return new ApiError(503, "api_error", "overloaded", null,
                "The gateway is already serving as many requests as it may (MAX_REQUESTS_IN_FLIGHT=" + limit + "); retry shortly.",
                Map.of("Retry-After", "1"));
    }

    /** 503: the gateway is stopping; new requests go elsewhere, a stream still open at the end of the grace is cut. */
    public static ApiError shuttingDown() {
        return new ApiError(503, "api_error", "shutting_down", null,
                "The gateway is shutting down; retry shortly (or on another instance).", Map.of("Retry-After", "1"));
    }

    /** 502: the backend could not be reached (refused, reset, unknown host). */
    public static ApiError backendUnavailable(String message) {
        return new ApiError(502, "api_error", "backend_unavailable", null, message);
    }

    /** 502: the backend answered, but with a failure or something that is not a valid reply. */
    public static ApiError backendError(String message) {
        return new ApiError(502, "api_error", "backend_error", null, message);
    }

    /** 502 with headers, such as a failing backend's {@code Retry-After}. */
    public static ApiError backendError(String message, Map<String, String> headers) {
        return new ApiError(502, "api_error", "backend_error", null, message, headers);
    }

    /** 504: the backend did not answer in time. */
    public static ApiError gatewayTimeout(String message) {
        return new ApiError(504, "api_error", "gateway_timeout", null, message);
    }

    /** 404: no backend serves the model; the message lists those that are served (never where). */
    public static ApiError modelNotFound(String model, Collection<String> served) {
        return new ApiError(404, "invalid_request_error", "model_not_found", "model",
                "The model '" + model + "' does not exist or is not served here. Models served: "
                        + (served.isEmpty() ? "none yet" : String.join(", ", served)) + " (GET /v1/models).");
    }

    /** 429: the queue for busy backends is full. */
    public static ApiError queueFull(int max, long retrySeconds) {
        return new ApiError(429, "rate_limit_error", "queue_full", null,
                "Every backend for this model is busy and " + max + " requests already wait (QUEUE_MAX); retry shortly.",
                Map.of("Retry-After", Long.toString(retrySeconds)));
    }

    /** 503: a request waited its whole allowance for a backend's free slot. */
    public static ApiError queueTimeout(long waitedSeconds, long retrySeconds) {
        return new ApiError(503, "api_error", "queue_timeout", null,
                "Every backend for this model stayed busy for " + waitedSeconds + " s (QUEUE_TIMEOUT_SECONDS); retry shortly.",
                Map.of("Retry-After", Long.toString(retrySeconds)));
    }

    /** 429: every backend for the model is resting after its own 429; the gateway answers for it until then. */
    public static ApiError backendsRateLimited(long retryMillis) {
        long seconds = (retryMillis + 999) / 1000;
        return new ApiError(429, "rate_limit_error", "rate_limit_exceeded", null,
                "Every backend for this model is rate limiting (429 with Retry-After); retry in " + seconds + " s.",
                Map.of("Retry-After", Long.toString(seconds), "retry-after-ms", Long.toString(retryMillis)));
    }

    /** 503: no backend can take the request now (all resting after a 503 with Retry-After, or drained, or tried). */
    public static ApiError noBackendAvailable(String why, long retrySeconds) {
        return new ApiError(503, "api_error", "no_backend_available", null, why, Map.of("Retry-After", Long.toString(retrySeconds)));
    }

    /** 500: a bug in the gateway; the details go to the log, not to the client. */
    public static ApiError internal(String requestId) {
        return new ApiError(500, "api_error", "internal_error", null,
                "The gateway failed while handling this request; its log has the details under request id " + requestId + ".");
    }

    /**
     * What the log and the metrics call a request that ended with this error:
     * {@code internal_error}, {@code rate_limited}, {@code overloaded}, {@code shutting_down},
     * {@code backend_error} or {@code invalid_request}.
     */
    public String outcome() {
        if (status == 500) {
            return "internal_error";
        } else if (status == 429) {
            return "rate_limited";
        } else if ("overloaded".equals(code) || "shutting_down".equals(code)) {
            return code;
        } else if ("queue_timeout".equals(code)) {
            return "overloaded"; // every backend stayed busy: the fleet, not the gateway, is overloaded
        } else if (type.equals("api_error")) {
            return "backend_error";
        }
        return "invalid_request";
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    public String param() {
        return param;
    }

    /** Extra response headers, such as {@code Allow} or {@code Retry-After}. */
    public Map<String, String> headers() {
        return headers;
    }

    /** The status the backend answered, when this error passes on its answer; 0 otherwise. */
    public int backendStatus() {
        return backendStatus;
    }

    /** This error, passing on a backend's answer of {@code status}. */
    public ApiError fromBackendStatus(int status) {
        return new ApiError(this.status, type, code, param, getMessage(), headers, status);
    }

    /** This error with one more response header. */
    public ApiError withHeader(String name, String value) {
        var more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new ApiError(status, type, code, param, getMessage(), more, backendStatus);
    }

    /** The OpenAI error body. */
    public JsonObject toJson() {
        JsonObject error = JsonObject.builder()
                .put("message", getMessage())
                .put("type", type)
                .put("param", param)
                .put("code", code)
                .build();
        return JsonObject.builder().put("error", error).build();
    }
}
