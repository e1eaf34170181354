package gateway.route;

import gateway.http.ApiError;
import gateway.observe.Log;
import gateway.observe.RoutingMetrics;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * What the end of an attempt does to its backend: a success ends its run of failures; a
 * failure that is the backend's (no answer, a 5xx, a reply that is not one) counts towards
 * its ejection and drops the session's binding to it; a 429 or 503 with {@code Retry-After}
 * rests it. Each attempt is counted in the metrics, and an ejection is logged.
 */
final class Outcomes {
    private final List<Backend> backends;
    private final Sessions sessions;
    private final RoutingMetrics metrics;
    private final Log log;

    Outcomes(List<Backend> backends, Sessions sessions, RoutingMetrics metrics, Log log) {
        this.backends = backends;
        this.sessions = sessions;
        this.metrics = metrics;
        this.log = log;
    }

    /**
     * True when another backend may well succeed where this one failed: no answer (refused,
     * reset, timed out), a 502, 503 or 504, or a 429. Any other 4xx would be refused anywhere.
     */
    static boolean retryable(ApiError error) {
        int status = error.backendStatus();
        return error.status() == 429 || "backend_unavailable".equals(error.code()) || "gateway_timeout".equals(error.code())
                || status == 502 || status == 503 || status == 504;
    }

    void succeeded(Backend backend, long nanos) {
        backend.health().succeeded();
        metrics.attempt(backend.name(), "ok", nanos);
    }

    void cancelled(Backend backend, long nanos) {
        metrics.attempt(backend.name(), "client_cancelled", nanos);
    }

    void failed(Backend backend, ApiError error, long nanos, String session) {
        metrics.attempt(backend.name(), "error", nanos);
        int status = error.status() == 429 ? 429 : error.backendStatus();
        if (status == 429 || status == 503) {
            retryAfter(error).ifPresent(wait -> backend.health().coolDown(status, wait));
        }
        boolean backendsFault = error.type().equals("api_error") && error.status() >= 502;
        if (backendsFault) {
            sessions.unbind(session, backend);
            if (backend.health().failed(error.getMessage(), () -> othersServe(backend))) {
                long seconds = Duration.ofNanos(backend.health().state().ejectedUntil() - System.nanoTime()).toSeconds();
                log.warn("backend_ejected", "backend", backend.name(), "seconds", seconds, "reason", error.getMessage());
            }
        }
    }

    /**
     * False when ejecting {@code backend} would leave one of its models with no backend
     * taking requests (a fallback counts): the last is never ejected (fail open).
     */
    private boolean othersServe(Backend backend) {
        List<Backend> others = backends.stream()
                .filter(b -> b != backend && b.weight() > 0 && b.health().available())
                .toList();
        if (backend.settings().anyModel() || backend.knownModels().isEmpty()) {
            return others.stream().anyMatch(b -> b.settings().anyModel() || b.knownModels().isEmpty());
        }
        return backend.knownModels().stream().allMatch(model -> others.stream().anyMatch(b -> b.serves(model)));
    }

    /** The wait a backend asked for: {@code retry-after-ms}, else {@code Retry-After} in seconds or as a date. */
    static Optional<Duration> retryAfter(ApiError error) {
        String millis = error.headers().get("retry-after-ms");
        String after = error.headers().get("Retry-After");
        try {
            if (millis != null) {
                return Optional.of(Duration.ofMillis((long) Double.parseDouble(millis.strip())));
            } else if (after != null && after.strip().matches("\\d+")) {
                return Optional.of(Duration.ofSeconds(Long.parseLong(after.strip())));
            } else if (after != null) {
                var date = ZonedDateTime.parse(after.strip(), DateTimeFormatter.RFC_1123_DATE_TIME);
                return Optional.of(Duration.between(ZonedDateTime.now(date.getZone()), date));
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            // a value that says nothing usable: no cooldown
        }
        return Optional.empty();
    }
}
