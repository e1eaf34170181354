package gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.config.Settings;
import gateway.observe.Log;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Answers given before the request's body is read (401, 413, 429, 503) reach a client that
 * has sent only part of its body, and then the connection closes: the JDK server on its own
 * would hold them until the whole body had arrived.
 */
class EarlyAnswerTest {
    static final String HELLO = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    /** A request announcing a 1,000,000-byte body, of which only the first 1,000 bytes are sent. */
    static final String HALF_A_BODY = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "Content-Length: 1000000\r\n\r\n" + "{\"messages\":[" + " ".repeat(987);

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "no key         | 401 | missing_api_key    | API_KEYS=alice:sk-alice",
        "too large      | 413 | request_too_large  | MAX_BODY_BYTES=1000",
        "rate limited   | 429 | rate_limit_exceeded| RATE_LIMIT_RPM=1",
        "shutting down  | 503 | shutting_down      | ",
    })
    void reachesAClientThatHasSentHalfItsBody(String why, int status, String code, String setting) throws Exception {
        var values = new HashMap<>(Map.of("PORT", "0"));
        if (setting != null) {
            values.put(setting.substring(0, setting.indexOf('=')), setting.substring(setting.indexOf('=') + 1));
        }
        try (var gateway = Gateway.start(Settings.from(values), new Log(line -> { }))) {
            if (status == 429) {
                assertEquals(200, TestHttp.post(BackendGatewayTest.chat(gateway), HELLO).statusCode(), "uses the one request");
            } else if (status == 503) {
                gateway.drain();
            }
            try (var socket = new Socket(InetAddress.getLoopbackAddress(), gateway.port())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(HALF_A_BODY.getBytes(StandardCharsets.US_ASCII));

                // Read while the rest of the body is still unsent: an answer held back until it came would time out here.
                String answer = readAnswer(socket.getInputStream());
                assertTrue(answer.startsWith("HTTP/1.1 " + status), why + ": " + answer);
                assertTrue(answer.contains("\"code\":\"" + code.strip() + "\""), answer);
                assertTrue(answer.toLowerCase().contains("\nconnection: close\r\n"), "the connection ends with it: " + answer);

                socket.shutdownOutput(); // the client gives up on its body, as curl does on such an answer
                assertEquals(-1, socket.getInputStream().read(), "and the gateway closes the connection");
            }
        }
    }

    @Test
    void aSmallBodyThatHasAllArrivedKeepsTheConnection() throws Exception {
        try (var gateway = Gateway.start(Settings.from(Map.of("PORT", "0", "API_KEYS", "sk-alice")), new Log(line -> { }));
             var socket = new Socket(InetAddress.getLoopbackAddress(), gateway.port())) {
            socket.setSoTimeout(10_000);
            String request = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: " + HELLO.length() + "\r\n\r\n" + HELLO;
            Consumer<String> send = text -> {
                try {
                    socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            };
            send.accept(request);
            String first = readAnswer(socket.getInputStream());
            assertTrue(first.startsWith("HTTP/1.1 401"), first);
            assertFalse(first.toLowerCase().contains("connection: close"), first);

            send.accept(request.replace("Host: x\r\n", "Host: x\r\nAuthorization: Bearer sk-alice\r\n"));
            String second = readAnswer(socket.getInputStream());
            assertTrue(second.startsWith("HTTP/1.1 200"), "the same connection serves the next request: " + second);
        }
    }

    /** One answer: its status line and headers, then as many body bytes as its Content-Length says. */
    static String readAnswer(InputStream in) throws IOException {
        var head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the connection closed before an answer: " + head);
            }
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.ISO_8859_1);
        int at = headers.toLowerCase().indexOf("content-length: ");
        int length = Integer.parseInt(headers.substring(at + 16, headers.indexOf("\r\n", at)).strip());
        return headers + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
