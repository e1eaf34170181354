package gateway.observe;

import java.time.Instant;

/**
 * A log line's time, written as {@link Instant#toString} writes it
 * ({@code 2026-11-29T22:41:28.987678340Z}, the fraction in 3, 6 or 9 digits as needed),
 * with the date and time of day formatted once a second instead of on every line: the
 * general formatter was about a sixth of the cost of a request's log line.
 */
final class LogTime {
    /** A second and its text without the {@code Z}; replaced whole, so a reader sees one or the other. */
    private record Second(long epochSecond, String text) {}

    private static volatile Second last = new Second(0, "1970-01-01T00:00:00");

    private LogTime() {}

    static void append(StringBuilder line, Instant time) {
        Second second = last;
        if (second.epochSecond() != time.getEpochSecond()) {
            String whole = Instant.ofEpochSecond(time.getEpochSecond()).toString();
            second = new Second(time.getEpochSecond(), whole.substring(0, whole.length() - 1));
            last = second;
        }
        line.append(second.text());
        int nanos = time.getNano();
        if (nanos == 0) {
            // whole seconds have no fraction
        } else if (nanos % 1_000_000 == 0) {
            appendFraction(line, nanos / 1_000_000, 100);
        } else if (nanos % 1_000 == 0) {
            appendFraction(line, nanos / 1_000, 100_000);
        } else {
            appendFraction(line, nanos, 100_000_000);
        }
        line.append('Z');
    }

    /** A dot, then {@code value}'s digits from {@code firstUnit}'s down, leading zeros included. */
    private static void appendFraction(StringBuilder line, int value, int firstUnit) {
        line.append('.');
        for (int unit = firstUnit; unit > 0; unit /= 10) {
            line.append((char) ('0' + value / unit % 10));
        }
    }
}
