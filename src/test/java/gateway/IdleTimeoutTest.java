package gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import gateway.observe.Log;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * IDLE_TIMEOUT_SECONDS. Runs in a JVM of its own (see pom.xml): the JDK reads the timeouts
 * once per JVM, so this gateway must be the JVM's first HTTP server, and a 1 s idle timeout
 * would close connections that other tests' clients expect to reuse.
 */
@Tag("own-jvm")
class IdleTimeoutTest {
    /** Longer than the idle and read timeouts together with the JDK's 1 s check interval. */
    static final int TOKEN_DELAY_MS = 2_500;

    static Gateway gateway;

    @BeforeAll
    static void start() {
        gateway = Gateway.start(Settings.from(Map.of("PORT", "0", "IDLE_TIMEOUT_SECONDS", "1",
                "REQUEST_READ_TIMEOUT_SECONDS", "1", "ECHO_TOKEN_DELAY_MS", Integer.toString(TOKEN_DELAY_MS))),
                new Log(line -> { }));
        assertEquals("1", System.getProperty("sun.net.httpserver.idleInterval"), "this gateway set the JVM's idle timeout");
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void aKeepAliveConnectionLeftIdleIsClosed() throws IOException {
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), gateway.port())) {
            socket.setSoTimeout(10_000);
            for (int i = 0; i < 2; i++) {
                socket.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertTrue(readAnswer(socket.getInputStream()).startsWith("HTTP/1.1 200"), "kept alive while in use");
            }
            long idleSince = System.nanoTime();
            try {
                assertEquals(-1, socket.getInputStream().read(), "closed without another answer");
            } catch (SocketTimeoutException e) {
                fail("an idle connection was still open after 10 s");
            }
            long idleMillis = (System.nanoTime() - idleSince) / 1_000_000;
            assertTrue(idleMillis >= 900 && idleMillis < 5_000, "closed after " + idleMillis + " ms idle");
        }
    }

    @Test
    void aStreamSilentForLongerThanTheTimeoutsIsNotCut() throws IOException {
        String body = "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), gateway.port())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            assertTrue(answer.contains("data: [DONE]"), "the stream ran to its end: " + answer);
            assertTrue(millis >= TOKEN_DELAY_MS, "the stream was silent between words for " + millis + " ms in all");
        }
    }

    /** Reads one answer with a Content-Length body from a connection that stays open. */
    private static String readAnswer(InputStream in) throws IOException {
        var head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                fail("connection closed mid-answer: " + head);
            }
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.US_ASCII);
        int length = headers.lines().filter(line -> line.toLowerCase().startsWith("content-length:"))
                .mapToInt(line -> Integer.parseInt(line.substring(15).strip())).findFirst().orElseThrow();
        return headers + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
