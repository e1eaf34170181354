package gateway.keys;

import gateway.http.ApiError;
import gateway.json.JsonBoolean;
import gateway.json.JsonNull;
import gateway.json.JsonNumber;
import gateway.json.JsonObject;
import gateway.json.JsonValue;

/**
 * One key of the key store as its file holds it: never the secret, only its SHA-256
 * digest, plus what a person needs to recognise it ({@code gw-AbCd…wxyz}).
 *
 * @param digest    the secret's SHA-256, in hex
 * @param prefix    the secret's first characters, such as {@code gw-AbCd}
 * @param last4     its last four characters
 * @param createdAt epoch seconds
 * @param expiresAt epoch seconds, or {@code null} for never
 */
public record StoredKey(String id, String name, String digest, String prefix, String last4, long createdAt,
        Long expiresAt, boolean disabled, KeyPolicy policy) {

    /** The key as people see it: {@code gw-AbCd…wxyz}. */
    public String redacted() {
        return prefix + "…" + last4;
    }

    /** {@code active}, {@code disabled} or {@code expired} at {@code now} (epoch seconds). */
    public String status(long now) {
        if (disabled) {
            return "disabled";
        }
        return expiresAt != null && expiresAt <= now ? "expired" : "active";
    }

    StoredKey withSecret(String digest, String prefix, String last4) {
        return new StoredKey(id, name, digest, prefix, last4, createdAt, expiresAt, disabled, policy);
    }

    /** As the key store file holds it, {@code last_used_at} included. */
    JsonObject toFileJson(Long lastUsedAt) {
        return JsonObject.builder()
                .put("id", id)
                .put("name", name)
                .put("sha256", digest)
                .put("prefix", prefix)
                .put("last4", last4)
                .put("created_at", createdAt)
                .put("last_used_at", lastUsedAt == null ? JsonNull.INSTANCE : JsonNumber.of(lastUsedAt))
                .put("expires_at", expiresAt == null ? JsonNull.INSTANCE : JsonNumber.of(expiresAt))
                .put("disabled", disabled)
                .put("limits", policy.toJson())
                .build();
    }

    /** Reads one entry of the key store file; throws IllegalArgumentException naming what is wrong. */
    static StoredKey fromFileJson(JsonObject json) {
        String id = required(json, "id");
        try {
            JsonValue disabled = json.get("disabled");
            return new StoredKey(id, required(json, "name"), required(json, "sha256"), required(json, "prefix"),
                    required(json, "last4"), json.longValue("created_at").orElse(0L),
                    json.longValue("expires_at").orElse(null),
                    disabled instanceof JsonBoolean b && b.value(),
                    KeyPolicy.fromJson(json.get("limits")));
        } catch (ApiError e) {
            throw new IllegalArgumentException("key " + id + ": " + e.getMessage());
        }
    }

    private static String required(JsonObject json, String name) {
        return json.string(name).filter(s -> !s.isBlank())
                .orElseThrow(() -> new IllegalArgumentException("a key without '" + name + "'"));
    }
}
