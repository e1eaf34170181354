package gateway.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

    private static String golden() throws IOException {
        try (InputStream in = PrometheusTextTest.class.getResourceAsStream("metrics.prom")) {
            return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
