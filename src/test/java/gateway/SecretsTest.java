package gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.config.Settings;
import gateway.observe.Log;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Client keys and BACKEND_API_KEY never leave the gateway: not in answers (errors
 * included, even when the backend quotes the key back), not in the log, not in the metrics.
 */
class SecretsTest {
    static final String ALICE = "sk-alice-0123456789abcdef";
    static final String UNNAMED = "sk-unnamed-fedcba987654";
    static final String WRONG = "sk-wrong-key-5555aaaa7777";
    static final String BACKEND = "sk-backend-secret-99990000";
    static final List<String> SECRETS = List.of(ALICE, UNNAMED, WRONG, BACKEND);

    static final String COMPLETION = "{\"id\":\"c\",\"object\":\"chat.completion\",\"model\":\"m\",\"choices\":[{\"index\":0,"
            + "\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}";

    @Test
    void noKeyAppearsInAnswersLogOrMetrics() throws Exception {
        var log = new CopyOnWriteArrayList<String>();
        var seen = new ArrayList<String>();
        try (var stub = StubBackend.json(200, COMPLETION);
             var gateway = Gateway.start(Settings.from(Map.of("PORT", "0", "BACKEND_URL", stub.uri().toString(),
                     "BACKEND_API_KEY", BACKEND, "API_KEYS", "alice:" + ALICE + "," + UNNAMED)), new Log(log::add))) {
            URI chat = gateway.uri().resolve("/v1/chat/completions");
            String hello = SilenceTest.HELLO;

            var ok = TestHttp.post(chat, hello, "Authorization", "Bearer " + ALICE);
            assertEquals(200, ok.statusCode(), ok.body());
            assertEquals("Bearer " + BACKEND, stub.takeAuthorization(), "the backend gets the gateway's key");
            keep(seen, ok);
            keep(seen, TestHttp.post(chat, hello, "x-api-key", UNNAMED));
            var wrong = TestHttp.post(chat, hello, "Authorization", "Bearer " + WRONG);
            assertEquals(401, wrong.statusCode());
            keep(seen, wrong);
            keep(seen, TestHttp.post(chat, hello, "Authorization", "Api-Key " + WRONG));

            // Backends that quote the key they were given back in their errors.
            stub.reply(new StubBackend.Reply(401, "application/json",
                    List.of("{\"error\":{\"message\":\"Incorrect API key provided: " + BACKEND + "\"}}")));
            var refused = TestHttp.post(chat, hello, "Authorization", "Bearer " + ALICE);
            assertEquals(502, refused.statusCode());
            assertTrue(refused.body().contains("[redacted]"), refused.body());
            keep(seen, refused);
            // Not JSON, with the key where the quote of the body is cut short.
            stub.reply(new StubBackend.Reply(500, "text/plain", List.of("x".repeat(180) + " " + BACKEND + " rejected")));
            keep(seen, TestHttp.post(chat, hello, "Authorization", "Bearer " + ALICE));
            stub.reply(new StubBackend.Reply(200, "text/event-stream", List.of(
                    "data: {\"error\":{\"message\":\"upstream refused " + BACKEND + "\"}}\n\n")));
            var stream = TestHttp.post(chat, SilenceTest.STREAM, "Authorization", "Bearer " + ALICE);
            assertTrue(stream.body().contains("\"error\""), stream.body());
            keep(seen, stream);
            stub.reply(new StubBackend.Reply(403, "application/json", List.of("{\"detail\":\"" + BACKEND + " is revoked\"}")));
            keep(seen, TestHttp.get(gateway.uri().resolve("/v1/models"), "Authorization", "Bearer " + ALICE));
            keep(seen, TestHttp.get(gateway.uri().resolve("/readyz")));

            keep(seen, TestHttp.get(gateway.uri().resolve("/metrics")));
            keep(seen, TestHttp.get(gateway.uri().resolve("/metrics?format=prometheus")));
        }
        assertTrue(log.stream().anyMatch(line -> line.contains("\"key\":\"alice\"")), "callers are named");
        seen.addAll(log);
        for (String text : seen) {
            for (String secret : SECRETS) {
                // The first 12 characters: a key cut short is still a leak.
                assertFalse(text.contains(secret.substring(0, 12)), "a key leaked: " + text);
            }
        }
    }

    /** Everything a client can see of an answer: status line aside, its headers and body. */
    private static void keep(List<String> seen, HttpResponse<String> response) {
        seen.add(response.headers().map().toString());
        seen.add(response.body());
    }
}
