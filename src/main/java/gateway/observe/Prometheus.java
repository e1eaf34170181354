package gateway.observe;

/**
 * The Prometheus text exposition format, version 0.0.4: {@code # HELP} and {@code # TYPE}
 * lines, then samples such as {@code name{label="value"} 42}.
 */
final class Prometheus {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder out = new StringBuilder(4096);

    Prometheus family(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        return this;
    }

    Prometheus sample(String name, String labels, double value) {
        out.append(name);
        if (!labels.isEmpty()) {
            out.append('{').append(labels).append('}');
        }
        out.append(' ').append(number(value)).append('\n');
        return this;
    }

    StringBuilder builder() {
        return out;
    }

    @Override
    public String toString() {
        return out.toString();
    }

    /** A label pair, its value escaped as the format requires (backslash, quote, newline). */
    static String label(String name, String value) {
        String escaped = value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
        return name + "=\"" + escaped + "\"";
    }

    static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }
}
