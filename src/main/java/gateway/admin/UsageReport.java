package gateway.admin;

import gateway.access.Caller;
import gateway.access.Callers;
import gateway.http.ApiError;
import gateway.http.Exchange;
import gateway.json.JsonArray;
import gateway.json.JsonNumber;
import gateway.json.JsonObject;
import gateway.json.JsonValue;
import gateway.keys.KeyStore;
import gateway.keys.UsageBook;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Usage hour by hour: {@code GET /admin/usage} for every key or one
 * ({@code ?key=ID}), {@code GET /me/usage} for the caller's own key only. Both take
 * {@code from} and {@code to} in epoch seconds (default: the last 24 hours).
 */
public final class UsageReport {
    static final long DEFAULT_SPAN = 24 * 3600;
    static final long MAX_SPAN = UsageBook.KEEP_DAYS * 24 * 3600L;
    /** Year 10000: a later time is a mistake, and hours counted up to one near Long.MAX_VALUE would overflow. */
    static final long MAX_EPOCH = 253_402_300_800L;

    private final UsageBook usage;
    private final KeyView view;
    private final KeyStore store;
    private final Callers callers;
    private final LongSupplier epochSeconds;

    UsageReport(UsageBook usage, KeyView view, KeyStore store, Callers callers, LongSupplier epochSeconds) {
        this.usage = usage;
        this.view = view;
        this.store = store;
        this.callers = callers;
        this.epochSeconds = epochSeconds;
    }

    /**
     * {@code GET /admin/usage}: every key's, revoked ones included (a revoked key's past
     * requests still happened), or one key's.
     */
    public void all(Exchange exchange) throws IOException {
        var query = AdminRequests.query(exchange);
        long now = epochSeconds.getAsLong();
        var keys = new ArrayList<JsonObject>();
        var listed = new HashSet<String>();
        for (JsonValue key : view.all(now)) {
            keys.add((JsonObject) key);
            listed.add(((JsonObject) key).string("id").orElseThrow());
        }
        for (String id : usage.keys()) {
            if (!listed.contains(id)) {
                keys.add(JsonObject.builder().put("id", id).put("name", "revoked " + id).build());
            }
        }
        String only = query.get("key");
        if (only != null) {
            keys.removeIf(key -> !key.string("id").orElse("").equals(only));
            if (keys.isEmpty()) {
                throw AdminRequests.keyNotFound(only, "key");
            }
        }
        exchange.respond(200, report(query, keys, now).build());
    }

    /** {@code GET /me/usage}: what the caller's key sees of itself, and nothing of others. */
    public void mine(Exchange exchange) throws IOException {
        Caller caller = callers.identify(exchange::header);
        exchange.facts().caller(caller.name());
        long now = epochSeconds.getAsLong();
        JsonObject key = store == null ? null : store.byId(caller.id()).map(k -> view.of(k, now)).orElse(null);
        key = key != null ? key : view.settingsKey(caller.id(), now);
        exchange.responseHeader("Cache-Control", "no-store");
        exchange.respond(200, report(AdminRequests.query(exchange), List.of(key), now).put("key", key).build());
    }

    private JsonObject.Builder report(Map<String, String> query, List<JsonObject> keys, long now) {
        long to = epoch(query, "to", now + 1);
        long from = epoch(query, "from", to - DEFAULT_SPAN);
        if (from >= to || to - from > MAX_SPAN) {
            throw ApiError.invalidRequest("invalid_range", "from",
                    "'from' must come before 'to', at most " + UsageBook.KEEP_DAYS + " days apart (the usage kept).");
        }
        List<String> ids = keys.stream().map(key -> key.string("id").orElseThrow()).toList();
        var hours = new ArrayList<JsonValue>();
        for (var hour : usage.hourly(ids, from, to)) {
            hours.add(hour.getValue().toJson().with("start", JsonNumber.of(hour.getKey())));
        }
        var byKey = new ArrayList<JsonValue>();
        for (JsonObject key : keys) {
            String id = key.string("id").orElseThrow();
            byKey.add(usage.total(id, from, to).toJson().toBuilder()
                    .put("id", id).put("name", key.string("name").orElse(id)).build());
        }
        return JsonObject.builder()
                .put("object", "usage")
                .put("bucket_seconds", 3600)
                .put("from", UsageBook.hourOf(from))
                .put("to", to)
                .put("data", new JsonArray(hours))
                .put("by_key", new JsonArray(byKey));
    }

    private static long epoch(Map<String, String> query, String name, long fallback) {
        String value = query.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            long epoch = Long.parseLong(value.strip());
            if (epoch >= 0 && epoch < MAX_EPOCH) {
                return epoch;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiError.invalidRequest("invalid_range", name, "'" + name + "' must be a time in seconds since 1970 (UTC).");
    }
}
