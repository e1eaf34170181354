package gateway.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MetricsTest {

    /** A finished request of model "m" that spent 40% of its time waiting on the backend. */
    static RequestSummary summary(int status, long latencyMillis, String outcome, String errorCode) {
        return new RequestSummary(Instant.now(), "id", "trace", "span", "POST", "/v1/chat/completions", "POST /v1/chat/completions",
                status, latencyMillis * 1_000_000, -1, latencyMillis * 400_000, "m", false, "echo", 1, 0, 10, 20, 4, false, null, "127.0.0.1", outcome, errorCode);
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
        var histogram = new Histogram(Histogram.SECONDS);
        for (int i = 1; i <= 100; i++) {
            histogram.record(i / 1000.0); // 1 ms .. 100 ms
        }
        double p50 = histogram.percentile(0.5);
        double p99 = histogram.percentile(0.99);
        assertEquals(true, p50 > 0.02 && p50 <= 0.05, "p50 " + p50 + " lies in the 20..50 ms bucket");
        assertEquals(true, p99 > 0.05 && p99 <= 0.1, "p99 " + p99 + " lies in the 50..100 ms bucket");
        assertEquals(0.1, histogram.percentile(1.0), 1e-9, "never above the maximum");
        assertEquals(0, new Histogram(Histogram.SECONDS).percentile(0.5));
    }

    @Test
    void prometheusTextFormat() {
        var metrics = new Metrics();
        metrics.record(summary(200, 5, "ok", null));
        metrics.record(summary(200, 700, "ok", null));
        metrics.record(summary(429, 1, "rate_limited", "rate_limit_exceeded"));
        metrics.streamOpened();
        String text = metrics.toPrometheus();
        assertTrue(text.contains("""
                # HELP gateway_requests_total Requests that have ended, by route, status and model.
                # TYPE gateway_requests_total counter
                gateway_requests_total{route="POST /v1/chat/completions",status="200",model="m"} 2
                gateway_requests_total{route="POST /v1/chat/completions",status="429",model="m"} 1
                """), text);
        assertTrue(text.contains("gateway_streams_in_flight 1\n"));
        assertTrue(text.contains("gateway_rate_limited_total 1\n"));
        assertTrue(text.contains("# TYPE gen_ai_server_request_duration_seconds histogram\n"));
        assertTrue(text.contains("gen_ai_server_request_duration_seconds_bucket{le=\"0.01\"} 2\n"), "cumulative");
        assertTrue(text.contains("gen_ai_server_request_duration_seconds_bucket{le=\"1.28\"} 3\n"));
        assertTrue(text.contains("gen_ai_server_request_duration_seconds_bucket{le=\"+Inf\"} 3\n"));
        assertTrue(text.contains("gen_ai_server_request_duration_seconds_count 3\n"));
        assertTrue(text.contains("gen_ai_client_token_usage_bucket{gen_ai_token_type=\"input\",le=\"16\"} 3\n"));
        assertTrue(text.contains("gen_ai_client_token_usage_sum{gen_ai_token_type=\"output\"} 60\n"));
        assertTrue(text.contains("gateway_overhead_seconds_sum 0.4236\n"), "60% of 706 ms");
        for (String line : text.split("\n")) {
            assertTrue(line.startsWith("# ") || line.matches("[a-z_]+(\\{.*\\})? -?[0-9.E+-]+"), line);
        }
    }

    @Test
    void timePerOutputTokenIsTheTimeAfterTheFirstSharedByTheOthers() {
        var metrics = new Metrics();
        metrics.record(MetricsFixture.chat(200, 600, 100, 590, "m", true, "b1", 10, 11, -1, false, "ok", null));
        JsonObject tpot = metrics.toJson().object("time_per_output_token").orElseThrow();
        assertEquals(1, tpot.longValue("count").orElseThrow());
        assertEquals("50", tpot.get("max_ms").toJson(), "(600 - 100) ms / (11 - 1)");
        assertTrue(metrics.toPrometheus().contains("gen_ai_server_time_per_output_token_seconds_bucket{le=\"0.05\"} 1\n"));
    }

    @Test
    void timePerOutputTokenOnlyForAStreamThatSucceededWithMoreThanOneToken() {
        var metrics = new Metrics();
        metrics.record(MetricsFixture.chat(200, 600, -1, 590, "m", false, "b1", 10, 11, -1, false, "ok", null)); // not streamed
        metrics.record(MetricsFixture.chat(502, 600, 100, 590, "m", true, "b1", 10, 11, -1, false, "backend_error", "backend_error"));
        metrics.record(MetricsFixture.chat(200, 600, 100, 590, "m", true, "b1", 10, 1, -1, false, "ok", null)); // one token
        metrics.record(MetricsFixture.chat(200, 600, 100, 590, "m", true, "b1", 10, -1, -1, false, "ok", null)); // unknown
        // Status 200 once the stream opened, but not a successful response: the client left, or the backend broke mid-stream.
        metrics.record(MetricsFixture.chat(200, 600, 100, 590, "m", true, "b1", 10, 11, -1, true, "client_cancelled", null));
        metrics.record(MetricsFixture.chat(200, 600, 100, 590, "m", true, "b1", 10, 11, -1, false, "backend_error", "backend_error"));
        assertEquals(0, metrics.toJson().object("time_per_output_token").orElseThrow().longValue("count").orElseThrow());
        assertEquals(5, metrics.toJson().object("time_to_first_frame").orElseThrow().longValue("count").orElseThrow());
    }

    @Test
    void theBackendAttemptIsTheGenAiClientOperation() {
        String text = MetricsFixture.recorded().toPrometheus();
        assertTrue(text.contains("# TYPE gen_ai_client_operation_duration_seconds histogram\n"), text);
        assertTrue(text.contains("gen_ai_client_operation_duration_seconds_count{backend=\"b1\"} 3\n"), text);
        assertTrue(!text.contains("gateway_backend_attempt_duration"), "the old name is gone");
    }

    @Test
    void theOtlpExportersCountersAreShownForBothSignals() {
        Metrics metrics = MetricsFixture.recorded();
        assertEquals("{\"traces\":{\"exported\":12,\"dropped\":0,\"export_failures\":1},"
                + "\"metrics\":{\"exported\":0,\"dropped\":3,\"export_failures\":0}}", metrics.toJson().get("otlp").toJson());
        String text = new Metrics().toPrometheus();
        for (String signal : new String[] {"traces", "metrics"}) {
            for (String name : new String[] {"exported", "dropped", "export_failures"}) {
                assertTrue(text.contains("gateway_otlp_" + name + "_total{signal=\"" + signal + "\"} 0\n"), name + " " + signal);
            }
        }
    }

    @Test
    void modelLabelsAreBounded() {
        var metrics = new Metrics();
        for (int i = 0; i < RequestCounts.MAX_MODELS + 50; i++) {
            metrics.record(new RequestSummary(Instant.now(), "id", "trace", "span", "POST", "/v1/chat/completions", "POST /v1/chat/completions",
                    200, 1, -1, 0, "model-" + i, false, "echo", 1, 0, 1, 1, -1, false, null, "127.0.0.1", "ok", null));
        }
        JsonObject byModel = metrics.toJson().object("requests_by_model").orElseThrow();
        assertEquals(RequestCounts.MAX_MODELS + 1, byModel.members().size());
        assertEquals(50, byModel.longValue("other").orElseThrow());
    }
}
