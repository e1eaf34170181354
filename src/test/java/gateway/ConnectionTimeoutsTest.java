package gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import gateway.config.Settings;
import gateway.observe.Log;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What the JDK server does with connections, under the gateway's JVM-wide timeouts. Runs in
 * a JVM of its own (see pom.xml): the JDK reads the timeouts once per JVM, so this gateway
 * must be the JVM's first HTTP server, and a 1 s idle timeout would close connections that
 * other tests' clients expect to reuse.
 */
@Tag("own-jvm")
class ConnectionTimeoutsTest {
    static final int READ_TIMEOUT_SECONDS = 5;
    /** Twice this is longer than the read timeout, and each longer than the idle one with the JDK's 1 s check. */
    static final int TOKEN_DELAY_MS = 2_600;

    static Gateway gateway;
    static final List<String> log = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        gateway = Gateway.start(Settings.from(Map.of("PORT", "0", "IDLE_TIMEOUT_SECONDS", "1",
                "REQUEST_READ_TIMEOUT_SECONDS", Integer.toString(READ_TIMEOUT_SECONDS),
                "ECHO_TOKEN_DELAY_MS", Integer.toString(TOKEN_DELAY_MS))), new Log(log::add));
        assertEquals("1", System.getProperty("sun.net.httpserver.idleInterval"), "this gateway set the JVM's idle timeout");
        assertEquals("5", System.getProperty("sun.net.httpserver.maxReqTime"), "this gateway set the JVM's read timeout");
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
        String body = "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}]}";
        long start = System.nanoTime();
        String answer = TestHttp.raw(gateway.port(), "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        assertTrue(answer.contains("data: [DONE]"), "the stream ran to its end: " + answer);
        assertTrue(millis >= 2 * TOKEN_DELAY_MS && millis > READ_TIMEOUT_SECONDS * 1000,
                "the stream outlived both timeouts: " + millis + " ms");
    }

    /**
     * A client that leaves mid-request: the gateway reports the broken connection to the
     * JDK server, which then forgets it at once rather than at the read timeout. Counted in
     * the heap, since the socket is closed either way.
     */
    @Test
    void brokenConnectionsAreForgottenAtOnce() throws Exception {
        int before = liveServerConnections();
        long logged = cancelledLines();
        String half = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"messages\":";
        long start = System.nanoTime();
        for (int i = 0; i < 200; i++) {
            try (var socket = new Socket(InetAddress.getLoopbackAddress(), gateway.port())) {
                socket.getOutputStream().write(half.getBytes(StandardCharsets.US_ASCII));
            }
        }
        while (cancelledLines() < logged + 200) { // each is logged as it ends, within milliseconds
            assertTrue(System.nanoTime() - start < 10_000_000_000L, "200 requests logged within 10 s");
            Thread.onSpinWait();
        }
        int after = liveServerConnections();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < READ_TIMEOUT_SECONDS * 1000, "counted before the read timeout: " + millis + " ms");
        assertTrue(after - before < 20, "the JDK server still holds " + (after - before) + " of 200 broken connections");
    }

    private static long cancelledLines() {
        return log.stream().filter(line -> line.contains("\"outcome\":\"client_cancelled\"")).count();
    }

    /** Live {@code sun.net.httpserver.HttpConnection} objects, from the JVM's class histogram (after a full GC). */
    private static int liveServerConnections() throws Exception {
        String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {null}, new String[] {String[].class.getName()});
        return histogram.lines().filter(line -> line.contains(" sun.net.httpserver.HttpConnection "))
                .mapToInt(line -> Integer.parseInt(line.strip().split("\\s+")[1])).findFirst().orElse(0);
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
