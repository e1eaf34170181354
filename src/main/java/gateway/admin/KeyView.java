package gateway.admin;

import gateway.access.ApiKeys;
import gateway.access.Caller;
import gateway.json.JsonNull;
import gateway.json.JsonNumber;
import gateway.json.JsonObject;
import gateway.json.JsonValue;
import gateway.keys.KeyPolicy;
import gateway.keys.KeyStore;
import gateway.keys.StoredKey;
import gateway.keys.UsageBook;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * API keys as the admin API shows them: the key store's and those of {@code API_KEYS}
 * (read-only), each with its status, limits and usage today and this month. Never a
 * secret: that is shown once, by create and rotate, and kept nowhere.
 */
final class KeyView {
    private final KeyStore store;
    private final Supplier<ApiKeys> settingsKeys;
    private final UsageBook usage;

    /** @param store {@code null} without {@code KEYS_FILE} */
    KeyView(KeyStore store, Supplier<ApiKeys> settingsKeys, UsageBook usage) {
        this.store = store;
        this.settingsKeys = settingsKeys;
        this.usage = usage;
    }

    /** Every key: the key store's in creation order, then those of {@code API_KEYS}. */
    List<JsonValue> all(long now) {
        var keys = new ArrayList<JsonValue>();
        if (store != null) {
            store.keys().forEach(key -> keys.add(of(key, now)));
        }
        settingsKeys.get().redactedByName().forEach((name, redacted) -> keys.add(settingsKey(name, redacted, now)));
        return keys;
    }

    /** A key of {@code API_KEYS}, by its id, as JSON; null when none has it. */
    JsonObject settingsKey(String id, long now) {
        var redacted = settingsKeys.get().redactedByName();
        for (var entry : redacted.entrySet()) {
            if (Caller.settingsId(entry.getKey()).equals(id)) {
                return settingsKey(entry.getKey(), entry.getValue(), now);
            }
        }
        return null;
    }

    boolean nameTaken(String name, String exceptId) {
        return settingsKeys.get().redactedByName().containsKey(name)
                || (store != null && store.keys().stream().anyMatch(key -> key.name().equals(name) && !key.id().equals(exceptId)));
    }

    JsonObject of(StoredKey key, long now) {
        return view(key.id(), key.name(), "store", key.redacted(), key.status(now), key.createdAt(),
                store.lastUsed(key.id()), key.expiresAt(), key.policy(), now);
    }

    private JsonObject settingsKey(String name, String redacted, long now) {
        return view(Caller.settingsId(name), name, "settings", redacted, "active", null, null, null, KeyPolicy.NONE, now);
    }

    private JsonObject view(String id, String name, String source, String redacted, String status, Long createdAt,
            Long lastUsedAt, Long expiresAt, KeyPolicy policy, long now) {
        LocalDate today = LocalDate.ofInstant(Instant.ofEpochSecond(now), ZoneOffset.UTC);
        long dayStart = today.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        long monthStart = today.withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        return JsonObject.builder()
                .put("id", id)
                .put("object", "api_key")
                .put("name", name)
                .put("source", source)
                .put("redacted", redacted)
                .put("status", status)
                .put("created_at", epoch(createdAt))
                .put("last_used_at", epoch(lastUsedAt))
                .put("expires_at", epoch(expiresAt))
                .put("limits", policy.toJson())
                .put("usage", JsonObject.builder()
                        .put("today", usage.total(id, dayStart, Long.MAX_VALUE).toJson())
                        .put("month", usage.total(id, monthStart, Long.MAX_VALUE).toJson())
                        .build())
                .build();
    }

    private static JsonValue epoch(Long seconds) {
        return seconds == null ? JsonNull.INSTANCE : JsonNumber.of(seconds);
    }
}
