package gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.mock.MockBackend;
import gateway.mock.MockOptions;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Requests shaped to confuse a proxy: hop-by-hop headers, and the request-smuggling shapes. */
class HostileRequestTest {
    static final String BODY = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void onlyTheGatewaysOwnHeadersReachTheBackend() throws Exception {
        try (var mock = MockBackend.start("127.0.0.1", 0, MockOptions.defaults());
             var gateway = BackendGatewayTest.gatewayFor(mock.uri(), "BACKEND_API_KEY", "sk-backend")) {
            String answer = TestHttp.raw(gateway.port(), "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
                    + "Connection: close\r\nKeep-Alive: timeout=5\r\nProxy-Authorization: Basic c2VjcmV0\r\n"
                    + "Proxy-Connection: keep-alive\r\nTE: trailers\r\nTrailer: X-Checksum\r\nUpgrade: h2c\r\n"
                    + "X-Drop-Me: 1\r\nAuthorization: Bearer sk-client\r\nCookie: session=secret\r\n"
                    + "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n"
                    + "Content-Length: " + BODY.length() + "\r\n\r\n" + BODY);
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            var received = mock.lastRequest();
            Set<String> allowed = Set.of("host", "user-agent", "content-length", "content-type", "accept", "x-request-id", "authorization",
                    "traceparent");
            assertTrue(allowed.containsAll(received.headers().keySet()), "forwarded: " + received.headers().keySet());
            assertEquals("Bearer sk-backend", received.header("Authorization"));
            // The trace goes on, through a span of the gateway's: the client's own span is not passed through.
            String traceparent = received.header("traceparent");
            assertTrue(traceparent.startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-") && !traceparent.contains("00f067aa0ba902b7"), traceparent);
        }
    }

    /** What the JDK's server does with each shape, before the gateway sees the request: it never reaches the backend. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Content-Length and Transfer-Encoding | Content-Length: 45\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n2d\\r\\nBODY\\r\\n0\\r\\n\\r\\n | 400",
        "two Content-Lengths                  | Content-Length: 45\\r\\nContent-Length: 5\\r\\n\\r\\nBODY                           | 400",
        "a coding before chunked              | Transfer-Encoding: gzip, chunked\\r\\n\\r\\n2d\\r\\nBODY\\r\\n0\\r\\n\\r\\n              | 501",
        "a negative Content-Length            | Content-Length: -1\\r\\n\\r\\nBODY                                              | 400",
    })
    void ambiguousBodiesAreRejectedAndNeverForwarded(String shape, String rest, int status) throws Exception {
        try (var mock = MockBackend.start("127.0.0.1", 0, MockOptions.defaults());
             var gateway = BackendGatewayTest.gatewayFor(mock.uri())) {
            String request = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                    + rest.strip().replace("\\r\\n", "\r\n").replace("BODY", BODY);
            String answer = TestHttp.raw(gateway.port(), request);
            assertTrue(answer.startsWith("HTTP/1.1 " + status), shape + ": " + answer);
            assertNull(mock.lastRequest(), shape + ": nothing reached the backend");
        }
    }
}
