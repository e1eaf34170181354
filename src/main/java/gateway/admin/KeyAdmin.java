package gateway.admin;

import gateway.http.ApiError;
import gateway.http.Exchange;
import gateway.json.JsonArray;
import gateway.json.JsonBoolean;
import gateway.json.JsonNull;
import gateway.json.JsonNumber;
import gateway.json.JsonObject;
import gateway.json.JsonString;
import gateway.json.JsonValue;
import gateway.keys.KeyPolicy;
import gateway.keys.KeyStore;
import gateway.keys.StoredKey;
import java.io.IOException;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The admin API's keys: {@code /admin/keys} lists and creates, {@code /admin/keys/{id}}
 * reads, changes ({@code PATCH}) and revokes ({@code DELETE}), and
 * {@code /admin/keys/{id}/rotate} gives a key a new secret. Every change is on disk before
 * it is answered. Keys of {@code API_KEYS} are listed but read-only (409).
 */
public final class KeyAdmin {
    static final int MAX_NAME = 64;

    private final KeyStore store;
    private final KeyView view;
    private final LongSupplier epochSeconds;
    /** Held from checking that a name is free to writing it, so that two requests at once cannot both take it. */
    private final Object naming = new Object();

    /** @param store {@code null} without {@code KEYS_FILE}: keys are listed, not made */
    KeyAdmin(KeyStore store, KeyView view, LongSupplier epochSeconds) {
        this.store = store;
        this.view = view;
        this.epochSeconds = epochSeconds;
    }

    public void list(Exchange exchange) throws IOException {
        exchange.respond(200, JsonObject.builder().put("object", "list")
                .put("data", new JsonArray(view.all(epochSeconds.getAsLong()))).build());
    }

    public void get(Exchange exchange) throws IOException {
        long now = epochSeconds.getAsLong();
        String id = exchange.pathParameter("id");
        JsonObject key = store == null ? null : store.byId(id).map(k -> view.of(k, now)).orElse(null);
        key = key != null ? key : view.settingsKey(id, now);
        if (key == null) {
            throw AdminRequests.keyNotFound(id);
        }
        exchange.respond(200, key);
    }

    public void create(Exchange exchange) throws IOException {
        requireStore();
        JsonObject body = AdminRequests.body(exchange, Set.of("name", "limits", "expires_at"));
        long now = epochSeconds.getAsLong();
        KeyStore.Created created;
        synchronized (naming) {
            String name = name(body.get("name"), null);
            KeyPolicy policy = KeyPolicy.fromJson(body.get("limits"));
            Long expiresAt = expiry(body.get("expires_at"), now);
            created = saved(() -> store.create(name, policy, expiresAt, now));
        }
        exchange.respond(201, withSecret(view.of(created.key(), now), created.secret()));
    }

    public void update(Exchange exchange) throws IOException {
        String id = writable(exchange.pathParameter("id"));
        JsonObject body = AdminRequests.body(exchange, Set.of("name", "limits", "expires_at", "disabled"));
        long now = epochSeconds.getAsLong();
        StoredKey changed;
        synchronized (naming) {
            // Read and checked before the change, so that a bad member changes nothing.
            String name = body.has("name") ? name(body.get("name"), id) : null;
            KeyPolicy policy = body.has("limits") ? KeyPolicy.fromJson(body.get("limits")) : null;
            Long expiry = body.has("expires_at") ? expiry(body.get("expires_at"), now) : null;
            Boolean disabled = body.has("disabled") ? disabled(body.get("disabled")) : null;
            changed = saved(() -> store.update(id, key -> new StoredKey(key.id(), name != null ? name : key.name(),
                    key.digest(), key.prefix(), key.last4(), key.createdAt(), body.has("expires_at") ? expiry : key.expiresAt(),
                    disabled != null ? disabled : key.disabled(), policy != null ? policy : key.policy())))
                    .orElseThrow(() -> AdminRequests.keyNotFound(id));
        }
        exchange.respond(200, view.of(changed, now));
    }

    public void rotate(Exchange exchange) throws IOException {
        String id = writable(exchange.pathParameter("id"));
        var rotated = saved(() -> store.rotate(id)).orElseThrow(() -> AdminRequests.keyNotFound(id));
        exchange.respond(200, withSecret(view.of(rotated.key(), epochSeconds.getAsLong()), rotated.secret()));
    }

    public void revoke(Exchange exchange) throws IOException {
        String id = writable(exchange.pathParameter("id"));
        if (!saved(() -> store.revoke(id))) {
            throw AdminRequests.keyNotFound(id);
        }
        exchange.respond(200, JsonObject.builder().put("id", id).put("object", "api_key").put("deleted", true).build());
    }

    /** A change of the key store, which reads and writes its file. */
    private interface StoreChange<T> {
        T run() throws IOException;
    }

    /**
     * Runs a change of the key store; one it could not make is a 500 that says why. (An
     * IOException would tell the router that the client left, and the client would get no answer.)
     */
    private static <T> T saved(StoreChange<T> change) {
        try {
            return change.run();
        } catch (IOException e) {
            throw new ApiError(500, "api_error", "key_store_error", null,
                    "The key store was not changed: " + e.getMessage() + ". Check KEYS_FILE and its folder.");
        }
    }

    /** The secret, in the one answer that will ever hold it. */
    private static JsonObject withSecret(JsonObject key, String secret) {
        return key.with("key", new JsonString(secret));
    }

    private void requireStore() {
        if (store == null) {
            throw new ApiError(409, "invalid_request_error", "key_store_off", null,
                    "Keys can be made only with a key store: set KEYS_FILE to a file the gateway may write, and restart it.");
        }
    }

    /** The id of a key the admin API may change: one of the key store's, not of {@code API_KEYS}. */
    private String writable(String id) {
        if (view.settingsKey(id, 0) != null) {
            throw new ApiError(409, "invalid_request_error", "key_read_only", "id",
                    "The key '" + id + "' comes from API_KEYS: change it in the gateway's settings.");
        }
        requireStore();
        return id;
    }

    private String name(JsonValue value, String exceptId) {
        if (!(value instanceof JsonString s) || s.value().isBlank() || s.value().strip().length() > MAX_NAME
                || s.value().chars().anyMatch(Character::isISOControl)) {
            throw ApiError.invalidRequest("invalid_name", "name",
                    "'name' must be a string of 1 to " + MAX_NAME + " printable characters.");
        }
        String name = s.value().strip();
        if (view.nameTaken(name, exceptId)) {
            throw new ApiError(409, "invalid_request_error", "name_taken", "name",
                    "Another key is named '" + name + "': names tell keys apart in logs and metrics.");
        }
        return name;
    }

    /** Epoch seconds in the future, or null for none. */
    private static Long expiry(JsonValue value, long now) {
        if (value == null || value instanceof JsonNull) {
            return null;
        }
        if (value instanceof JsonNumber n && n.isLong() && n.longValue() > now && n.longValue() < 253_402_300_800L) {
            return n.longValue();
        }
        throw ApiError.invalidRequest("invalid_expires_at", "expires_at",
                "'expires_at' must be a time in the future, in seconds since 1970 (UTC), or null for never.");
    }

    private static boolean disabled(JsonValue value) {
        if (value instanceof JsonBoolean b) {
            return b.value();
        }
        throw ApiError.invalidRequest("invalid_disabled", "disabled", "'disabled' must be true or false.");
    }
}
