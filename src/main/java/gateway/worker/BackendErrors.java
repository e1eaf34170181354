package gateway.worker;

import gateway.config.BackendSettings;
import gateway.http.ApiError;
import gateway.http.UpstreamErrors;
import gateway.json.Json;
import gateway.json.JsonException;
import gateway.json.JsonNumber;
import gateway.json.JsonObject;
import gateway.json.JsonString;
import gateway.json.JsonValue;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns what went wrong with a backend into the error the client sees, honestly:
 * unreachable is 502, slow is 504, a backend failure is 502, and a backend's refusal of
 * the request keeps its status. The backend's own error format is understood, whether
 * OpenAI's, llama.cpp's (numeric {@code code}), vLLM's (flat, {@code "object":"error"})
 * or a bare {@code {"error":"text"}} (Ollama) or {@code {"detail":…}} (FastAPI).
 */
final class BackendErrors {
    /** How much of a backend's body an error message may quote. */
    private static final int QUOTE_LIMIT = 200;

    private final String who;
    private final String keySetting;
    private final Duration timeout;
    private final String secret;

    /**
     * @param backend the backend's settings: its name, address and key
     * @param timeout BACKEND_TIMEOUT_SECONDS, named in timeout messages
     */
    BackendErrors(BackendSettings backend, Duration timeout) {
        // Named as the settings name it: "the backend at http://…" when it is the only one
        // (BACKEND_URL), "the backend gpu1 (http://…)" among several.
        this.who = backend.name().equals(BackendSettings.SINGLE) ? "the backend at " + backend.displayUrl()
                : "the backend " + backend.name() + " (" + backend.displayUrl() + ")";
        this.keySetting = backend.key("API_KEY");
        this.timeout = timeout;
        this.secret = backend.apiKey();
    }

    /** The backend as messages name it, lower case. */
    String who() {
        return who;
    }

    private String whoStarting() {
        return Character.toUpperCase(who.charAt(0)) + who.substring(1);
    }

    /** A call that produced no response: connection refused, reset, unknown host, timeout. */
    ApiError failedCall(IOException e) {
        if (e instanceof HttpConnectTimeoutException) {
            return UpstreamErrors.gatewayTimeout("Could not connect to " + who + " in time.");
        } else if (e instanceof HttpTimeoutException) {
            return UpstreamErrors.gatewayTimeout(whoStarting() + " did not answer within "
                    + timeout.toSeconds() + " s (BACKEND_TIMEOUT_SECONDS).");
        } else if (e instanceof ConnectException) {
            return UpstreamErrors.backendUnavailable("Cannot connect to " + who + ": " + reason(e) + ".");
        }
        return UpstreamErrors.backendUnavailable("The connection to " + who + " failed: " + reason(e) + ".");
    }

    private ApiError silentFor(Duration limit) {
        String setting = limit.equals(timeout) ? " (BACKEND_TIMEOUT_SECONDS)" : "";
        return UpstreamErrors.gatewayTimeout(whoStarting() + " sent nothing for " + limit.toSeconds()
                + " s" + setting + " and was cut off.");
    }

    /**
     * A reply that could not be read to its end: the connection broke (502), or the
     * watchdog cut off a backend silent for too long (504).
     */
    ApiError brokenReply(IOException e) {
        if (e instanceof Watchdog.SilentBackend silent) {
            return silentFor(silent.limit());
        }
        return UpstreamErrors.backendUnavailable(whoStarting() + " broke off its reply: " + reason(e) + ".");
    }

    /** A reply that is not what an OpenAI-compatible server sends. */
    ApiError invalidReply(String what, String body) {
        return UpstreamErrors.backendError(whoStarting() + " sent " + what + ": " + quote(body));
    }

    /** A reply with a status that is not 2xx. */
    ApiError fromStatus(int status, byte[] body, HttpHeaders headers) {
        String text = new String(body, StandardCharsets.UTF_8);
        Map<String, String> fields = errorFields(text);
        String message = clean(fields.getOrDefault("message", text.isBlank() ? "(empty body)" : quote(text)));
        if (status >= 500) {
            return UpstreamErrors.backendError(whoStarting() + " answered " + status + ": " + message,
                    retryHeaders(headers)).fromBackendStatus(status);
        } else if (status == 401 || status == 403) {
            // The backend refused the gateway's own credentials; the client's key is not at fault.
            return UpstreamErrors.backendError(whoStarting() + " refused the gateway's credentials (" + status
                    + "); check " + keySetting + ". It said: " + message).fromBackendStatus(status);
        } else if (status == 429) {
            return new ApiError(429, "rate_limit_error", fields.getOrDefault("code", "rate_limit_exceeded"),
                    fields.get("param"), whoStarting() + " is rate limiting: " + message, retryHeaders(headers))
                    .fromBackendStatus(status);
        }
        // vLLM names its types after Python exceptions ("BadRequestError"); OpenAI's end in _error.
        String type = fields.getOrDefault("type", "");
        return new ApiError(status, type.endsWith("_error") ? type : "invalid_request_error",
                fields.get("code"), fields.get("param"), message).fromBackendStatus(status);
    }

    /** An error the backend reported inside a stream that had already started. */
    ApiError inStream(JsonValue error) {
        Map<String, String> fields = error instanceof JsonObject o ? fieldsOf(o) : Map.of();
        String message = fields.getOrDefault("message", quote(error.toJson()));
        return UpstreamErrors.backendError(whoStarting() + " failed mid-stream: " + clean(message));
    }

    /** The headers that say when to retry (a 429's, or a 503's), by the names OpenAI uses. */
    private static Map<String, String> retryHeaders(HttpHeaders headers) {
        var retry = new LinkedHashMap<String, String>();
        ApiError.RETRY_HEADERS.forEach(name -> headers.firstValue(name).ifPresent(value -> retry.put(name, value)));
        return retry;
    }

    /** The message of an error body, or the body itself (quoted short), for a health report. */
    static String messageOf(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).strip();
        String message = errorFields(text).getOrDefault("message", text.isEmpty() ? "(empty body)" : text);
        return message.length() <= QUOTE_LIMIT ? message : message.substring(0, QUOTE_LIMIT) + "…";
    }

    /** message, type, code and param from any of the error shapes backends use. */
    static Map<String, String> errorFields(String body) {
        try {
            return Json.parse(body) instanceof JsonObject o ? fieldsOf(o) : Map.of();
        } catch (JsonException notJson) {
            return Map.of();
        }
    }

    private static Map<String, String> fieldsOf(JsonObject body) {
        JsonValue error = body.has("error") ? body.get("error") : body;
        var fields = new LinkedHashMap<String, String>();
        if (error instanceof JsonString s) {
            fields.put("message", s.value());
        } else if (error instanceof JsonObject o) {
            for (String name : List.of("message", "type", "code", "param")) {
                switch (o.get(name)) {
                    case JsonString s when !s.value().isEmpty() -> fields.put(name, s.value());
                    // llama.cpp and vLLM put the HTTP status in "code": it says nothing new.
                    case JsonNumber n when !name.equals("code") -> fields.put(name, n.text());
                    case null, default -> { }
                }
            }
            if (!fields.containsKey("message")) {
                o.string("detail").ifPresent(detail -> fields.put("message", detail));
            }
        }
        return fields;
    }

    private String clean(String message) {
        return secret.isEmpty() ? message : message.replace(secret, "[redacted]");
    }

    /** Cleaned before it is cut short: a key cut in two would not be recognised. */
    private String quote(String body) {
        String text = clean(body.strip());
        return text.length() <= QUOTE_LIMIT ? text : text.substring(0, QUOTE_LIMIT) + "…";
    }

    private static String reason(IOException e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof UnresolvedAddressException || c instanceof UnknownHostException) {
                return "unknown host (DNS lookup failed)";
            }
        }
        if (e instanceof ConnectException && e.getMessage() == null) {
            return "connection refused"; // HttpClient's refusal carries no text, only a ClosedChannelException
        }
        Throwable cause = e;
        while (cause.getMessage() == null && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }
}
