package gateway.observe;

import static gateway.observe.MetricWriter.Kind.COUNTER;
import static gateway.observe.MetricWriter.Kind.GAUGE;
import static gateway.observe.MetricWriter.Kind.HISTOGRAM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The whole text exposition for {@link MetricsFixture}, pinned: a change to any name, label,
 * HELP text, order or value shows up here. On a mismatch the text served is written to
 * {@code target/metrics.prom}, so a deliberate change is reviewed with {@code diff} and copied
 * over {@code src/test/resources/gateway/observe/metrics.prom}.
 */
class PrometheusTextTest {

    @Test
    void theFullTextIsTheGolden() throws IOException {
        String served = MetricsFixture.recorded().toPrometheus()
                .replaceAll("(?m)^gateway_uptime_seconds \\d+$", "gateway_uptime_seconds 0"); // the one figure that moves
        String golden = golden();
        if (!served.equals(golden)) {
            Files.writeString(Path.of("target", "metrics.prom"), served);
        }
        assertEquals(golden, served);
    }

    @Test
    void openTelemetryNamesAreSpelledAsTheCompatibilitySpecSays() {
        assertEquals("gen_ai_server_request_duration_seconds", Prometheus.name("gen_ai.server.request.duration", HISTOGRAM, "s"));
        assertEquals("gen_ai_client_token_usage", Prometheus.name("gen_ai.client.token.usage", HISTOGRAM, "{token}"));
        assertEquals("gateway_requests_total", Prometheus.name("gateway.requests", COUNTER, "{request}"));
        assertEquals("gateway_queue_depth", Prometheus.name("gateway.queue.depth", GAUGE, "{request}"));
        assertEquals("gateway_uptime_seconds", Prometheus.name("gateway.uptime", GAUGE, "s"));
        assertEquals("busy_seconds_total", Prometheus.name("busy", COUNTER, "s"), "the unit, then _total");
        assertEquals("busy_seconds_total", Prometheus.name("busy.seconds.total", COUNTER, "s"), "neither suffix twice");
        assertEquals("no Prometheus suffix for the unit By of sent", assertThrows(IllegalArgumentException.class,
                () -> Prometheus.name("sent", COUNTER, "By")).getMessage());
    }

    private static String golden() throws IOException {
        try (InputStream in = PrometheusTextTest.class.getResourceAsStream("metrics.prom")) {
            return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
