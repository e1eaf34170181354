package gateway.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import gateway.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MetricsTest {

    static RequestSummary summary(int status, long latencyMillis, String outcome, String errorCode) {
        return new RequestSummary(Instant.now(), "id", "POST", "/v1/chat/completions", "POST /v1/chat/completions",
                status, latencyMillis * 1_000_000, -1, "m", false, "echo", 10, 20, false, null, "127.0.0.1", outcome, errorCode);
    }

    @Test
    void countsRequestsByRouteAndStatusOutcomesTokensAndBackendErrors() {
        var metrics = new Metrics();
        metrics.record(summary(200, 5, "ok", null));
        metrics.record(summary(200, 7, "ok", null));
        metrics.record(summary(502, 1, "backend_error", "backend_unavailable"));
        JsonObject json = metrics.toJson();
        assertEquals(3, json.longValue("requests_total").orElseThrow());
        assertEquals("{\"POST /v1/chat/completions\":{\"200\":2,\"502\":1}}", json.get("requests").toJson());
        assertEquals("{\"backend_error\":1,\"ok\":2}", json.get("outcomes").toJson());
        assertEquals("{\"backend_unavailable\":1}", json.get("backend_errors").toJson());
        assertEquals("{\"prompt\":30,\"completion\":60}", json.get("tokens").toJson());
        assertEquals(3, json.object("latency").orElseThrow().longValue("count").orElseThrow());
    }

    @Test
    void requestsInFlightAreCountedLive() {
        var metrics = new Metrics();
        metrics.requestStarted();
        metrics.requestStarted();
        metrics.requestEnded();
        assertEquals(1, metrics.toJson().longValue("requests_in_flight").orElseThrow());
    }

    @Test
    void histogramPercentilesAreWithinTheirBucket() {
        var histogram = new Histogram();
        for (int i = 1; i <= 100; i++) {
            histogram.record(i * 1_000_000L); // 1 ms .. 100 ms
        }
        double p50 = histogram.percentile(0.5);
        double p99 = histogram.percentile(0.99);
        assertEquals(true, p50 > 0.02 && p50 <= 0.05, "p50 " + p50 + " lies in the 20..50 ms bucket");
        assertEquals(true, p99 > 0.05 && p99 <= 0.1, "p99 " + p99 + " lies in the 50..100 ms bucket");
        assertEquals(0.1, histogram.percentile(1.0), 1e-9, "never above the maximum");
        assertEquals(0, new Histogram().percentile(0.5));
    }
}
