package gateway;

import static gateway.Fleet.servedBy;
import static gateway.TestHttp.errorCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.json.JsonObject;
import gateway.mock.MockOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Failover before the first byte, ejection, cooldowns and the fallback role. Round robin
 * makes the order of backends tried known, so each test can say which fails first.
 */
class FailoverTest {
    static final String STREAM = "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    /** An address where nothing listens. */
    static URI closedPort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
    }

    @Test
    void aKilledBackendCostsNoClientRequestAndIsEjected() {
        try (var fleet = Fleet.of(List.of(MockOptions.defaults(), MockOptions.defaults(), MockOptions.defaults()),
                "ROUTING", "round-robin")) {
            assertEquals(200, fleet.ask(null, "hi").statusCode(), "all three checked and serving");
            fleet.mock(1).close();
            for (int i = 0; i < 30; i++) {
                var whole = fleet.ask(null, "hi");
                assertEquals(200, whole.statusCode(), whole.body());
                assertFalse(whole.headers().firstValue("x-should-retry").isPresent());
                var stream = TestHttp.post(fleet.chat(), STREAM);
                assertEquals(200, stream.statusCode());
                assertEquals("[DONE]", TestHttp.dataLines(stream.body()).getLast());
                assertFalse(stream.body().contains("\"error\""), stream.body());
            }
            JsonObject b2 = fleet.backend("b2");
            assertEquals("ejected", b2.string("state").orElseThrow());
            JsonObject ejection = b2.object("ejection").orElseThrow();
            assertTrue(ejection.string("reason").orElseThrow().startsWith("5 failures in a row, the last: Cannot connect to the backend b2"),
                    ejection.toJson());
            assertTrue(ejection.string("until").isPresent());
            assertTrue(fleet.log.stream().anyMatch(line -> line.contains("\"event\":\"backend_ejected\",\"backend\":\"b2\"")));
            assertTrue(fleet.requestLines().stream().anyMatch(line -> line.longValue("attempts").orElseThrow() == 2),
                    "the log names the attempts");
            assertTrue(fleet.metrics().object("route_decisions").orElseThrow().longValue("round-robin/failover").orElseThrow() >= 5);
        }
    }

    @Test
    void theLastBackendOfAModelIsNeverEjected() {
        try (var fleet = Fleet.of(List.of(RoutingTest.serving("llama"), RoutingTest.serving("qwen")))) {
            assertEquals(200, fleet.ask("llama", "hi").statusCode());
            fleet.mock(0).close();
            for (int i = 0; i < 8; i++) {
                assertEquals(502, fleet.ask("llama", "hi").statusCode(), "an honest error: nothing else serves llama");
            }
            JsonObject b1 = fleet.backend("b1");
            assertEquals("false", b1.object("ejection").orElseThrow().get("ejected").toJson());
            assertTrue(b1.object("ejection").orElseThrow().string("reason").orElseThrow().startsWith("kept in: the last backend"));
            assertEquals(200, fleet.ask("qwen", "hi").statusCode());
        }
    }

    @Test
    void whenEveryAttemptFailsTheLastErrorTellsTheSdksNotToRetryAgain() throws Exception {
        try (var fleet = Fleet.over(List.of(closedPort(), closedPort()))) {
            var response = fleet.ask(null, "hi");
            assertEquals(502, response.statusCode());
            assertEquals("backend_unavailable", errorCode(response));
            assertEquals("false", response.headers().firstValue("x-should-retry").orElseThrow());
            assertEquals(2, fleet.requestLines().getLast().longValue("attempts").orElseThrow());
        }
        try (var fleet = Fleet.over(List.of(closedPort(), closedPort()), "FAILOVER_ATTEMPTS", "1")) {
            var response = fleet.ask(null, "hi");
            assertEquals(502, response.statusCode());
            assertFalse(response.headers().firstValue("x-should-retry").isPresent(), "not retried: the SDK may");
        }
    }

    @Test
    void aRefusalOfTheRequestIsNotRetriedElsewhere() throws Exception {
        try (var refusing = StubBackend.json(400, "{\"error\":{\"message\":\"maximum context length is 4096 tokens\"}}").healthy();
             var other = gateway.mock.MockBackend.start("127.0.0.1", 0, MockOptions.defaults());
             var fleet = Fleet.over(List.of(refusing.uri(), other.uri()), "ROUTING", "round-robin")) {
            var response = fleet.ask(null, "hi");
            assertEquals(400, response.statusCode());
            assertEquals("b1", servedBy(response));
            assertEquals(0, other.chatRequests(), "another backend would refuse it too");
        }
    }

    @Test
    void a429WithRetryAfterRestsThatBackendAndAnotherTakesTheTraffic() throws Exception {
        try (var limiting = new StubBackend(new StubBackend.Reply(429, "application/json",
                List.of("{\"error\":{\"message\":\"slow down\"}}"), "Retry-After", "30")).healthy();
             var other = gateway.mock.MockBackend.start("127.0.0.1", 0, MockOptions.defaults());
             var fleet = Fleet.over(List.of(limiting.uri(), other.uri()), "ROUTING", "round-robin")) {
            for (int i = 0; i < 6; i++) {
                var response = fleet.ask(null, "hi");
                assertEquals(200, response.statusCode());
                assertEquals("b2", servedBy(response));
            }
            limiting.takeRequest();
            assertNull(limiting.takeRequestNow(), "asked once, then left to rest");
            JsonObject b1 = fleet.backend("b1");
            assertEquals("cooling_down", b1.string("state").orElseThrow());
            assertEquals("answered 429 with Retry-After 30000 ms", b1.object("cooldown").orElseThrow().string("reason").orElseThrow());
        }
    }

    @Test
    void a503WithRetryAfterRestsTheBackendToo() {
        try (var fleet = Fleet.of(List.of(MockOptions.defaults(), MockOptions.defaults()), "ROUTING", "round-robin")) {
            fleet.mock(0).cooldown(Duration.ofSeconds(30));
            for (int i = 0; i < 4; i++) {
                assertEquals("b2", servedBy(fleet.ask(null, "hi")));
            }
            assertEquals(1, fleet.mock(0).chatRequests());
            assertEquals("cooling_down", fleet.backend("b1").string("state").orElseThrow());
        }
    }

    @Test
    void theFallbackServesOnlyWhenNoPrimaryCan() {
        try (var fleet = Fleet.of(List.of(MockOptions.defaults().withReply("primary"), MockOptions.defaults().withReply("fallback")),
                "BACKEND_B2_ROLE", "fallback")) {
            for (int i = 0; i < 5; i++) {
                assertEquals("b1", servedBy(fleet.ask(null, "hi")));
            }
            assertEquals(0, fleet.mock(1).chatRequests());
            fleet.mock(0).close();
            for (int i = 0; i < 8; i++) {
                var response = fleet.ask(null, "hi");
                assertEquals(200, response.statusCode());
                assertEquals("b2", servedBy(response));
            }
            assertEquals("ejected", fleet.backend("b1").string("state").orElseThrow(), "the fallback still serves its model");
            assertTrue(fleet.metrics().object("route_decisions").orElseThrow().longValue("least-loaded/fallback").orElseThrow() >= 8);
        }
    }

    @Test
    void aStreamFailsOverBeforeItsFirstByteButNeverAfter() throws IOException {
        var cut = MockOptions.defaults().toBuilder().reply("one two three four").cutRate(1).build();
        try (var failing = StubBackend.json(502, "{\"error\":\"bad gateway\"}").healthy();
             var other = gateway.mock.MockBackend.start("127.0.0.1", 0, MockOptions.defaults().withReply("whole"));
             var fleet = Fleet.over(List.of(failing.uri(), other.uri()), "ROUTING", "round-robin")) {
            var response = TestHttp.post(fleet.chat(), STREAM);
            assertEquals(200, response.statusCode());
            assertEquals("b2", servedBy(response));
            assertFalse(response.body().contains("\"error\""));
        }
        try (var fleet = Fleet.of(List.of(cut, MockOptions.defaults()), "ROUTING", "round-robin")) {
            var response = TestHttp.post(fleet.chat(), STREAM);
            List<String> data = TestHttp.dataLines(response.body());
            assertTrue(data.get(0).contains("\"content\":\"one\""), "b1's first words reached the client");
            assertTrue(data.get(data.size() - 2).contains("\"error\""), "so its failure ends the stream: " + data);
            assertEquals(0, fleet.mock(1).chatRequests(), "no second backend after the first byte");
        }
    }
}
