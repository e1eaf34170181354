package examples;

import static examples.Http.chat;
import static examples.Http.error;
import static examples.Http.post;
import static org.junit.jupiter.api.Assertions.assertEquals;

import gateway.Gateway;
import gateway.RequestCheck;
import gateway.http.ApiError;
import gateway.openai.ModelRequest;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Lesson 6: a check of one's own on every request.
 *
 * <p>Teaches: before a request reaches a worker or a backend, the gateway checks it: the
 * key, its rate and budget, the body's size and shape, the model the key may use. A
 * {@link RequestCheck} runs after those, on every model operation, and refuses a request by
 * throwing an {@link ApiError}: the client gets it in OpenAI's error shape, with the status
 * and the {@code param} it names, and no backend is asked. Good errors name the field and
 * say what to do.
 *
 * <p>Exercise: refuse requests that ask for {@code "stream": true} from keys whose name
 * starts with {@code batch-}, with 403 and a message that says why; then look up where
 * the gateway's own checks live ({@code gateway.openai.ChatChecks}) and compare.
 */
class Lesson6CheckTest {

    /** Refuses prompts that hold a banned word, naming the field that held it. */
    static final class NoBannedWords implements RequestCheck {
        private final String banned;

        NoBannedWords(String banned) {
            this.banned = banned.toLowerCase(Locale.ROOT);
        }

        @Override
        public void check(ModelRequest request, Client client) {
            for (ModelRequest.Turn turn : request.turns()) {
                if (turn.text().toLowerCase(Locale.ROOT).contains(banned)) {
                    String field = switch (request.operation()) {
                        case CHAT -> "messages";
                        case COMPLETION -> "prompt";
                        case EMBEDDING, RESPONSE -> "input";
                    };
                    throw ApiError.invalidRequest("banned_word", field, "The word '" + banned + "' is not allowed here.");
                }
            }
        }
    }

    /** Caps max_tokens per API key: each key its own ceiling. */
    static RequestCheck maxTokensPerKey(Map<String, Long> caps) {
        return (request, client) -> {
            Long cap = caps.get(client.key());
            long asked = request.body().longValue("max_tokens").orElse(0L);
            if (cap != null && asked > cap) {
                throw ApiError.invalidRequest("max_tokens_over_cap", "max_tokens",
                        "The key '" + client.key() + "' may ask for at most " + cap + " tokens; this request asks for " + asked + ".");
            }
        };
    }

    @Test
    void aBannedWordIsRefusedWith400NamingTheField() {
        try (var gateway = Gateway.builder().port(0).check(new NoBannedWords("rutabaga")).log(line -> { }).start()) {
            var refused = post(gateway, "/v1/chat/completions", chat("I love Rutabaga soup"));
            assertEquals(400, refused.statusCode());
            assertEquals("banned_word", error(refused, "code"));
            assertEquals("messages", error(refused, "param"));
            assertEquals("The word 'rutabaga' is not allowed here.", error(refused, "message"));

            var completion = post(gateway, "/v1/completions", """
                    {"model": "echo", "prompt": "rutabaga"}""");
            assertEquals("prompt", error(completion, "param"), "every operation is checked");
            assertEquals(200, post(gateway, "/v1/chat/completions", chat("I love soup")).statusCode());
        }
    }

    @Test
    void maxTokensIsCappedPerKey() {
        try (var gateway = Gateway.builder().port(0)
                .setting("API_KEYS", "alice:sk-alice,bob:sk-bob")
                .check(maxTokensPerKey(Map.of("alice", 100L)))
                .log(line -> { })
                .start()) {
            String body = """
                    {"messages": [{"role": "user", "content": "hi"}], "max_tokens": 500}""";
            var alice = post(gateway, "/v1/chat/completions", body, "Authorization", "Bearer sk-alice");
            assertEquals(400, alice.statusCode());
            assertEquals("max_tokens", error(alice, "param"));
            assertEquals("The key 'alice' may ask for at most 100 tokens; this request asks for 500.", error(alice, "message"));

            var bob = post(gateway, "/v1/chat/completions", body, "Authorization", "Bearer sk-bob");
            assertEquals(200, bob.statusCode(), "bob has no cap");
        }
    }
}
