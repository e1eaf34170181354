package gateway;

import static gateway.Fleet.servedBy;
import static gateway.TestHttp.errorCode;
import static gateway.TestHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.json.JsonObject;
import gateway.mock.MockBackend;
import gateway.mock.MockOptions;
import java.io.BufferedReader;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The queue in front of busy slots: bounded, timed, fair between callers, and left at
 * once by a client that goes. The backend is a stub with one slot whose every reply waits
 * for the test's word ({@link StubBackend#release}), so the test decides when a slot frees.
 */
class QueueTest {
    static final String FRAME = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"t\"}}]}\n\n";
    static final String DONE = "data: [DONE]\n\n";

    static String stream(String content) {
        return "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}";
    }

    /** Opens a stream and reads its first frame: the stub now holds the one slot. */
    static BufferedReader holdTheSlot(Fleet fleet, String... headers) throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(fleet.chat())
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(stream("holder")));
        if (headers.length > 0) {
            request.headers(headers);
        }
        var response = java.net.http.HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        BufferedReader lines = TestHttp.lines(response);
        assertNotNull(TestHttp.nextData(lines));
        return lines;
    }

    static CompletableFuture<HttpResponse<String>> later(Fleet fleet, String body, String... headers) {
        return CompletableFuture.supplyAsync(() -> TestHttp.post(fleet.chat(), body, headers));
    }

    @Test
    void aFullQueueAnswers429AndAWaitingRequestTakesTheNextFreeSlot() throws Exception {
        try (var stub = StubBackend.events(FRAME, StubBackend.WAIT, DONE).healthy();
             var fleet = Fleet.over(List.of(stub.uri()), "BACKEND_B1_SLOTS", "1", "QUEUE_MAX", "1")) {
            BufferedReader first = holdTheSlot(fleet);
            var second = later(fleet, stream("second"), "X-Request-ID", "queued-1");
            Fleet.await("the second request queued", () -> fleet.queueDepth() == 1);

            var third = fleet.ask(null, "third");
            assertEquals(429, third.statusCode());
            assertEquals("queue_full", errorCode(third));
            assertEquals("rate_limit_error", json(third).object("error").orElseThrow().string("type").orElseThrow());
            assertEquals("1", third.headers().firstValue("Retry-After").orElseThrow());

            stub.release(); // the first ends; its slot goes to the second
            stub.release(); // which then ends too
            while (TestHttp.nextData(first) != null) {
                // read to the end
            }
            var done = second.get(10, TimeUnit.SECONDS);
            assertEquals(200, done.statusCode());
            assertEquals("[DONE]", TestHttp.dataLines(done.body()).getLast());
            JsonObject line = fleet.requestLines().stream()
                    .filter(l -> l.string("request_id").orElse("").equals("queued-1")).findFirst().orElseThrow();
            assertTrue(line.get("queue_ms").toJson().matches("[0-9.]+") && !line.get("queue_ms").toJson().equals("0"),
                    "the log records the wait: " + line.toJson());
        }
    }

    @Test
    void aRequestThatWaitsTooLongGets503WithRetryAfter() throws Exception {
        try (var stub = StubBackend.events(FRAME, StubBackend.WAIT, DONE).healthy();
             var fleet = Fleet.over(List.of(stub.uri()), "BACKEND_B1_SLOTS", "1", "QUEUE_TIMEOUT_SECONDS", "1")) {
            holdTheSlot(fleet);
            var waited = fleet.ask(null, "waits", "X-Request-ID", "timed-out");
            assertEquals(503, waited.statusCode());
            assertEquals("queue_timeout", errorCode(waited));
            assertEquals("1", waited.headers().firstValue("Retry-After").orElseThrow());
            JsonObject line = fleet.requestLines().stream()
                    .filter(l -> l.string("request_id").orElse("").equals("timed-out")).findFirst().orElseThrow();
            assertEquals("overloaded", line.string("outcome").orElseThrow());
            assertTrue(Double.parseDouble(line.get("queue_ms").toJson()) >= 900, line.toJson());
            stub.release();
        }
    }

    @Test
    void callersAreServedInTurnSoABurstCannotStarveATrickle() throws Exception {
        try (var stub = StubBackend.events(FRAME, StubBackend.WAIT, DONE).healthy();
             var fleet = Fleet.over(List.of(stub.uri()), "BACKEND_B1_SLOTS", "1", "API_KEYS", "big:sk-big,small:sk-small")) {
            holdTheSlot(fleet, "Authorization", "Bearer sk-big");
            assertTrue(stub.takeRequest().contains("holder"));
            var waiting = new ArrayList<CompletableFuture<HttpResponse<String>>>();
            String[] arrivals = {"big-1", "big-2", "big-3", "big-4", "small-1", "small-2"};
            for (int i = 0; i < arrivals.length; i++) {
                String key = arrivals[i].startsWith("big") ? "sk-big" : "sk-small";
                waiting.add(later(fleet, stream(arrivals[i]), "Authorization", "Bearer " + key));
                int depth = i + 1;
                Fleet.await(arrivals[i] + " queued", () -> fleet.queueDepth() == depth); // arrival order is known
            }
            List<String> served = new ArrayList<>();
            for (int i = 0; i < arrivals.length; i++) {
                stub.release(); // the request holding the slot ends; the next in turn gets it
                String body = stub.takeRequest();
                served.add(body.substring(body.indexOf("\"content\":\"") + 11, body.indexOf("\"}]")));
            }
            stub.release();
            assertEquals(List.of("big-1", "small-1", "big-2", "small-2", "big-3", "big-4"), served);
            for (var response : waiting) {
                assertEquals(200, response.get(10, TimeUnit.SECONDS).statusCode());
            }
        }
    }

    @Test
    void aClientThatLeavesWhileQueuedIsRemovedAtOnce() throws Exception {
        try (var stub = StubBackend.events(FRAME, StubBackend.WAIT, DONE).healthy();
             var fleet = Fleet.over(List.of(stub.uri()), "BACKEND_B1_SLOTS", "1")) {
            BufferedReader first = holdTheSlot(fleet);
            stub.takeRequest();
            String body = stream("leaves");
            try (var socket = new Socket(InetAddress.getLoopbackAddress(), fleet.gateway.port())) {
                socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nX-Request-ID: leaver\r\n"
                        + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
                Fleet.await("the request queued", () -> fleet.queueDepth() == 1);
            }
            Fleet.await("the departure noticed while the slot is still held", () -> fleet.queueDepth() == 0);
            assertEquals(1, fleet.metrics().object("queue").orElseThrow().object("refused").orElseThrow()
                    .longValue("client_left").orElseThrow());
            Fleet.await("logged", () -> fleet.requestLines().stream()
                    .anyMatch(l -> l.string("request_id").orElse("").equals("leaver")
                            && l.string("outcome").orElse("").equals("client_cancelled")));
            stub.release();
            while (TestHttp.nextData(first) != null) {
                // read to the end: the slot is free
            }
            stub.release(); // for the next request, which then streams to its end
            assertEquals(200, TestHttp.post(fleet.chat(), stream("after")).statusCode());
            assertTrue(stub.takeRequest().contains("after"), "the departed request never reached the backend");
            assertNull(stub.takeRequestNow());
        }
    }

    @Test
    void aFallbackTakesWhatWaitedPastTheQueueTimeout() throws Exception {
        try (var stub = StubBackend.events(FRAME, StubBackend.WAIT, DONE).healthy();
             var fallback = MockBackend.start("127.0.0.1", 0, MockOptions.defaults().withReply("from the fallback"));
             var fleet = Fleet.over(List.of(stub.uri(), fallback.uri()), "BACKEND_B1_SLOTS", "1",
                     "BACKEND_B2_ROLE", "fallback", "QUEUE_TIMEOUT_SECONDS", "1")) {
            holdTheSlot(fleet);
            var response = fleet.ask(null, "waits, then goes elsewhere");
            assertEquals(200, response.statusCode());
            assertEquals("b2", servedBy(response));
            stub.release();
        }
    }
}
