package gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import gateway.config.Settings;
import gateway.json.JsonObject;
import gateway.mock.MockBackend;
import gateway.mock.MockOptions;
import gateway.observe.Log;
import java.io.BufferedReader;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two thousand streams at once, a quarter of whose clients leave after the first frame: every
 * other stream gets every frame, in order, then {@code [DONE]}, and nothing is left running.
 * The backend client runs its tasks on its selector thread ({@code BackendClient}), which then
 * carries every stream's frames: this is the load that would show it stalling or losing one.
 */
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

    /** One client's stream: null when it went as it should, else what went wrong. */
    private static String stream(Gateway gateway, boolean leaves) throws Exception {
        HttpResponse<InputStream> response = TestHttp.open(gateway.uri().resolve("/v1/chat/completions"), STREAM);
        try (BufferedReader lines = TestHttp.lines(response)) {
            if (response.statusCode() != 200) {
                return "status " + response.statusCode();
            }
            var text = new StringBuilder();
            String data;
            while ((data = TestHttp.nextData(lines)) != null && !data.equals("[DONE]")) {
                if (leaves) {
                    return null; // closing the body hangs up mid-stream
                }
                var choices = TestHttp.json(data).array("choices").orElseThrow();
                if (choices.size() > 0) {
                    ((JsonObject) choices.get(0)).object("delta").flatMap(d -> d.string("content")).ifPresent(text::append);
                }
            }
            if (data == null) {
                return "no [DONE] after: " + text;
            }
            return text.toString().equals(REPLY) ? null : "got: " + text;
        }
    }
}
