package gateway.keys;

import gateway.http.ApiError;
import gateway.json.JsonArray;
import gateway.json.JsonNull;
import gateway.json.JsonNumber;
import gateway.json.JsonObject;
import gateway.json.JsonString;
import gateway.json.JsonValue;
import java.util.ArrayList;
import java.util.List;

/**
 * What one API key may do; each limit {@code null} when the key has none of its own.
 * Rates left unset fall back to {@code RATE_LIMIT_RPM} / {@code RATE_LIMIT_TPM}.
 *
 * @param requestsPerMinute requests per minute
 * @param tokensPerMinute   prompt plus completion tokens per minute
 * @param maxInFlight       requests served at once
 * @param tokensPerDay      tokens per UTC day
 * @param tokensPerMonth    tokens per UTC calendar month
 * @param models            the models it may ask for (as the client names them); {@code null}: any
 */
public record KeyPolicy(Long requestsPerMinute, Long tokensPerMinute, Long maxInFlight, Long tokensPerDay,
        Long tokensPerMonth, List<String> models) {

    public static final KeyPolicy NONE = new KeyPolicy(null, null, null, null, null, null);

    /** The largest number any limit may be: more than a key could use in a month. */
    static final long MAX_LIMIT = 1_000_000_000_000L;
    static final int MAX_MODELS = 256;

    /**
     * Reads the {@code limits} object of an admin request; a missing or {@code null}
     * member is no limit.
     *
     * @throws ApiError 400 naming the member at fault
     */
    public static KeyPolicy fromJson(JsonValue value) {
        if (value == null || value instanceof JsonNull) {
            return NONE;
        }
        if (!(value instanceof JsonObject limits)) {
            throw ApiError.invalidRequest("invalid_limits", "limits", "'limits' must be an object.");
        }
        for (String name : limits.members().keySet()) {
            if (!List.of("requests_per_minute", "tokens_per_minute", "max_in_flight", "tokens_per_day",
                    "tokens_per_month", "models").contains(name)) {
                throw ApiError.invalidRequest("invalid_limits", "limits." + name, "Unknown limit 'limits." + name + "'.");
            }
        }
        return new KeyPolicy(limit(limits, "requests_per_minute"), limit(limits, "tokens_per_minute"),
                limit(limits, "max_in_flight"), limit(limits, "tokens_per_day"), limit(limits, "tokens_per_month"),
                models(limits.get("models")));
    }

    public JsonObject toJson() {
        var models = this.models == null ? (JsonValue) JsonNull.INSTANCE
                : new JsonArray(this.models.stream().map(m -> (JsonValue) new JsonString(m)).toList());
        return JsonObject.builder()
                .put("requests_per_minute", number(requestsPerMinute))
                .put("tokens_per_minute", number(tokensPerMinute))
                .put("max_in_flight", number(maxInFlight))
                .put("tokens_per_day", number(tokensPerDay))
                .put("tokens_per_month", number(tokensPerMonth))
                .put("models", models)
                .build();
    }

    /** Whether the key may ask for {@code model}; a key held to some models must name one ({@code null} is refused). */
    public boolean allows(String model) {
        return models == null || (model != null && models.contains(model));
    }

    private static JsonValue number(Long value) {
        return value == null ? JsonNull.INSTANCE : JsonNumber.of(value);
    }

    private static Long limit(JsonObject limits, String name) {
        JsonValue value = limits.get(name);
        if (value == null || value instanceof JsonNull) {
            return null;
        }
        if (value instanceof JsonNumber n && n.isLong() && n.longValue() >= 1 && n.longValue() <= MAX_LIMIT) {
            return n.longValue();
        }
        throw ApiError.invalidRequest("invalid_limits", "limits." + name,
                "'limits." + name + "' must be a whole number from 1 to " + MAX_LIMIT + ", or null for no limit.");
    }

    private static List<String> models(JsonValue value) {
        if (value == null || value instanceof JsonNull) {
            return null;
        }
        if (value instanceof JsonArray array && array.size() <= MAX_MODELS) {
            var models = new ArrayList<String>();
            for (JsonValue item : array.values()) {
                if (!(item instanceof JsonString s) || s.value().isBlank() || s.value().length() > 256) {
                    models = null;
                    break;
                }
                models.add(s.value().strip());
            }
            if (models != null) {
                return List.copyOf(models);
            }
        }
        throw ApiError.invalidRequest("invalid_limits", "limits.models",
                "'limits.models' must be an array of model names (at most " + MAX_MODELS + "), or null for any model.");
    }
}
