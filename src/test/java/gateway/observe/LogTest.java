package gateway.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.json.Json;
import gateway.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogTest {
    @Test
    void eachEventIsOneLineOfJsonWithTimeLevelAndEventFirst() {
        List<String> lines = new ArrayList<>();
        new Log(lines::add).warn("odd \"event\"", "text", "two\nlines \"quoted\" \u0001", "count", 3, "big", 5_000_000_000L,
                "ms", 1.25, "whole", 2.0, "flag", true, "missing", null);
        assertEquals(1, lines.size());
        String line = lines.getFirst();
        assertTrue(line.startsWith("{\"time\":\""), line);
        assertTrue(!line.contains("\n"), "one line: " + line);
        JsonObject parsed = (JsonObject) Json.parse(line);
        assertEquals(List.of("time", "level", "event", "text", "count", "big", "ms", "whole", "flag", "missing"),
                List.copyOf(parsed.members().keySet()));
        assertEquals("warn", parsed.string("level").orElseThrow());
        assertEquals("odd \"event\"", parsed.string("event").orElseThrow());
        assertEquals("two\nlines \"quoted\" \u0001", parsed.string("text").orElseThrow());
        assertEquals(3, parsed.longValue("count").orElseThrow());
        assertEquals(5_000_000_000L, parsed.longValue("big").orElseThrow());
        assertEquals("1.25", parsed.get("ms").toJson());
        assertEquals("2", parsed.get("whole").toJson());
        assertEquals("true", parsed.get("flag").toJson());
        assertEquals("null", parsed.get("missing").toJson());
    }

    @Test
    void durationsAreMillisecondsToTheMicrosecond() {
        List<String> lines = new ArrayList<>();
        var log = new Log(lines::add);
        long[][] cases = {{1_234_000, 1_200_000, 0}, {12_000_000, 1_234_567, 999}};
        for (long[] c : cases) {
            log.request(new RequestSummary(java.time.Instant.now(), "id", "trace", "span", "POST", "/v1/chat/completions", "r", 200,
                    c[0], c[1], 0, "m", false, "b", 1, c[2], 1, 2, -1, false, null, "127.0.0.1", "ok", null));
        }
        JsonObject first = (JsonObject) Json.parse(lines.get(0));
        assertEquals("1.234", first.get("latency_ms").toJson());
        assertEquals("1.2", first.get("first_frame_ms").toJson());
        assertEquals("0", first.get("queue_ms").toJson());
        assertEquals("null", first.get("cached_tokens").toJson());
        assertEquals("3", first.get("total_tokens").toJson());
        JsonObject second = (JsonObject) Json.parse(lines.get(1));
        assertEquals("12", second.get("latency_ms").toJson());
        assertEquals("1.235", second.get("first_frame_ms").toJson(), "rounded to the microsecond");
        assertEquals("0.001", second.get("queue_ms").toJson());
    }

    @Test
    void aLogDropsTheLinesBelowItsLevelAndTheLevelCanChangeAtRunTime() {
        List<String> lines = new ArrayList<>();
        var log = new Log(lines::add);
        log.info("shown_at_info");
        log.level(Log.Level.WARN);
        log.info("dropped");
        log.request(summary(200));
        log.request(summary(502));
        log.warn("shown_at_warn");
        log.level(Log.Level.ERROR);
        log.warn("dropped");
        log.unexpected("id", new IllegalStateException("a bug"));
        log.level(Log.Level.DEBUG);
        log.info("shown_at_debug");
        assertEquals(List.of("shown_at_info", "request", "shown_at_warn", "unexpected_exception", "shown_at_debug"),
                lines.stream().map(line -> ((JsonObject) Json.parse(line)).string("event").orElseThrow()).toList());
        assertEquals(502, ((JsonObject) Json.parse(lines.get(1))).longValue("status").orElseThrow(), "a 5xx is a warning");
    }

    private static RequestSummary summary(int status) {
        return new RequestSummary(java.time.Instant.now(), "id", "trace", "span", "POST", "/v1/chat/completions", "r", status,
                1, 1, 0, "m", false, "b", 1, 0, 1, 2, -1, false, null, "127.0.0.1", "ok", null);
    }
}
