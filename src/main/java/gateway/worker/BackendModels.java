package gateway.worker;

import gateway.json.Json;
import gateway.json.JsonArray;
import gateway.json.JsonException;
import gateway.json.JsonObject;
import gateway.openai.Completions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** An OpenAI-compatible backend's {@code GET /v1/models}: its model list, reused for a while. */
final class BackendModels {
    /** A health probe must answer quickly: orchestrators and the gateway's prober call it every few seconds. */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    /** The model list is asked for on a client's behalf, so it may take a little longer. */
    private static final Duration LIST_TIMEOUT = Duration.ofSeconds(10);

    private record Cached(JsonObject list, long expiresAtNanos) {
    }

    private final OpenAiBackend backend;
    private final BackendErrors errors;
    private final URI uri;
    private final String defaultModel;
    private final Duration cacheTime;
    private volatile Cached cached;

    BackendModels(OpenAiBackend backend, BackendErrors errors, URI uri, String defaultModel, Duration cacheTime) {
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
        BackendClient.Reply reply = backend.fetch(backend.request(uri, "gateway-models", LIST_TIMEOUT).GET().build());
        if (reply.status() == 404 || reply.status() == 405) {
            return fallbackList();
        } else if (!reply.ok()) {
            throw errors.fromStatus(reply.status(), reply.body(), reply.headers());
        }
        try {
            if (Json.parse(reply.body()) instanceof JsonObject list && list.get("data") instanceof JsonArray) {
                return list;
            }
        } catch (JsonException e) {
            // reported below
        }
        throw errors.invalidReply("a model list that is not {\"object\":\"list\",\"data\":[…]}",
                new String(reply.body(), StandardCharsets.UTF_8));
    }

    private JsonObject fallbackList() {
        return Completions.modelList(defaultModel.isEmpty() ? List.of() : List.of(defaultModel), "backend");
    }
}
