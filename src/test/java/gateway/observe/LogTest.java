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
}
