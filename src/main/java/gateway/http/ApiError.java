package gateway.http;

import gateway.json.JsonObject;
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

    public ApiError(int status, String type, String code, String param, String message, Map<String, String> headers) {
        super(Objects.requireNonNull(message, "message"), null, false, false);
        this.status = status;
        this.type = Objects.requireNonNull(type, "type");
        this.code = code;
        this.param = param;
        this.headers = Map.copyOf(headers);
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

    /** 504: the backend did not answer in time. */
    public static ApiError gatewayTimeout(String message) {
        return new ApiError(504, "api_error", "gateway_timeout", null, message);
    }

    /** 500: a bug in the gateway; the details go to the log, not to the client. */
    public static ApiError internal(String requestId) {
        return new ApiError(500, "api_error", "internal_error", null,
                "The gateway failed while handling this request; its log has the details under request id " + requestId + ".");
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
