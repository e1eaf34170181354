package gateway;

import static gateway.TestHttp.errorCode;
import static gateway.TestHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.config.Settings;
import gateway.observe.Log;
import java.io.BufferedReader;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** MAX_REQUESTS_IN_FLIGHT: a gateway at its limit turns chats away at once, and only chats. */
class InFlightGatewayTest {
    static final String FRAME = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"t\"}}]}\n\n";
    static final String DONE = "data: [DONE]\n\n";

    @Test
    void aChatOverTheLimitGets503WithRetryAfterUntilOneInFlightEnds() throws Exception {
        var log = new CopyOnWriteArrayList<String>();
        try (var stub = StubBackend.events(FRAME, StubBackend.WAIT, DONE);
             var gateway = Gateway.start(Settings.from(Map.of("PORT", "0", "BACKEND_URL", stub.uri().toString(),
                     "MAX_REQUESTS_IN_FLIGHT", "1")), new Log(log::add))) {
            URI chat = gateway.uri().resolve("/v1/chat/completions");
            BufferedReader first = TestHttp.lines(TestHttp.open(chat, SilenceTest.STREAM));
            assertNotNull(TestHttp.nextData(first), "the first stream is in flight");
            assertNotNull(stub.takeRequest());

            var turnedAway = TestHttp.post(chat, SilenceTest.HELLO);
            assertEquals(503, turnedAway.statusCode());
            assertEquals("overloaded", errorCode(turnedAway));
            assertEquals("api_error", json(turnedAway).object("error").orElseThrow().string("type").orElseThrow());
            assertEquals("1", turnedAway.headers().firstValue("Retry-After").orElseThrow());
            assertNull(stub.takeRequestNow(), "a request turned away never reaches the backend");
            assertEquals(200, TestHttp.get(gateway.uri().resolve("/healthz")).statusCode(), "only chats are limited");
            assertEquals(200, TestHttp.get(gateway.uri().resolve("/metrics")).statusCode(), "only chats are limited");

            stub.release();
            assertEquals("[DONE]", TestHttp.nextData(first));
            while (first.readLine() != null) {
                // read to the end of the response: the request has left the gateway
            }
            stub.reply(new StubBackend.Reply(200, "text/event-stream", List.of(FRAME, DONE)));
            assertEquals(200, TestHttp.post(chat, SilenceTest.STREAM).statusCode(), "its place is free again");
        }
        List<String> outcomes = log.stream().filter(line -> line.contains("\"event\":\"request\""))
                .filter(line -> line.contains("/v1/chat/completions"))
                .map(line -> json(line).string("outcome").orElseThrow()).toList();
        assertEquals(3, outcomes.size(), log.toString());
        assertTrue(outcomes.contains("overloaded"), outcomes.toString());
        assertEquals(2, outcomes.stream().filter("ok"::equals).count(), outcomes.toString());
    }
}
