package gateway.observe;

/**
 * The Prometheus text exposition format, version 0.0.4: {@code # HELP} and {@code # TYPE}
 * lines, then samples such as {@code name{label="value"} 42}. The OpenTelemetry names are
 * spelled as the OpenTelemetry-to-Prometheus compatibility spec does: dots become
 * underscores, the unit {@code s} adds {@code _seconds} (a curly-brace unit adds nothing),
 * and a counter ends in {@code _total}; so {@code gen_ai.server.request.duration} in
 * {@code s} is served as {@code gen_ai_server_request_duration_seconds}.
 */
final class Prometheus implements MetricWriter {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder out = new StringBuilder(8192);
    private String name = "";

    @Override
    public void family(String otelName, Kind kind, String unit, String help) {
        name = name(otelName, kind, unit);
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(kind.name().toLowerCase(java.util.Locale.ROOT)).append('\n');
    }

    @Override
    public void sample(long value, String... attributes) {
        line(name, labels(attributes), Long.toString(value));
    }

    @Override
    public void sample(double value, String... attributes) {
        line(name, labels(attributes), number(value));
    }

    /** Cumulative {@code _bucket} lines up to {@code le="+Inf"}, then {@code _sum} and {@code _count}. */
    @Override
    public void histogram(Histogram histogram, String... attributes) {
        Histogram.Snapshot s = histogram.snapshot();
        String labels = labels(attributes);
        String before = labels.isEmpty() ? "" : labels + ",";
        long cumulative = 0;
        for (int i = 0; i < s.counts().length; i++) {
            cumulative += s.counts()[i];
            String le = i < s.bounds().length ? number(s.bounds()[i]) : "+Inf";
            line(name + "_bucket", before + label("le", le), Long.toString(cumulative));
        }
        line(name + "_sum", labels, number(s.sum()));
        line(name + "_count", labels, Long.toString(s.count()));
    }

    private void line(String series, String labels, String value) {
        out.append(series);
        if (!labels.isEmpty()) {
            out.append('{').append(labels).append('}');
        }
        out.append(' ').append(value).append('\n');
    }

    @Override
    public String toString() {
        return out.toString();
    }

    /** The Prometheus name of an OpenTelemetry metric, by the compatibility spec's rules. */
    static String name(String otelName, Kind kind, String unit) {
        String name = otelName.replace('.', '_');
        if (kind == Kind.COUNTER && name.endsWith("_total")) {
            name = name.substring(0, name.length() - "_total".length()); // added back after the unit
        }
        String suffix = switch (unit) {
            case "s" -> "_seconds";
            case "" -> "";
            default -> {
                if (unit.startsWith("{") && unit.endsWith("}")) {
                    yield ""; // an annotation, such as {token}: a count, which has no unit to name
                }
                throw new IllegalArgumentException("no Prometheus suffix for the unit " + unit + " of " + otelName);
            }
        };
        if (!name.endsWith(suffix)) {
            name += suffix;
        }
        return kind == Kind.COUNTER ? name + "_total" : name;
    }

    /** Key, value pairs as labels: keys with underscores for dots, values escaped. */
    private static String labels(String... attributes) {
        if (attributes.length % 2 != 0) {
            throw new IllegalArgumentException("attributes come in key, value pairs: " + String.join(", ", attributes));
        }
        var labels = new StringBuilder();
        for (int i = 0; i + 1 < attributes.length; i += 2) {
            if (i > 0) {
                labels.append(',');
            }
            labels.append(label(attributes[i].replace('.', '_'), attributes[i + 1]));
        }
        return labels.toString();
    }

    /** A label pair, its value escaped as the format requires (backslash, quote, newline). */
    private static String label(String name, String value) {
        String escaped = value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
        return name + "=\"" + escaped + "\"";
    }

    private static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }
}
