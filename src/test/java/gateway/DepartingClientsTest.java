package gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import gateway.config.Settings;
import gateway.mock.MockBackend;
import gateway.mock.MockOptions;
import gateway.observe.Log;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * A thousand clients that leave mid-stream, mid-request or before reading their answer
 * leave no thread, connection or backend call behind: counted before and after.
 */
class DepartingClientsTest {
    static final int CLIENTS = 1_000;
    static final int AT_ONCE = 100;
    static final String STREAM = "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String WHOLE = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    /** The ways a client leaves; each is a fifth of the thousand. */
    enum Departure {
        /** Reads the first frame of a stream, then hangs up while the backend goes on. */
        MID_STREAM,
        /** Sends its headers and half its body. */
        MID_BODY,
        /** Sends half its headers. */
        MID_HEADERS,
        /** Sends a whole request for a stream and hangs up at once. */
        STREAM_UNREAD,
        /** Sends a whole request for a whole answer and hangs up at once. */
        ANSWER_UNREAD
    }

    @Test
    void aThousandDepartingClientsLeaveNothingBehind() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/self/net/tcp")), "counts connections with Linux's /proc");
        // 2,000 words 20 ms apart: a stream would outlast the test if nobody noticed its client had left.
        var mock = MockBackend.start("127.0.0.1", 0, MockOptions.defaults()
                .withReply("word ".repeat(2_000).strip()).withTokenDelay(Duration.ofMillis(20)));
        var log = new CopyOnWriteArrayList<String>();
        try (mock; var gateway = Gateway.start(Settings.from(Map.of("PORT", "0", "BACKEND_URL", mock.uri().toString())),
                new Log(log::add))) {
            // The same clients, a few: the JDK starts long-lived threads of its own on first
            // use (HttpClient's selector, the pollers behind virtual threads' sockets).
            assertTrue(send(gateway, WHOLE).startsWith("HTTP/1.1 200"));
            departAll(gateway, 10);
            awaitReleased(gateway, mock, Integer.MAX_VALUE);
            int threadsBefore = LiveResources.threads();

            departAll(gateway, CLIENTS);

            int gatewayPort = gateway.port();
            awaitReleased(gateway, mock, threadsBefore);
            int threadsAfter = LiveResources.threads();
            assertEquals(0, mock.chatsInProgress(), "backend calls still running");
            assertEquals(0, LiveResources.connectionsFrom(gatewayPort, LiveResources.HELD), "client connections the gateway still holds");
            assertEquals(0, LiveResources.connectionsTo(mock.port(), Set.of(LiveResources.CLOSE_WAIT)),
                    "backend connections closed by the mock that the gateway still holds");
            assertTrue(threadsAfter <= threadsBefore, "threads: " + threadsBefore + " before, " + threadsAfter + " after");
            assertEquals(1, requestsInFlight(gateway), "requests in flight besides this one");
            System.out.printf("%d departing clients: threads %d before, %d after; backend calls running: %d%n",
                    CLIENTS, threadsBefore, threadsAfter, mock.chatsInProgress());
            // Every request that reached the gateway's code was logged; half-sent headers never reach it.
            long logged = log.stream().filter(line -> line.contains("\"event\":\"request\"")).count();
            assertTrue(logged >= CLIENTS * 4 / 5, logged + " request lines");
        }
    }

    /** {@code count} clients, {@link #AT_ONCE} at a time, taking turns at each way of leaving. */
    private static void departAll(Gateway gateway, int count) throws Exception {
        var departures = Departure.values();
        var limit = new Semaphore(AT_ONCE);
        List<Future<?>> clients = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count; i++) {
                Departure departure = departures[i % departures.length];
                limit.acquire();
                clients.add(pool.submit(() -> {
                    try {
                        depart(gateway, departure);
                    } finally {
                        limit.release();
                    }
                    return null;
                }));
            }
            for (Future<?> client : clients) {
                client.get();
            }
        }
    }

    private static void depart(Gateway gateway, Departure departure) throws IOException {
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), gateway.port())) {
            var out = socket.getOutputStream();
            switch (departure) {
                case MID_STREAM -> {
                    out.write(request(STREAM).getBytes(StandardCharsets.UTF_8));
                    var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                    String line;
                    while ((line = in.readLine()) != null && !line.startsWith("data: ")) {
                        // headers, then the first frame
                    }
                }
                case MID_BODY -> out.write(request(WHOLE).substring(0, request(WHOLE).length() - WHOLE.length() / 2)
                        .getBytes(StandardCharsets.UTF_8));
                case MID_HEADERS -> out.write("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Le"
                        .getBytes(StandardCharsets.UTF_8));
                case STREAM_UNREAD -> out.write(request(STREAM).getBytes(StandardCharsets.UTF_8));
                case ANSWER_UNREAD -> out.write(request(WHOLE).getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
        }
    }

    private static String request(String body) {
        return "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    /** One request on a connection of its own, closed after the answer (no pooled connection to count). */
    private static String send(Gateway gateway, String body) throws IOException {
        return TestHttp.raw(gateway.port(), request(body).replace("Host: x\r\n", "Host: x\r\nConnection: close\r\n"));
    }

    private static long requestsInFlight(Gateway gateway) {
        try {
            String answer = TestHttp.raw(gateway.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            return TestHttp.json(answer.substring(answer.indexOf("\r\n\r\n") + 4)).longValue("requests_in_flight")
                    .orElseThrow();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Polls until everything has been let go, or 20 s have passed; the assertions that
     * follow say what was left. The departed clients' requests end at their own pace (a
     * stream at its next frame, a half request when the read timeout cuts it).
     */
    private static void awaitReleased(Gateway gateway, MockBackend mock, int threads) throws InterruptedException {
        BooleanSupplier released = () -> requestsInFlight(gateway) == 1 // the /metrics request asking
                && mock.chatsInProgress() == 0
                && LiveResources.connectionsFrom(gateway.port(), LiveResources.HELD) == 0
                && LiveResources.threads() <= threads;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!released.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }
}
