package gateway.observe;

import gateway.json.Json;
import gateway.json.JsonNumber;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The structured log: one JSON object per line, each with {@code time}, {@code level}
 * and {@code event} first, then the event's fields. Lines go to a sink (standard output
 * for the jar; a list in tests). Lines below the log's {@link Level} are dropped.
 */
public final class Log {
    /** How much a line matters, least first: a log at one level drops the lines of those before it. */
    public enum Level {
        /** Detail for finding a fault (the gateway writes no such line yet). */
        DEBUG,
        /** What happened: a request served, a start, a reload. */
        INFO,
        /** Something to look at: a request that ended in a 5xx, a backend down, a setting that needs a restart. */
        WARN,
        /** A bug in the gateway. */
        ERROR;

        /** As the line writes it: {@code info}. */
        private final String text = name().toLowerCase(Locale.ROOT);
    }

    private final Consumer<String> sink;
    /** Read for every line and changed by a reload (LOG_LEVEL): volatile, so the change is seen at once. */
    private volatile Level level = Level.INFO;

    /**
     * A log writing to {@code sink}.
     *
     * @param sink receives each line, without its line break, from many threads at once
     */
    public Log(Consumer<String> sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /**
     * From now on, drops the lines below {@code level}.
     *
     * @param level the least a line must matter to be written
     */
    public void level(Level level) {
        this.level = Objects.requireNonNull(level, "level");
    }

    /** {@return a log writing to standard output, one line per event, in UTF-8} */
    public static Log toStandardOutput() {
        return new Log(OutputLines.standardOutput());
    }

    /**
     * {@return a log writing to {@code file}, rotated when it grows too large}
     *
     * @param file     the file (LOG_FILE)
     * @param maxBytes its size at which it is rotated (LOG_MAX_BYTES)
     * @param maxFiles how many rotated files are kept (LOG_MAX_FILES)
     */
    public static Log toFile(Path file, long maxBytes, int maxFiles) {
        return new Log(new RotatingFile(file, maxBytes, maxFiles));
    }

    /**
     * Writes an {@code info} line.
     *
     * @param event  the event's name, in snake case
     * @param fields the fields, alternately a name and its value (a string, number, boolean or null)
     */
    public void info(String event, Object... fields) {
        write(Level.INFO, event, fields);
    }

    /**
     * Writes a {@code warn} line.
     *
     * @param event  the event's name, in snake case
     * @param fields the fields, alternately a name and its value (a string, number, boolean or null)
     */
    public void warn(String event, Object... fields) {
        write(Level.WARN, event, fields);
    }

    /**
     * Writes the one line of a finished request: {@code warn} for a 5xx, else {@code info}.
     *
     * @param s what is known of the request
     */
    public void request(RequestSummary s) {
        Level level = s.status() >= 500 ? Level.WARN : Level.INFO;
        if (dropped(level)) {
            return; // before the fields are gathered: a request line costs nothing when it is not written
        }
        write(level, "request",
                "request_id", s.requestId(),
                "trace_id", s.traceId(),
                "span_id", s.spanId(),
                "method", s.method(),
                "path", s.path(),
                "status", s.status(),
                "latency_ms", millis(s.latencyNanos()),
                "first_frame_ms", s.firstFrameNanos() < 0 ? null : millis(s.firstFrameNanos()),
                "overhead_ms", millis(Math.max(0, s.latencyNanos() - s.backendWaitNanos())),
                "model", s.model(),
                "stream", s.stream(),
                "backend", s.backend(),
                "attempts", s.attempts(),
                "queue_ms", millis(s.queueNanos()),
                "prompt_tokens", s.promptTokens() < 0 ? null : s.promptTokens(),
                "completion_tokens", s.completionTokens() < 0 ? null : s.completionTokens(),
                "total_tokens", s.promptTokens() < 0 || s.completionTokens() < 0 ? null : s.promptTokens() + s.completionTokens(),
                "cached_tokens", s.cachedTokens() < 0 ? null : s.cachedTokens(),
                "tokens_estimated", s.tokensEstimated(),
                "key", s.caller(),
                "client", s.client(),
                "outcome", s.outcome(),
                "error_code", s.errorCode());
    }

    /**
     * Writes an {@code error} line for a bug: the exception and its stack, tied to the request it broke.
     *
     * @param requestId the request's id
     * @param failure   the exception
     */
    public void unexpected(String requestId, Throwable failure) {
        var trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        write(Level.ERROR, "unexpected_exception", "request_id", requestId, "exception", trace.toString());
    }

    /** A duration in milliseconds, to the microsecond: written as {@code 1.234}, {@code 0.4} or {@code 0}. */
    private record Millis(long micros) {
        void appendTo(StringBuilder line) {
            // Integer arithmetic: formatting four doubles was a visible part of a request's CPU.
            line.append(micros / 1000);
            long fraction = micros % 1000;
            if (fraction != 0) {
                line.append('.').append((char) ('0' + fraction / 100));
                if (fraction % 100 != 0) {
                    line.append((char) ('0' + fraction / 10 % 10));
                    if (fraction % 10 != 0) {
                        line.append((char) ('0' + fraction % 10));
                    }
                }
            }
        }
    }

    private static Millis millis(long nanos) {
        return new Millis((nanos + 500) / 1_000);
    }

    /**
     * {@code fields} alternate names and values: strings, numbers, booleans or null. The
     * line is written straight as JSON text: one is made for every request, and building
     * a JSON object first (then copying and writing it) cost more than the file write.
     */
    private void write(Level level, String event, Object... fields) {
        if (dropped(level)) {
            return;
        }
        var line = new StringBuilder(640).append("{\"time\":\"");
        LogTime.append(line, Instant.now());
        line.append("\",\"level\":");
        Json.quoteInto(line, level.text);
        line.append(",\"event\":");
        Json.quoteInto(line, event);
        for (int i = 0; i + 1 < fields.length; i += 2) {
            line.append(',');
            Json.quoteInto(line, (String) fields[i]);
            line.append(':');
            appendValue(line, fields[i + 1]);
        }
        sink.accept(line.append('}').toString());
    }

    private boolean dropped(Level line) {
        return line.compareTo(level) < 0;
    }

    private static void appendValue(StringBuilder line, Object value) {
        switch (value) {
            case null -> line.append("null");
            case Integer i -> line.append(i);
            case Long l -> line.append(l);
            case Double d -> line.append(JsonNumber.of(d).text());
            case Millis m -> m.appendTo(line);
            case Boolean b -> line.append(b);
            default -> Json.quoteInto(line, value.toString());
        }
    }
}
