package gateway.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.http.ApiError;
import gateway.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** A key's limits as the admin API writes them: each member checked, each mistake named. */
class KeyPolicyTest {

    static KeyPolicy parse(String json) {
        return KeyPolicy.fromJson(json == null ? null : Json.parse(json));
    }

    @Test
    void everyLimitIsRead() {
        var policy = parse("""
                {"requests_per_minute": 60, "tokens_per_minute": 40000, "max_in_flight": 2,
                 "tokens_per_day": 1e6, "tokens_per_month": 30000000, "models": [" echo ", "gpt-4o"]}""");
        assertEquals(new KeyPolicy(60L, 40_000L, 2L, 1_000_000L, 30_000_000L, List.of("echo", "gpt-4o")), policy);
    }

    @Test
    void missingOrNullMembersAreNoLimit() {
        assertSame(KeyPolicy.NONE, parse(null));
        assertSame(KeyPolicy.NONE, parse("null"));
        assertEquals(KeyPolicy.NONE, parse("{}"));
        assertEquals(new KeyPolicy(5L, null, null, null, null, null), parse("{\"requests_per_minute\":5,\"models\":null,\"max_in_flight\":null}"));
    }

    @Test
    void itIsWrittenAsItIsRead() {
        String json = "{\"requests_per_minute\":60,\"tokens_per_minute\":null,\"max_in_flight\":2,\"tokens_per_day\":null,"
                + "\"tokens_per_month\":1000000000000,\"models\":[\"echo\"]}";
        assertEquals(json, parse(json).toJson().toJson());
        assertEquals("{\"requests_per_minute\":null,\"tokens_per_minute\":null,\"max_in_flight\":null,\"tokens_per_day\":null,"
                + "\"tokens_per_month\":null,\"models\":null}", KeyPolicy.NONE.toJson().toJson());
    }

    @Test
    void aKeyHeldToSomeModelsMustNameOne() {
        var policy = parse("{\"models\":[\"echo\"]}");
        assertTrue(policy.allows("echo"));
        assertFalse(policy.allows("Echo"), "names are compared exactly");
        assertFalse(policy.allows("gpt-4o"));
        assertFalse(policy.allows(null));
        assertFalse(parse("{\"models\":[]}").allows("echo"), "an empty list allows none");
        assertTrue(KeyPolicy.NONE.allows(null));
        assertTrue(KeyPolicy.NONE.allows("anything"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"requests_per_minute", "tokens_per_minute", "max_in_flight", "tokens_per_day", "tokens_per_month"})
    void aLimitIsAWholeNumberFromOneToATrillion(String name) {
        assertEquals(KeyPolicy.MAX_LIMIT, parse("{\"" + name + "\":1000000000000}").toJson().longValue(name).orElseThrow());
        assertEquals(1L, parse("{\"" + name + "\":1}").toJson().longValue(name).orElseThrow());
        for (String bad : List.of("0", "-1", "1.5", "\"10\"", "true", "[]", "{}", "1000000000001", "1e400")) {
            ApiError e = assertThrows(ApiError.class, () -> parse("{\"" + name + "\":" + bad + "}"), bad);
            assertEquals(400, e.status());
            assertEquals("invalid_request_error", e.type());
            assertEquals("invalid_limits", e.code());
            assertEquals("limits." + name, e.param());
            assertEquals("'limits." + name + "' must be a whole number from 1 to 1000000000000, or null for no limit.", e.getMessage());
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "[]                          | limits                | 'limits' must be an object.",
            "\"60\"                      | limits                | 'limits' must be an object.",
            "{\"rpm\": 60}               | limits.rpm            | Unknown limit 'limits.rpm'.",
            "{\"models\": \"echo\"}      | limits.models         | 'limits.models' must be an array of model names (at most 256), or null for any model.",
            "{\"models\": [1]}           | limits.models         | 'limits.models' must be an array of model names (at most 256), or null for any model.",
            "{\"models\": [\"echo\", \" \"]} | limits.models     | 'limits.models' must be an array of model names (at most 256), or null for any model.",
            "{\"models\": [null]}        | limits.models         | 'limits.models' must be an array of model names (at most 256), or null for any model.",
    })
    void eachMistakeIsA400NamingTheMember(String limits, String param, String message) {
        ApiError e = assertThrows(ApiError.class, () -> parse(limits));
        assertEquals(400, e.status());
        assertEquals("invalid_limits", e.code());
        assertEquals(param, e.param());
        assertEquals(message, e.getMessage());
    }

    @Test
    void modelListsAndNamesAreBounded() {
        String name256 = "m".repeat(256);
        assertEquals(List.of(name256), parse("{\"models\":[\"" + name256 + "\"]}").models());
        assertEquals("limits.models", assertThrows(ApiError.class, () -> parse("{\"models\":[\"" + name256 + "m\"]}")).param());

        String many = String.join(",", java.util.Collections.nCopies(KeyPolicy.MAX_MODELS, "\"m\""));
        assertEquals(KeyPolicy.MAX_MODELS, parse("{\"models\":[" + many + "]}").models().size());
        assertEquals("limits.models", assertThrows(ApiError.class, () -> parse("{\"models\":[" + many + ",\"m\"]}")).param());
    }
}
