package gateway.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.http.ApiError;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ApiKeysTest {
    final ApiKeys keys = ApiKeys.parse(" alice:sk-alice , sk-anonymous,bob: sk-bob ");

    static String authenticate(ApiKeys keys, String header, String value) {
        Map<String, String> headers = Map.of(header.toLowerCase(), value);
        return keys.authenticate(name -> headers.get(name.toLowerCase()));
    }

    @ParameterizedTest
    @CsvSource({
        "Authorization, Bearer sk-alice, alice",
        "Authorization, bearer   sk-bob, bob",
        "Authorization, Api-Key sk-alice, alice",
        "x-api-key,     sk-bob,          bob",
    })
    void eachHeaderFormIdentifiesTheCaller(String header, String value, String name) {
        assertEquals(name, authenticate(keys, header, value));
    }

    @Test
    void anUnnamedKeyIsKnownByAFingerprintNotByItself() {
        String name = authenticate(keys, "Authorization", "Bearer sk-anonymous");
        assertTrue(name.matches("key-[0-9a-f]{8}"), name);
        assertTrue(!name.contains("anonymous"));
    }

    @Test
    void missingAndWrongKeysAre401() {
        ApiError missing = assertThrows(ApiError.class, () -> keys.authenticate(name -> null));
        assertEquals(401, missing.status());
        assertEquals("authentication_error", missing.type());
        assertEquals("missing_api_key", missing.code());
        assertEquals("Bearer", missing.headers().get("WWW-Authenticate"));
        assertEquals("Missing API key. Send it as 'Authorization: Bearer <key>' (or 'x-api-key: <key>').", missing.getMessage());

        ApiError wrong = assertThrows(ApiError.class, () -> authenticate(keys, "Authorization", "Bearer sk-alicE"));
        assertEquals("Invalid API key. Check the key you send with this request.", wrong.getMessage());
        assertThrows(ApiError.class, () -> authenticate(keys, "Authorization", "Basic sk-alice"));
    }

    @Test
    void badEntriesAreNamedByPositionNeverByValue() {
        var e = assertThrows(IllegalArgumentException.class, () -> ApiKeys.parse("alice:sk-1,bob:"));
        assertEquals("entry 2 needs the form name:key or key", e.getMessage());
        assertTrue(ApiKeys.parse(" , ").isEmpty());
    }
}
