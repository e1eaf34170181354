package gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The OpenTelemetry SDK's variables, as the gateway reads them. */
class TelemetrySettingsTest {
    static TelemetrySettings read(String... keyValues) {
        var values = new java.util.HashMap<String, String>();
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put(keyValues[i], keyValues[i + 1]);
        }
        return Settings.from(values).telemetry();
    }

    static String failure(String... keyValues) {
        return assertThrows(SettingsException.class, () -> read(keyValues)).getMessage();
    }

    @Test
    void withoutAnEndpointNothingIsExported() {
        var t = read();
        assertNull(t.tracesUrl());
        assertNull(t.metricsUrl());
        assertFalse(t.tracesOn());
        assertEquals("gateway", t.serviceName());
        assertEquals(TelemetrySettings.Sampler.PARENTBASED_ALWAYS_ON, t.sampler());
        assertFalse(t.captureContent());
    }

    @Test
    void theCommonEndpointGetsEachSignalsPathAndASignalsOwnIsUsedAsGiven() {
        var t = read("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318/");
        assertEquals(URI.create("http://127.0.0.1:4318/v1/traces"), t.tracesUrl());
        assertEquals(URI.create("http://127.0.0.1:4318/v1/metrics"), t.metricsUrl());
        t = read("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "https://tempo.example/otlp/traces");
        assertEquals(URI.create("https://tempo.example/otlp/traces"), t.tracesUrl());
        assertEquals(URI.create("http://127.0.0.1:4318/v1/metrics"), t.metricsUrl());
        t = read("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "http://127.0.0.1:9/m");
        assertNull(t.tracesUrl(), "only the signal given");
        assertEquals(URI.create("http://127.0.0.1:9/m"), t.metricsUrl());
    }

    @Test
    void anExporterOfNoneOrADisabledSdkExportsNothing() {
        var t = read("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318", "OTEL_TRACES_EXPORTER", "none");
        assertNull(t.tracesUrl());
        assertEquals(URI.create("http://127.0.0.1:4318/v1/metrics"), t.metricsUrl());
        t = read("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318", "OTEL_SDK_DISABLED", "true");
        assertNull(t.tracesUrl());
        assertNull(t.metricsUrl());
        assertTrue(failure("OTEL_METRICS_EXPORTER", "prometheus").contains("expected otlp or none"));
    }

    @Test
    void aProtocolOtherThanJsonIsAStartUpErrorNotASilentNoOp() {
        String message = failure("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc");
        assertTrue(message.startsWith("OTEL_EXPORTER_OTLP_PROTOCOL=grpc: only http/json is supported"), message);
        message = failure("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf");
        assertTrue(message.startsWith("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/protobuf"), message);
        read("OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "http/json");
    }

    @Test
    void headersAreParsedDecodedAndNeverShown() {
        var t = read("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318",
                "OTEL_EXPORTER_OTLP_HEADERS", "Authorization=Bearer%20s3cret, x-tenant=a",
                "OTEL_EXPORTER_OTLP_METRICS_HEADERS", "x-tenant=b");
        assertEquals(Map.of("Authorization", "Bearer s3cret", "x-tenant", "a"), t.tracesHeaders());
        assertEquals(Map.of("Authorization", "Bearer s3cret", "x-tenant", "b"), t.metricsHeaders(), "the signal's own wins");
        var shown = Settings.from(Map.of("OTEL_EXPORTER_OTLP_HEADERS", "Authorization=Bearer%20s3cret")).effective();
        assertEquals("<redacted> (Authorization)", shown.get("OTEL_EXPORTER_OTLP_TRACES_HEADERS"));
        assertFalse(shown.toString().contains("s3cret"));
        String message = failure("OTEL_EXPORTER_OTLP_HEADERS", "a=1,s3cret");
        assertEquals("OTEL_EXPORTER_OTLP_HEADERS: item 2 is not name=value", message);
        assertFalse(failure("OTEL_EXPORTER_OTLP_HEADERS", "a=%zz-s3cret").contains("s3cret"));
        message = failure("OTEL_EXPORTER_OTLP_METRICS_HEADERS", "Host=s3cret");
        assertTrue(message.startsWith("OTEL_EXPORTER_OTLP_METRICS_HEADERS: the header Host cannot be sent"), message);
        assertFalse(message.contains("s3cret"));
        assertFalse(failure("OTEL_EXPORTER_OTLP_HEADERS", "x-a=line%0Abreak-s3cret").contains("s3cret"), "nor a broken value");
    }

    @Test
    void resourceAttributesAndServiceName() {
        var t = read("OTEL_SERVICE_NAME", "edge-gw", "OTEL_RESOURCE_ATTRIBUTES", "deployment.environment.name=prod,team=ml%2Finfra");
        assertEquals("edge-gw", t.serviceName());
        assertEquals(Map.of("deployment.environment.name", "prod", "team", "ml/infra"), t.resource());
        assertEquals("from-resource", read("OTEL_RESOURCE_ATTRIBUTES", "service.name=from-resource").serviceName(),
                "without OTEL_SERVICE_NAME, the resource's service.name");
        assertEquals("edge-gw", read("OTEL_SERVICE_NAME", "edge-gw", "OTEL_RESOURCE_ATTRIBUTES", "service.name=x").serviceName());
    }

    @Test
    void samplersAndTheirArgument() {
        var t = read("OTEL_TRACES_SAMPLER", "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG", "0.25");
        assertEquals(TelemetrySettings.Sampler.PARENTBASED_TRACEIDRATIO, t.sampler());
        assertEquals(0.25, t.samplerRatio());
        assertEquals(1.0, read("OTEL_TRACES_SAMPLER", "traceidratio").samplerRatio(), "no argument: keep all");
        assertEquals(TelemetrySettings.Sampler.ALWAYS_OFF, read("OTEL_TRACES_SAMPLER", "ALWAYS_OFF").sampler());
        assertTrue(failure("OTEL_TRACES_SAMPLER", "sometimes").contains("expected always_on, always_off"));
        assertTrue(failure("OTEL_TRACES_SAMPLER", "traceidratio", "OTEL_TRACES_SAMPLER_ARG", "2").contains("probability 0..1"));
    }

    @Test
    void intervalsAndQueueBounds() {
        var t = read("OTEL_METRIC_EXPORT_INTERVAL", "1500", "OTEL_BSP_SCHEDULE_DELAY", "0", "OTEL_EXPORTER_OTLP_TIMEOUT", "250");
        assertEquals(1500, t.metricInterval().toMillis());
        assertEquals(0, t.scheduleDelay().toMillis());
        assertEquals(250, t.exportTimeout().toMillis());
        assertTrue(failure("OTEL_BSP_MAX_QUEUE_SIZE", "10", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "20").contains("at most OTEL_BSP_MAX_QUEUE_SIZE"));
        assertTrue(failure("OTEL_METRIC_EXPORT_INTERVAL", "5").contains("100..86400000"));
    }
}
