package gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.config.Settings;
import gateway.observe.Log;
import java.io.BufferedReader;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Stopping: requests in flight finish within the grace, the rest are cut with an error frame, no log line is lost. */
class ShutdownTest {
    static final String STREAM = "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"a b c d e f g h\"}]}";

    @Test
    void aHundredStreamsInFlightAtCloseAllEndWithDoneAndAreAllLogged() throws Exception {
        var log = new CopyOnWriteArrayList<String>();
        var gateway = Gateway.start(Settings.from(Map.of("PORT", "0", "ECHO_TOKEN_DELAY_MS", "30",
                "SHUTDOWN_GRACE_SECONDS", "30")), new Log(log::add));
        URI chat = gateway.uri().resolve("/v1/chat/completions");
        List<CompletableFuture<List<String>>> streams = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            BufferedReader lines = TestHttp.lines(TestHttp.open(chat, STREAM));
            assertNotNull(TestHttp.nextData(lines), "stream " + i + " is open");
            streams.add(CompletableFuture.supplyAsync(() -> rest(lines)));
        }
        gateway.close();
        for (var stream : streams) {
            List<String> data = stream.get();
            assertEquals("[DONE]", data.getLast(), data.toString());
            assertTrue(data.stream().noneMatch(d -> d.startsWith("{\"error\"")), data.toString());
        }
        assertEquals(100, log.stream().filter(line -> line.contains("\"event\":\"request\"")).count());
    }

    @Test
    void aStreamStillOpenWhenTheGraceEndsIsCutWithAnErrorFrameAndDone() throws Exception {
        var log = new CopyOnWriteArrayList<String>();
        var gateway = Gateway.start(Settings.from(Map.of("PORT", "0", "ECHO_TOKEN_DELAY_MS", "100",
                "SHUTDOWN_GRACE_SECONDS", "1")), new Log(log::add));
        String longPrompt = "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + "word ".repeat(200) + "\"}]}";
        BufferedReader lines = TestHttp.lines(TestHttp.open(gateway.uri().resolve("/v1/chat/completions"), longPrompt));
        assertNotNull(TestHttp.nextData(lines));
        gateway.close();
        List<String> data = rest(lines);
        assertEquals("[DONE]", data.getLast(), data.toString());
        String error = data.get(data.size() - 2);
        assertEquals("shutting_down", TestHttp.json(error).object("error").orElseThrow().string("code").orElseThrow(), error);
        assertTrue(data.size() < 100, "cut, not finished: " + data.size() + " frames");
        String line = log.stream().filter(l -> l.contains("\"event\":\"request\"")).findFirst().orElseThrow();
        assertEquals("shutting_down", TestHttp.json(line).string("outcome").orElseThrow(), line);
    }

    @Test
    void aDrainingGatewayTurnsNewRequestsAwayAndIsNotReadyButStillLive() throws Exception {
        try (var gateway = Gateway.start(Settings.from(Map.of("PORT", "0")), new Log(line -> { }))) {
            gateway.drain();
            var chat = TestHttp.post(gateway.uri().resolve("/v1/chat/completions"), SilenceTest.HELLO);
            assertEquals(503, chat.statusCode());
            assertEquals("shutting_down", TestHttp.errorCode(chat));
            assertEquals("1", chat.headers().firstValue("Retry-After").orElseThrow());
            assertEquals(503, TestHttp.get(gateway.uri().resolve("/v1/models")).statusCode());
            var ready = TestHttp.get(gateway.uri().resolve("/readyz"));
            assertEquals(503, ready.statusCode());
            assertTrue(ready.body().contains("shutting down"), ready.body());
            assertEquals(200, TestHttp.get(gateway.uri().resolve("/healthz")).statusCode());
        }
    }

    static List<String> rest(BufferedReader lines) {
        List<String> data = new ArrayList<>();
        try {
            for (String d; (d = TestHttp.nextData(lines)) != null; ) {
                data.add(d);
            }
        } catch (java.io.IOException e) {
            data.add("broken: " + e);
        }
        return data;
    }
}
