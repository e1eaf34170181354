package gateway;

import static gateway.TestHttp.errorCode;
import static gateway.TestHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.json.JsonObject;
import gateway.mock.MockBackend;
import gateway.mock.MockOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The gateway in front of the mock backend with each fault injected every time. */
class MockFaultsTest {
    static final String HELLO = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String STREAM = "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final MockOptions FOUR_WORDS = MockOptions.defaults().withReply("one two three four");

    static JsonObject lastFrameError(List<String> data) {
        assertEquals("[DONE]", data.getLast());
        return json(data.get(data.size() - 2)).object("error").orElseThrow();
    }

    @Test
    void injected500sBecome502() {
        try (var mock = MockBackend.start("127.0.0.1", 0, FOUR_WORDS.withErrorRate(1));
             var gateway = BackendGatewayTest.gatewayFor(mock.uri())) {
            var response = TestHttp.post(BackendGatewayTest.chat(gateway), HELLO);
            assertEquals(502, response.statusCode());
            assertEquals("backend_error", errorCode(response));
            assertEquals("The backend at " + mock.uri() + " answered 500: injected failure",
                    json(response).object("error").get().string("message").orElseThrow());
        }
    }

    @Test
    void injected429sPassOnWithTheirRetryHeaders() {
        try (var mock = MockBackend.start("127.0.0.1", 0, FOUR_WORDS.withRateLimitRate(1));
             var gateway = BackendGatewayTest.gatewayFor(mock.uri())) {
            var response = TestHttp.post(BackendGatewayTest.chat(gateway), STREAM);
            assertEquals(429, response.statusCode());
            assertEquals("rate_limit_exceeded", errorCode(response));
            assertEquals("1", response.headers().firstValue("Retry-After").orElseThrow());
            assertEquals("1000", response.headers().firstValue("retry-after-ms").orElseThrow());
        }
    }

    @Test
    void aStreamCutHalfWayEndsWithAnErrorFrame() {
        try (var mock = MockBackend.start("127.0.0.1", 0, FOUR_WORDS.withCutRate(1));
             var gateway = BackendGatewayTest.gatewayFor(mock.uri())) {
            List<String> data = TestHttp.dataLines(TestHttp.post(BackendGatewayTest.chat(gateway), STREAM).body());
            assertTrue(data.get(0).contains("\"content\":\"one\""), "what came before the cut was forwarded");
            JsonObject error = lastFrameError(data);
            assertEquals("backend_error", error.string("code").orElseThrow());
            assertTrue(error.string("message").orElseThrow().contains("the connection closed before data: [DONE]"));
        }
    }

    @Test
    void aGarbageLineEndsTheStreamWithAnErrorFrame() {
        try (var mock = MockBackend.start("127.0.0.1", 0, FOUR_WORDS.withGarbageRate(1));
             var gateway = BackendGatewayTest.gatewayFor(mock.uri())) {
            List<String> data = TestHttp.dataLines(TestHttp.post(BackendGatewayTest.chat(gateway), STREAM).body());
            JsonObject error = lastFrameError(data);
            assertEquals("backend_error", error.string("code").orElseThrow());
            assertTrue(error.string("message").orElseThrow().startsWith("The backend at " + mock.uri() + " sent a line that is not Server-Sent Events: <html>"));
        }
    }

    @Test
    void withoutFaultsTheMockAnswersNormally() {
        try (var mock = MockBackend.start("127.0.0.1", 0, FOUR_WORDS); var gateway = BackendGatewayTest.gatewayFor(mock.uri())) {
            List<String> data = TestHttp.dataLines(TestHttp.post(BackendGatewayTest.chat(gateway), STREAM).body());
            assertTrue(data.stream().noneMatch(d -> d.contains("\"error\"")));
            assertEquals("[DONE]", data.getLast());
        }
    }
}
