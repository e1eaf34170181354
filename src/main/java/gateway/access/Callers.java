package gateway.access;

import gateway.http.ApiError;
import gateway.keys.Digest;
import gateway.keys.KeyPolicy;
import gateway.keys.KeyStore;
import gateway.keys.StoredKey;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Tells who a request comes from: the keys of {@code API_KEYS}, and those of the key
 * store when {@code KEYS_FILE} is set. With neither, the gateway is open and nobody is
 * asked for a key. With a key store, keys are always asked for, even while it holds none:
 * revoking the last key must not open the gateway to everyone.
 */
public final class Callers {
    private final Supplier<ApiKeys> settingsKeys;
    private final KeyStore store;
    private final LongSupplier epochSeconds;

    /**
     * @param settingsKeys the keys of {@code API_KEYS}, asked at each request (a reload may change them)
     * @param store        {@code null} without {@code KEYS_FILE}
     */
    public Callers(Supplier<ApiKeys> settingsKeys, KeyStore store, LongSupplier epochSeconds) {
        this.settingsKeys = settingsKeys;
        this.store = store;
        this.epochSeconds = epochSeconds;
    }

    /** Whether anyone may call without a key. */
    public boolean open() {
        return settingsKeys.get().isEmpty() && store == null;
    }

    /**
     * The caller whose key the request presents.
     *
     * @throws ApiError 401: {@code missing_api_key}, {@code invalid_api_key} (unknown or
     *     revoked), {@code key_disabled} or {@code key_expired}
     */
    public Caller identify(Function<String, String> headers) {
        // Hashed once, then looked up in both: a key never stays in memory as it was sent.
        byte[] digest = Digest.sha256(ApiKeys.presentedKey(headers).orElseThrow(ApiKeys::missing));
        StoredKey stored = store == null ? null : store.byDigest(digest);
        if (stored != null) {
            long now = epochSeconds.getAsLong();
            switch (stored.status(now)) {
                case "disabled" -> throw ApiKeys.unauthorized("key_disabled",
                        "This API key is disabled. Ask the gateway's administrator to enable it.");
                case "expired" -> throw ApiKeys.unauthorized("key_expired",
                        "This API key expired. Ask the gateway's administrator for a new one.");
                default -> store.used(stored.id(), now);
            }
            return new Caller(stored.id(), stored.name(), stored.policy());
        }
        String name = settingsKeys.get().match(digest);
        if (name == null) {
            throw ApiKeys.invalid();
        }
        return new Caller(Caller.settingsId(name), name, KeyPolicy.NONE);
    }
}
