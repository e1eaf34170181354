package gateway.http;

import gateway.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A failure the client is told about, in OpenAI's error shape:
 * {@code {"error":{"message":…,"type":…,"param":…,"code":…}}} with an HTTP status.
 *
 * <p>Anything on a request's path may throw one; the server turns it into the response
 * in one place. The factories below name the failures of a request and of the gateway
 * ({@link UpstreamErrors} those of the backends behind it); a
 * {@code gateway.RequestCheck} of one's own throws {@link #invalidRequest} or makes its own
 * with the constructor.
 *
 * @serial exclude
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String type;
    private final String code;
    private final String param;
    private final Map<String, String> headers;
    private final int backendStatus;

    /**
     * An error with response headers of its own.
     *
     * @param status  the HTTP status
     * @param type    OpenAI's {@code error.type}: {@code invalid_request_error}, {@code authentication_error},
     *                {@code permission_error}, {@code rate_limit_error} or {@code api_error}
     * @param code    a short machine-readable reason, such as {@code invalid_max_tokens}; may be null
     * @param param   the request's field at fault, such as {@code messages}; null when none is
     * @param message what went wrong and what to do about it, for a person
     * @param headers response headers, such as {@code Retry-After}
     */
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

    /**
     * An error: {@code new ApiError(403, "permission_error", "model_not_allowed", "model", "…")}.
     *
     * @param status  the HTTP status
     * @param type    OpenAI's {@code error.type}
     * @param code    a short machine-readable reason; may be null
     * @param param   the request's field at fault; null when none is
     * @param message what went wrong and what to do about it, for a person
     */
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

    /**
     * 400: the request is not one the gateway can serve.
     *
     * @param code    why, such as {@code invalid_max_tokens}
     * @param param   the field at fault, such as {@code max_tokens}; null for the whole body
     * @param message what is wrong and what is expected, for a person
     * @return the error, {@code invalid_request_error}
     */
    public static ApiError invalidRequest(String code, String param, String message) {
        return new ApiError(400, "invalid_request_error", code, param, message);
    }

    /**
     * 404 {@code not_found}: no route serves this path.
     *
     * @param method the request's method
     * @param path   the request's path
     * @return the error
     */
    public static ApiError notFound(String method, String path) {
        return new ApiError(404, "invalid_request_error", "not_found", null,
                "Unknown request URL: " + method + " " + path + ". See the README for the routes this gateway serves.");
    }

    /**
     * 405 {@code method_not_allowed}, with the {@code Allow} header.
     *
     * @param method  the request's method
     * @param path    the request's path
     * @param allowed the methods the path takes, comma-separated
     * @return the error
     */
    public static ApiError methodNotAllowed(String method, String path, String allowed) {
        return new ApiError(405, "invalid_request_error", "method_not_allowed", null,
                method + " is not allowed on " + path + "; use " + allowed + ".", Map.of("Allow", allowed));
    }

    /**
     * 403: a browser's preflight from an origin that CORS_ALLOW_ORIGINS does not list.
     *
     * @param origin the page's {@code Origin}, or null
     * @return the error
     */
    public static ApiError originNotAllowed(String origin) {
        return new ApiError(403, "invalid_request_error", "origin_not_allowed", null,
                "Cross-origin requests from " + (origin == null ? "a page without an Origin" : origin)
                        + " are not allowed (CORS_ALLOW_ORIGINS).");
    }

    /**
     * 413 {@code request_too_large}: the body is over MAX_BODY_BYTES.
     *
     * @param limit the limit, in bytes
     * @return the error
     */
    public static ApiError requestTooLarge(long limit) {
        return new ApiError(413, "invalid_request_error", "request_too_large", null,
                "The request body is larger than the limit of " + limit + " bytes (MAX_BODY_BYTES).");
    }

    /**
     * 503: the gateway already serves as many requests as it may; the client should retry shortly.
     *
     * @param limit MAX_REQUESTS_IN_FLIGHT
     * @return the error, with {@code Retry-After}
     */
    public static ApiError overloaded(int limit) {
        return new ApiError(503, "api_error", "overloaded", null,
                "The gateway is already serving as many requests as it may (MAX_REQUESTS_IN_FLIGHT=" + limit + "); retry shortly.",
                Map.of("Retry-After", "1"));
    }

    /**
     * 503: the gateway is stopping; new requests go elsewhere, a stream still open at the end of the grace is cut.
     *
     * @return the error, with {@code Retry-After}
     */
    public static ApiError shuttingDown() {
        return new ApiError(503, "api_error", "shutting_down", null,
                "The gateway is shutting down; retry shortly (or on another instance).", Map.of("Retry-After", "1"));
    }

    /**
     * 500: a bug in the gateway; the details go to the log, not to the client.
     *
     * @param requestId the request's id, under which the log has the details
     * @return the error
     */
    public static ApiError internal(String requestId) {
        return new ApiError(500, "api_error", "internal_error", null,
                "The gateway failed while handling this request; its log has the details under request id " + requestId + ".");
    }

    /**
     * {@return what the log and the metrics call a request that ended with this error}
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

    /** {@return the HTTP status} */
    public int status() {
        return status;
    }

    /** {@return OpenAI's {@code error.type}, such as {@code invalid_request_error}} */
    public String type() {
        return type;
    }

    /** {@return {@code error.code}, a short machine-readable reason, or null} */
    public String code() {
        return code;
    }

    /** {@return {@code error.param}, the request's field at fault, or null} */
    public String param() {
        return param;
    }

    /** {@return extra response headers, such as {@code Allow} or {@code Retry-After}} */
    public Map<String, String> headers() {
        return headers;
    }

    /** {@return the status the backend answered, when this error passes on its answer; 0 otherwise} */
    public int backendStatus() {
        return backendStatus;
    }

    /**
     * {@return this error, passing on a backend's answer}
     *
     * @param status the backend's status
     */
    public ApiError fromBackendStatus(int status) {
        return new ApiError(this.status, type, code, param, getMessage(), headers, status);
    }

    /**
     * {@return this error with one more response header}
     *
     * @param name  the header's name
     * @param value its value
     */
    public ApiError withHeader(String name, String value) {
        var more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new ApiError(status, type, code, param, getMessage(), more, backendStatus);
    }

    /** {@return the OpenAI error body: {@code {"error":{"message","type","param","code"}}}} */
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
