package gateway.config;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SequencedMap;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * OpenTelemetry: where traces and metrics are exported, and which requests are traced. The
 * keys are the OpenTelemetry SDK's own environment variables, so an operator's existing
 * set-up just works. Without an endpoint nothing is exported.
 *
 * @param disabled       {@code OTEL_SDK_DISABLED}: nothing is exported
 * @param tracesUrl      where spans are posted (OTLP/HTTP, JSON), or {@code null} for nowhere
 * @param metricsUrl     where metrics are posted, or {@code null} for nowhere
 * @param tracesHeaders  sent with every traces export, such as an auth header; secrets, never logged
 * @param metricsHeaders sent with every metrics export
 * @param exportTimeout  how long one export may take
 * @param serviceName    the {@code service.name} resource attribute: OTEL_SERVICE_NAME, else the one in
 *                       OTEL_RESOURCE_ATTRIBUTES, else {@code gateway}
 * @param resource       further resource attributes, from {@code OTEL_RESOURCE_ATTRIBUTES}
 * @param sampler        which new traces are recorded
 * @param samplerRatio   the fraction of traces a {@code traceidratio} sampler keeps
 * @param metricInterval how often metrics are pushed
 * @param scheduleDelay  how long a span may wait to be sent with others
 * @param queueSize      spans waiting to be sent at most; more are dropped and counted
 * @param batchSize      spans per export at most
 * @param captureContent whether spans carry prompt and completion text (off unless asked for)
 */
public record TelemetrySettings(boolean disabled, URI tracesUrl, URI metricsUrl, Map<String, String> tracesHeaders,
        Map<String, String> metricsHeaders, Duration exportTimeout, String serviceName, Map<String, String> resource,
        Sampler sampler, double samplerRatio, Duration metricInterval, Duration scheduleDelay, int queueSize,
        int batchSize, boolean captureContent) {

    /** OTEL_TRACES_SAMPLER's values. */
    public enum Sampler {
        /** Every trace. */
        ALWAYS_ON,
        /** No trace. */
        ALWAYS_OFF,
        /** A share of traces, chosen by trace id (OTEL_TRACES_SAMPLER_ARG). */
        TRACEIDRATIO,
        /** As the caller's {@code traceparent} says; every trace that starts here. */
        PARENTBASED_ALWAYS_ON,
        /** As the caller's {@code traceparent} says; no trace that starts here. */
        PARENTBASED_ALWAYS_OFF,
        /** As the caller's {@code traceparent} says; a share of those that start here. */
        PARENTBASED_TRACEIDRATIO;

        String spelling() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The one OTLP encoding the gateway speaks: JSON over HTTP, built with its own codec. */
    static final String PROTOCOL = "http/json";

    static final String DEFAULT_SERVICE_NAME = "gateway";

    static void defaults(SequencedMap<String, String> defaults) {
        defaults.put("OTEL_SDK_DISABLED", "false");
        defaults.put("OTEL_SERVICE_NAME", "");
        defaults.put("OTEL_RESOURCE_ATTRIBUTES", "");
        defaults.put("OTEL_EXPORTER_OTLP_ENDPOINT", "");
        defaults.put("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "");
        defaults.put("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "");
        defaults.put("OTEL_EXPORTER_OTLP_HEADERS", "");
        defaults.put("OTEL_EXPORTER_OTLP_TRACES_HEADERS", "");
        defaults.put("OTEL_EXPORTER_OTLP_METRICS_HEADERS", "");
        defaults.put("OTEL_EXPORTER_OTLP_PROTOCOL", PROTOCOL);
        defaults.put("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "");
        defaults.put("OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "");
        defaults.put("OTEL_EXPORTER_OTLP_TIMEOUT", "10000");
        defaults.put("OTEL_TRACES_EXPORTER", "otlp");
        defaults.put("OTEL_METRICS_EXPORTER", "otlp");
        defaults.put("OTEL_TRACES_SAMPLER", "parentbased_always_on");
        defaults.put("OTEL_TRACES_SAMPLER_ARG", "");
        defaults.put("OTEL_METRIC_EXPORT_INTERVAL", "60000");
        defaults.put("OTEL_BSP_SCHEDULE_DELAY", "5000");
        defaults.put("OTEL_BSP_MAX_QUEUE_SIZE", "2048");
        defaults.put("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "512");
        defaults.put("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "false");
    }

    static TelemetrySettings read(SettingValues v) {
        boolean disabled = v.flag("OTEL_SDK_DISABLED");
        URI base = v.url("OTEL_EXPORTER_OTLP_ENDPOINT", false);
        Map<String, String> headers = headers(v, "OTEL_EXPORTER_OTLP_HEADERS");
        Sampler sampler = sampler(v);
        int queueSize = v.integer("OTEL_BSP_MAX_QUEUE_SIZE", 1, 1_000_000);
        int batchSize = v.integer("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", 1, 1_000_000);
        if (batchSize > queueSize) {
            throw v.invalid("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "expected at most OTEL_BSP_MAX_QUEUE_SIZE (" + queueSize + ")");
        }
        Map<String, String> resource = pairs(v, "OTEL_RESOURCE_ATTRIBUTES");
        // As the specification orders it: OTEL_SERVICE_NAME, else the resource's service.name, else the gateway's own.
        String serviceName = v.isSet("OTEL_SERVICE_NAME") ? v.raw("OTEL_SERVICE_NAME").strip()
                : resource.getOrDefault("service.name", DEFAULT_SERVICE_NAME);
        return new TelemetrySettings(disabled,
                disabled ? null : endpoint(v, "TRACES", base, "/v1/traces"),
                disabled ? null : endpoint(v, "METRICS", base, "/v1/metrics"),
                signalHeaders(v, "TRACES", headers), signalHeaders(v, "METRICS", headers),
                Duration.ofMillis(v.integer("OTEL_EXPORTER_OTLP_TIMEOUT", 1, 600_000)), serviceName,
                resource, sampler, ratio(v, sampler),
                Duration.ofMillis(v.integer("OTEL_METRIC_EXPORT_INTERVAL", 100, 86_400_000)),
                Duration.ofMillis(v.integer("OTEL_BSP_SCHEDULE_DELAY", 0, 3_600_000)), queueSize, batchSize,
                v.flag("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"));
    }

    /**
     * A signal's URL: its own variable as given, else the common base with the signal's path,
     * as the OpenTelemetry specification has it; {@code null} when the signal's exporter is
     * {@code none} or no endpoint is set. A protocol other than JSON is an error, not a silent no-op.
     */
    private static URI endpoint(SettingValues v, String signal, URI base, String path) {
        String protocolKey = v.isSet("OTEL_EXPORTER_OTLP_" + signal + "_PROTOCOL")
                ? "OTEL_EXPORTER_OTLP_" + signal + "_PROTOCOL" : "OTEL_EXPORTER_OTLP_PROTOCOL";
        if (!v.raw(protocolKey).strip().equals(PROTOCOL)) {
            throw v.invalid(protocolKey, "only " + PROTOCOL + " is supported (OTLP over HTTP with JSON bodies; "
                    + "grpc and http/protobuf are not)");
        }
        String exporterKey = "OTEL_" + signal + "_EXPORTER";
        String exporter = v.raw(exporterKey).strip().toLowerCase(Locale.ROOT);
        if (!exporter.equals("otlp") && !exporter.equals("none")) {
            throw v.invalid(exporterKey, "expected otlp or none");
        }
        URI own = v.url("OTEL_EXPORTER_OTLP_" + signal + "_ENDPOINT", false);
        if (exporter.equals("none")) {
            return null;
        }
        return own != null ? own : base == null ? null : URI.create(base + path);
    }

    private static Map<String, String> signalHeaders(SettingValues v, String signal, Map<String, String> common) {
        var headers = new LinkedHashMap<>(common);
        headers.putAll(headers(v, "OTEL_EXPORTER_OTLP_" + signal + "_HEADERS"));
        return Map.copyOf(headers);
    }

    /**
     * Export headers, each one the JDK's HttpClient will send: it refuses those it sets itself
     * (Host, Content-Length, Connection, …), so such a header is a settings error here, at start
     * and in --print-config, naming the header and never its value.
     */
    private static Map<String, String> headers(SettingValues v, String key) {
        Map<String, String> headers = pairs(v, key);
        headers.forEach((name, value) -> {
            try {
                HttpRequest.newBuilder().setHeader(name, value);
            } catch (IllegalArgumentException e) {
                throw new SettingsException(key + ": the header " + name + " cannot be sent (the HTTP client sets it itself,"
                        + " or its value holds a character a header may not)");
            }
        });
        return headers;
    }

    private static Sampler sampler(SettingValues v) {
        String value = v.raw("OTEL_TRACES_SAMPLER").strip();
        for (Sampler sampler : Sampler.values()) {
            if (sampler.spelling().equalsIgnoreCase(value)) {
                return sampler;
            }
        }
        throw v.invalid("OTEL_TRACES_SAMPLER", "expected always_on, always_off, traceidratio, parentbased_always_on, "
                + "parentbased_always_off or parentbased_traceidratio");
    }

    private static double ratio(SettingValues v, Sampler sampler) {
        boolean usesRatio = sampler == Sampler.TRACEIDRATIO || sampler == Sampler.PARENTBASED_TRACEIDRATIO;
        if (!usesRatio || !v.isSet("OTEL_TRACES_SAMPLER_ARG")) {
            return 1.0;
        }
        try {
            double ratio = Double.parseDouble(v.raw("OTEL_TRACES_SAMPLER_ARG").strip());
            if (ratio >= 0 && ratio <= 1) {
                return ratio;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw v.invalid("OTEL_TRACES_SAMPLER_ARG", "expected a probability 0..1 for " + sampler.spelling());
    }

    /**
     * {@code key1=value1,key2=value2}, values percent-decoded (the W3C Baggage syntax the
     * specification uses). A fault is reported by position, never by value: headers hold secrets.
     */
    private static Map<String, String> pairs(SettingValues v, String key) {
        var pairs = new LinkedHashMap<String, String>();
        String[] items = v.raw(key).split(",");
        for (int i = 0; i < items.length; i++) {
            if (items[i].isBlank()) {
                continue;
            }
            int equals = items[i].indexOf('=');
            String name = equals < 0 ? "" : items[i].substring(0, equals).strip();
            if (name.isEmpty() || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '"')) {
                throw new SettingsException(key + ": item " + (i + 1) + " is not name=value");
            }
            try {
                pairs.put(name, URLDecoder.decode(items[i].substring(equals + 1).strip(), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new SettingsException(key + ": item " + (i + 1) + " has a bad %-escape");
            }
        }
        return Map.copyOf(pairs);
    }

    /** {@return true when there is somewhere to send spans: only then are requests traced beyond their ids} */
    public boolean tracesOn() {
        return tracesUrl != null;
    }

    /**
     * What {@code --print-config} shows: each signal's endpoint and exporter as resolved from
     * the common ones, header values redacted (only their names are shown).
     */
    void effective(SequencedMap<String, String> values, UnaryOperator<String> secret) {
        values.put("OTEL_SDK_DISABLED", Boolean.toString(disabled));
        values.put("OTEL_SERVICE_NAME", serviceName);
        values.put("OTEL_RESOURCE_ATTRIBUTES", String.join(",", resource.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).sorted().toList()));
        values.put("OTEL_EXPORTER_OTLP_ENDPOINT", "");
        values.put("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", tracesUrl == null ? "" : tracesUrl.toString());
        values.put("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", metricsUrl == null ? "" : metricsUrl.toString());
        values.put("OTEL_EXPORTER_OTLP_HEADERS", "");
        values.put("OTEL_EXPORTER_OTLP_TRACES_HEADERS", shown(tracesHeaders, secret));
        values.put("OTEL_EXPORTER_OTLP_METRICS_HEADERS", shown(metricsHeaders, secret));
        values.put("OTEL_EXPORTER_OTLP_PROTOCOL", PROTOCOL);
        values.put("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", PROTOCOL);
        values.put("OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", PROTOCOL);
        values.put("OTEL_EXPORTER_OTLP_TIMEOUT", Long.toString(exportTimeout.toMillis()));
        values.put("OTEL_TRACES_EXPORTER", tracesUrl == null ? "none" : "otlp");
        values.put("OTEL_METRICS_EXPORTER", metricsUrl == null ? "none" : "otlp");
        values.put("OTEL_TRACES_SAMPLER", sampler.spelling());
        values.put("OTEL_TRACES_SAMPLER_ARG", Double.toString(samplerRatio));
        values.put("OTEL_METRIC_EXPORT_INTERVAL", Long.toString(metricInterval.toMillis()));
        values.put("OTEL_BSP_SCHEDULE_DELAY", Long.toString(scheduleDelay.toMillis()));
        values.put("OTEL_BSP_MAX_QUEUE_SIZE", Integer.toString(queueSize));
        values.put("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", Integer.toString(batchSize));
        values.put("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", Boolean.toString(captureContent));
    }

    /** The headers' names; their values, which may be credentials, only as {@code secret} writes them. */
    private static String shown(Map<String, String> headers, UnaryOperator<String> secret) {
        return headers.isEmpty() ? "" : secret.apply(new TreeMap<>(headers).toString())
                + " (" + String.join(", ", headers.keySet().stream().sorted().toList()) + ")";
    }
}
