package gateway.worker;

import gateway.http.ApiError;
import gateway.json.Json;
import gateway.json.JsonArray;
import gateway.json.JsonException;
import gateway.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * The backend's {@code GET /v1/models}: its model list, reused for a while, and the
 * readiness probe (the backend answers at all, and is not still loading its model).
 */
final class BackendModels {
    /** A readiness probe must answer quickly: orchestrators call it every few seconds. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private record Cached(JsonObject list, long expiresAtNanos) {
    }

    private final BackendWorker backend;
    private final BackendErrors errors;
    private final URI uri;
    private final String defaultModel;
    private final Duration cacheTime;
    private volatile Cached cached;

    BackendModels(BackendWorker backend, BackendErrors errors, URI uri, String defaultModel, Duration cacheTime) {
        this.backend = backend;
        this.errors = errors;
        this.uri = uri;
        this.defaultModel = defaultModel;
        this.cacheTime = cacheTime;
    }

    /**
     * The model list, from the cache while it is fresh. A backend without the endpoint
     * (404, 405) gets a list holding DEFAULT_MODEL, or an empty list when that is unset.
     */
    JsonObject list() {
        Cached current = cached;
        if (current != null && System.nanoTime() - current.expiresAtNanos() < 0) {
            return current.list();
        }
        JsonObject list = fetch();
        cached = new Cached(list, System.nanoTime() + cacheTime.toNanos());
        return list;
    }

    private JsonObject fetch() {
        HttpResponse<InputStream> response = backend.send(
                backend.request(uri, "gateway-models", PROBE_TIMEOUT.multipliedBy(5)).GET().build(), Worker.WaitMeter.NONE);
        try (InputStream in = response.body()) {
            byte[] body = in.readNBytes(4 << 20);
            int status = response.statusCode();
            if (status == 404 || status == 405) {
                return fallbackList();
            } else if (status / 100 != 2) {
                throw errors.fromStatus(status, body, response.headers());
            }
            if (Json.parse(body) instanceof JsonObject list && list.get("data") instanceof JsonArray) {
                return list;
            }
            throw ApiError.backendError("The backend's model list is not {\"object\":\"list\",\"data\":[…]}.");
        } catch (JsonException e) {
            throw ApiError.backendError("The backend's model list is not valid JSON: " + e.getMessage());
        } catch (IOException e) {
            throw ApiError.backendUnavailable("The backend broke off its model list: " + e.getMessage());
        }
    }

    private JsonObject fallbackList() {
        var data = defaultModel.isEmpty() ? JsonArray.of() : JsonArray.of(JsonObject.builder()
                .put("id", defaultModel).put("object", "model").put("created", 0).put("owned_by", "backend").build());
        return JsonObject.builder().put("object", "list").put("data", data).build();
    }

    /**
     * Asks the backend for its models with a short timeout. Any answer means it is up,
     * except a 5xx: llama.cpp answers 503 while it is still loading its model.
     */
    Optional<String> notReadyReason() {
        try {
            HttpResponse<InputStream> response = backend.send(
                    backend.request(uri, "gateway-readyz", PROBE_TIMEOUT).GET().build(), Worker.WaitMeter.NONE);
            try (InputStream in = response.body()) {
                in.readNBytes(64 << 10);
            }
            int status = response.statusCode();
            return status >= 500 ? Optional.of("the backend answers " + status + " at " + uri) : Optional.empty();
        } catch (ApiError e) {
            return Optional.of(e.getMessage());
        } catch (IOException e) {
            return Optional.of("the backend broke off its answer at " + uri + ": " + e.getMessage());
        }
    }
}
