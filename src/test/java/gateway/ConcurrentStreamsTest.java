package gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import gateway.config.Settings;
import gateway.json.JsonObject;
import gateway.mock.MockBackend;
import gateway.mock.MockOptions;
import gateway.observe.Log;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two thousand streams at once, a quarter of whose clients leave after the first frame: every
 * other stream gets every frame, in order, then {@code [DONE]}, and nothing is left running.
 * The backend client runs its tasks on its selector thread ({@code BackendClient}), which then
 * carries every stream's frames: this is the load that would show it stalling or losing one.
 * It runs in a JVM of its own (pom.xml): the other tests' JVM has a 2 s request read timeout,
 * JVM-wide, and two thousand requests arriving at once on a busy two-core machine can take
 * longer than that to be read; the JDK server would then cut them (seen in CI).
 */
@Tag("own-jvm")
class ConcurrentStreamsTest {
    static final int STREAMS = 2_000;
    static final String REPLY = String.join(" ", IntStream.range(0, 30).mapToObj(i -> "w" + i).toList());
    static final String STREAM = "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    @Timeout(120) // a stalled selector would hang the streams: fail instead
    void everyStreamArrivesWholeAndInOrderWhileOthersLeave() throws Exception {
        var mock = MockBackend.start("127.0.0.1", 0, MockOptions.defaults().withReply(REPLY).withTokenDelay(Duration.ofMillis(5)));
        try (mock; var gateway = Gateway.start(Settings.from(Map.of("PORT", "0", "BACKEND_URL", mock.uri().toString(),
                "MAX_REQUESTS_IN_FLIGHT", "10000")), new Log(line -> { }))) {
            var problems = new ConcurrentLinkedQueue<String>();
            var start = new CountDownLatch(1);
            List<Future<?>> clients = new ArrayList<>();
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < STREAMS; i++) {
                    boolean leaves = i % 4 == 0;
                    clients.add(pool.submit(() -> {
                        start.await();
                        String problem = stream(gateway, leaves);
                        if (problem != null) {
                            problems.add(problem);
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> client : clients) {
                    client.get();
                }
            }
            assertEquals(List.of(), List.copyOf(problems).subList(0, Math.min(5, problems.size())), problems.size() + " streams went wrong");
            Fleet.await("every backend call ended", () -> mock.chatsInProgress() == 0);
            Fleet.await("no stream left open", () -> TestHttp.json(TestHttp.get(gateway.uri().resolve("/metrics")))
                    .longValue("streams_in_flight").orElseThrow() == 0);
        }
    }

    /**
     * One client's stream: null when it went as it should, else what went wrong. Each client
     * has a connection of its own, closed after its stream: a pooled one could have been
     * closed by the server's cap on idle connections (200) just as it was picked again.
     */
    private static String stream(Gateway gateway, boolean leaves) throws IOException {
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), gateway.port())) {
            socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + STREAM.length() + "\r\n\r\n" + STREAM)
                    .getBytes(StandardCharsets.US_ASCII));
            var in = new BufferedInputStream(socket.getInputStream());
            String status = line(in);
            if (!status.startsWith("HTTP/1.1 200")) {
                return status;
            }
            while (!line(in).isEmpty()) {
                // the headers: the body is chunked
            }
            var text = new StringBuilder();
            var body = new StringBuilder();
            for (int size; (size = Integer.parseInt(line(in), 16)) > 0; line(in)) {
                body.append(new String(in.readNBytes(size), StandardCharsets.UTF_8));
                for (int end; (end = body.indexOf("\n\n")) >= 0; body.delete(0, end + 2)) {
                    String event = body.substring(0, end);
                    if (event.startsWith(":")) {
                        continue; // a keep-alive comment
                    }
                    String data = event.replaceFirst("^data: ", "");
                    if (leaves) {
                        return null; // closing the socket hangs up mid-stream
                    }
                    if (data.equals("[DONE]")) {
                        return text.toString().equals(REPLY) ? null : "got: " + text;
                    }
                    var choices = TestHttp.json(data).array("choices").orElseThrow();
                    if (choices.size() > 0) {
                        ((JsonObject) choices.get(0)).object("delta").flatMap(d -> d.string("content")).ifPresent(text::append);
                    }
                }
            }
            return "no [DONE] after: " + text;
        }
    }

    /** One line of the response head or of the chunked framing, without its CRLF. */
    private static String line(InputStream in) throws IOException {
        var line = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new IOException("the connection closed mid-line: " + line);
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
