package gateway.telemetry;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long the exporter waits before it tries a failed export again: what the collector
 * asked for in {@code Retry-After}, else an exponential backoff with jitter, as the OTLP
 * specification advises for its retryable responses.
 */
final class Backoff {
    /** Tries per export, the first included: with the delays below, about 15 s of trying in all. */
    static final int MAX_ATTEMPTS = 5;
    /** The wait after the first failure; it doubles after each further one. */
    static final Duration FIRST_DELAY = Duration.ofSeconds(1);
    /** The longest backoff: the queue fills while the exporter waits, so it must not wait long. */
    static final Duration MAX_DELAY = Duration.ofSeconds(30);
    /** The most of a collector's {@code Retry-After} that is honoured; more would stall every export behind it. */
    static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(60);

    private Backoff() {
    }

    /**
     * The wait after the {@code failures}-th failed try of one export.
     *
     * @param retryAfter the response's {@code Retry-After} header, or {@code null}
     * @param now        the time {@code Retry-After}'s date is measured from
     */
    static Duration delay(int failures, String retryAfter, Instant now) {
        return retryAfter(retryAfter, now).orElseGet(() -> exponential(failures));
    }

    /**
     * 1 s, 2 s, 4 s ... up to {@link #MAX_DELAY}, each shortened at random by up to half
     * ("equal jitter"), so that many gateways behind one collector do not retry in step.
     */
    static Duration exponential(int failures) {
        int doublings = Math.min(Math.max(failures, 1) - 1, 30);
        long millis = Math.min(FIRST_DELAY.toMillis() << doublings, MAX_DELAY.toMillis());
        return Duration.ofMillis(millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1));
    }

    /**
     * {@code Retry-After} (RFC 9110 section 10.2.3): delay-seconds or an HTTP-date, capped at
     * {@link #MAX_RETRY_AFTER}; a date in the past means at once. Empty when the header is
     * absent or unreadable, so the exponential backoff applies.
     */
    static Optional<Duration> retryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String text = value.strip();
        if (text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            // More digits than a long holds is still "a long time": the cap applies.
            return Optional.of(text.length() > 9 ? MAX_RETRY_AFTER : capped(Duration.ofSeconds(Long.parseLong(text))));
        }
        try {
            Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(now, at);
            return Optional.of(wait.isNegative() ? Duration.ZERO : capped(wait));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Duration capped(Duration wait) {
        return wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait;
    }
}
