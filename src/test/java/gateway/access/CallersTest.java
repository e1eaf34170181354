package gateway.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.http.ApiError;
import gateway.keys.KeyPolicy;
import gateway.keys.KeyStore;
import gateway.keys.StoredKey;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who calls: keys of the key store and of API_KEYS, and a distinct 401 for each reason to refuse one. */
class CallersTest {
    static final long NOW = 1_780_308_000L;
    static final KeyPolicy LIMITED = new KeyPolicy(5L, null, null, null, null, null);

    @TempDir
    Path folder;

    final AtomicLong now = new AtomicLong(NOW);

    static Map<String, String> bearer(String key) {
        return Map.of("Authorization", "Bearer " + key);
    }

    static ApiError refusal(Callers callers, Map<String, String> headers) {
        return assertThrows(ApiError.class, () -> callers.identify(headers::get));
    }

    @Test
    void withAKeyStoreEvenAnEmptyOneKeysAreAskedFor() {
        assertTrue(new Callers(() -> ApiKeys.parse(""), null, now::get).open());
        assertFalse(new Callers(() -> ApiKeys.parse("sk-x"), null, now::get).open());
        assertFalse(new Callers(() -> ApiKeys.parse(""), KeyStore.open(folder.resolve("keys.json")), now::get).open());
    }

    @Test
    void eachCallerIsKnownByItsKeysIdAndName() throws IOException {
        var store = KeyStore.open(folder.resolve("keys.json"));
        var alice = store.create("alice", LIMITED, null, NOW);
        var callers = new Callers(() -> ApiKeys.parse("bob:sk-bob-0123456789"), store, now::get);

        assertEquals(new Caller(alice.key().id(), "alice", LIMITED), callers.identify(bearer(alice.secret())::get));
        assertEquals(NOW, store.lastUsed(alice.key().id()), "its use is noted");
        assertEquals(new Caller("settings-bob", "bob", KeyPolicy.NONE), callers.identify(Map.of("x-api-key", "sk-bob-0123456789")::get));
    }

    @Test
    void eachRefusalHasItsOwnCode() throws IOException {
        var store = KeyStore.open(folder.resolve("keys.json"));
        var alice = store.create("alice", KeyPolicy.NONE, NOW + 60, NOW);
        var callers = new Callers(() -> ApiKeys.parse("bob:sk-bob-0123456789"), store, now::get);

        ApiError missing = refusal(callers, Map.of());
        assertEquals(401, missing.status());
        assertEquals("authentication_error", missing.type());
        assertEquals("missing_api_key", missing.code());
        assertEquals("Bearer", missing.headers().get("WWW-Authenticate"));
        assertEquals("missing_api_key", refusal(callers, Map.of("Authorization", "Basic abc")).code());
        assertEquals("invalid_api_key", refusal(callers, bearer("gw-unknown")).code());

        store.update(alice.key().id(), key -> new StoredKey(key.id(), key.name(), key.digest(), key.prefix(), key.last4(),
                key.createdAt(), key.expiresAt(), true, key.policy()));
        ApiError disabled = refusal(callers, bearer(alice.secret()));
        assertEquals(401, disabled.status());
        assertEquals("key_disabled", disabled.code());
        assertEquals("This API key is disabled. Ask the gateway's administrator to enable it.", disabled.getMessage());
        assertNull(store.lastUsed(alice.key().id()), "a refused key is not 'used'");

        store.update(alice.key().id(), key -> new StoredKey(key.id(), key.name(), key.digest(), key.prefix(), key.last4(),
                key.createdAt(), key.expiresAt(), false, key.policy()));
        now.set(NOW + 59);
        callers.identify(bearer(alice.secret())::get);
        now.set(NOW + 60); // the second it expires
        ApiError expired = refusal(callers, bearer(alice.secret()));
        assertEquals(401, expired.status());
        assertEquals("key_expired", expired.code());
        assertEquals("This API key expired. Ask the gateway's administrator for a new one.", expired.getMessage());

        store.revoke(alice.key().id());
        assertEquals("invalid_api_key", refusal(callers, bearer(alice.secret())).code(), "revoked: as if it never was");
    }
}
