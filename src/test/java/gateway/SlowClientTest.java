package gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import gateway.config.Settings;
import gateway.observe.Log;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Clients that send their request slowly (slowloris). The request read timeout is 2 s in
 * tests (set for the test JVM in pom.xml, as it is JVM-wide).
 */
class SlowClientTest {
    @Test
    void fiveHundredSlowClientsDoNotHoldUpOthersAndAreCutOff() throws Exception {
        try (var gateway = Gateway.start(Settings.from(Map.of("PORT", "0", "ECHO_TOKEN_DELAY_MS", "0",
                "SHUTDOWN_GRACE_SECONDS", "60")), new Log(line -> { }))) {
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 500; i++) {
                    // Half the clients never end their headers; the others never finish their body.
                    String part = i % 2 == 0 ? "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n"
                            : "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"messages\":";
                    var socket = new Socket(InetAddress.getLoopbackAddress(), gateway.port());
                    socket.getOutputStream().write(part.getBytes(StandardCharsets.US_ASCII));
                    slow.add(socket);
                }
                var normal = TestHttp.post(gateway.uri().resolve("/v1/chat/completions"), SilenceTest.HELLO);
                assertEquals(200, normal.statusCode(), "served while 500 slow clients wait");
                for (Socket socket : slow) {
                    assertClosedByTheGateway(socket);
                }
            } finally {
                for (Socket socket : slow) {
                    socket.close();
                }
            }
            // The JDK still counts the exchanges whose body never came; stopping must not wait for them.
            assertTimeoutPreemptively(Duration.ofSeconds(10), gateway::close, "nothing in flight: no 60 s grace");
        }
    }

    /** The gateway closes the connection without an answer: end of stream, or a reset. */
    private static void assertClosedByTheGateway(Socket socket) throws IOException {
        socket.setSoTimeout(20_000);
        try {
            assertEquals(-1, socket.getInputStream().read(), "no answer to half a request");
        } catch (SocketTimeoutException e) {
            fail("a slow client was not cut off");
        } catch (IOException reset) {
            // closed with unread bytes: a reset, also a cut
        }
    }
}
