package gateway;

import static gateway.TestHttp.errorCode;
import static gateway.TestHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Backends that go quiet, and clients that leave while they are quiet. */
class SilenceTest {
    static final String FRAME = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"t\"}}]}\n\n";
    static final String STREAM = "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String HELLO = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    static URI chat(Gateway gateway) {
        return gateway.uri().resolve("/v1/chat/completions");
    }

    @Test
    void aStreamSilentForLongerThanTheTimeoutEndsWithATimeoutFrame() throws Exception {
        try (var stub = StubBackend.events(FRAME, StubBackend.WAIT);
             var gateway = BackendGatewayTest.gatewayFor(stub.uri(), "BACKEND_TIMEOUT_SECONDS", "1")) {
            String body = TestHttp.post(chat(gateway), STREAM).body();
            List<String> data = TestHttp.dataLines(body);
            assertEquals(3, data.size(), body);
            JsonObject error = json(data.get(1)).object("error").orElseThrow();
            assertEquals("gateway_timeout", error.string("code").orElseThrow());
            assertTrue(error.string("message").orElseThrow().contains("sent nothing for 1 s"));
            assertEquals("[DONE]", data.get(2));
            assertTrue(body.contains(": keep-alive\n\n"), "the client was pinged during the silence");
        }
    }

    @Test
    void aBackendSilentAfterItsHeadersGetsAJson504() throws Exception {
        try (var stub = StubBackend.events(StubBackend.WAIT);
             var gateway = BackendGatewayTest.gatewayFor(stub.uri(), "BACKEND_TIMEOUT_SECONDS", "1")) {
            var response = TestHttp.post(chat(gateway), STREAM);
            assertEquals(504, response.statusCode());
            assertEquals("gateway_timeout", errorCode(response));
        }
        try (var stub = new StubBackend(new StubBackend.Reply(200, "application/json", List.of("{\"choices\":", StubBackend.WAIT)));
             var gateway = BackendGatewayTest.gatewayFor(stub.uri(), "BACKEND_TIMEOUT_SECONDS", "1")) {
            var response = TestHttp.post(chat(gateway), HELLO);
            assertEquals(504, response.statusCode(), "a whole reply that stalls half-way");
            assertEquals("gateway_timeout", errorCode(response));
        }
    }

    @Test
    void aReadinessProbeOfAStalledBackendAnswers503InsteadOfHanging() throws Exception {
        try (var stub = StubBackend.events(StubBackend.WAIT); var gateway = BackendGatewayTest.gatewayFor(stub.uri())) {
            var ready = TestHttp.get(gateway.uri().resolve("/readyz"));
            assertEquals(503, ready.statusCode());
            assertTrue(json(ready).string("reason").orElseThrow().contains("sent nothing for 2 s"), ready.body());
        }
    }

    /**
     * A backend on a raw socket: sends its headers and one frame, then says nothing and
     * waits to see its connection closed. The client leaves after the first frame; the
     * backend must see the close within a second although nothing more was sent.
     */
    @Test
    void aClientLeavingDuringASilenceClosesTheBackendCallWithinASecond() throws Exception {
        try (var backend = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
             var gateway = BackendGatewayTest.gatewayFor(URI.create("http://127.0.0.1:" + backend.getLocalPort()))) {
            CompletableFuture<Long> closedAt = CompletableFuture.supplyAsync(() -> serveOneFrameThenWait(backend));
            var response = TestHttp.open(chat(gateway), STREAM);
            BufferedReader lines = TestHttp.lines(response);
            assertTrue(TestHttp.nextData(lines).contains("\"content\":\"t\""));
            lines.close();
            long leftAt = System.nanoTime();
            long millis = (closedAt.get(5, TimeUnit.SECONDS) - leftAt) / 1_000_000;
            assertTrue(millis < 1000, "the backend saw its connection closed " + millis + " ms after the client left");
        }
    }

    private static long serveOneFrameThenWait(ServerSocket backend) {
        try (Socket socket = backend.accept()) {
            InputStream in = socket.getInputStream();
            var request = new StringBuilder();
            while (!request.toString().contains("\r\n\r\n")) {
                request.append((char) in.read());
            }
            int length = Integer.parseInt(request.toString().lines()
                    .filter(l -> l.toLowerCase().startsWith("content-length:")).findFirst().orElseThrow()
                    .substring(15).strip());
            in.readNBytes(length);
            OutputStream out = socket.getOutputStream();
            String chunk = Integer.toHexString(FRAME.length()) + "\r\n" + FRAME + "\r\n";
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk)
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (in.read() != -1) {
                // a well-behaved peer sends nothing more; -1 is the gateway closing the call
            }
            return System.nanoTime();
        } catch (java.io.IOException e) {
            return System.nanoTime(); // a reset is a close too
        }
    }
}
