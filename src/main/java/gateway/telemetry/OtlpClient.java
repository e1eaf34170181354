package gateway.telemetry;

import gateway.json.Json;
import gateway.json.JsonException;
import gateway.json.JsonNumber;
import gateway.json.JsonObject;
import gateway.json.JsonString;
import gateway.json.JsonValue;
import gateway.observe.ExportCounters;
import gateway.observe.ExportCounters.Signal;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Posts OTLP/HTTP exports and counts what became of them. A response is one of three kinds
 * (OTLP specification, "OTLP/HTTP Response"): success, 2xx, perhaps a partial one; a
 * retryable failure, 429, 502, 503 or 504, and also a connection that failed or timed out;
 * and any other status, which retrying would not change. Used by the exporter's thread only.
 */
final class OtlpClient {
    /** The statuses the OTLP specification calls retryable. */
    private static final Set<Integer> RETRYABLE = Set.of(429, 502, 503, 504);
    /** A connect should be quick even when exports may take long: the collector is usually nearby. */
    private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Of a success's body only {@code partialSuccess} matters: a few hundred bytes at most. */
    private static final int MAX_RESPONSE_BYTES = 64 * 1024;
    private static final String USER_AGENT = "gateway-otlp-exporter";

    /** What one try came to. */
    private sealed interface Outcome {
        /** The collector took the export, all but {@code rejected} items of it (a partial success). */
        record Sent(long rejected) implements Outcome {
        }

        /** A status that another try would not change. */
        record Refused() implements Outcome {
        }

        /** A retryable status, or no answer at all; {@code retryAfter} is the header or {@code null}. */
        record Failed(String retryAfter) implements Outcome {
        }
    }

    private final HttpClient http;
    private final Duration timeout;
    private final ExportCounters counters;
    private final Shutdown shutdown;

    /** @param timeout how long one try may take */
    OtlpClient(Duration timeout, ExportCounters counters, Shutdown shutdown) {
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout.compareTo(MAX_CONNECT_TIMEOUT) < 0 ? timeout : MAX_CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.timeout = timeout;
        this.counters = counters;
        this.shutdown = shutdown;
    }

    /** A request to {@code url} with the signal's headers (TelemetrySettings has checked that each can be sent). */
    static HttpRequest.Builder request(URI url, Map<String, String> headers) {
        var request = HttpRequest.newBuilder(url).header("User-Agent", USER_AGENT);
        headers.forEach(request::setHeader);
        return request.setHeader("Content-Type", "application/json");
    }

    /**
     * Posts {@code body}, which holds {@code items} spans or data points, trying again after
     * retryable failures while attempts and time last; counts the items exported or dropped.
     *
     * @throws InterruptedException when the exporter is stopped at once; the items count as dropped
     */
    void export(Signal signal, HttpRequest.Builder request, List<byte[]> body, int items) throws InterruptedException {
        try {
            tryExport(signal, request, body, items);
        } catch (InterruptedException e) {
            counters.dropped(signal, items);
            throw e;
        }
    }

    private void tryExport(Signal signal, HttpRequest.Builder request, List<byte[]> body, int items) throws InterruptedException {
        long length = body.stream().mapToLong(piece -> piece.length).sum();
        for (int attempt = 1; ; attempt++) {
            long left = shutdown.remainingNanos();
            if (left <= 0) {
                counters.dropped(signal, items);
                return;
            }
            Duration tryFor = left < timeout.toNanos() ? Duration.ofNanos(left) : timeout;
            var publisher = BodyPublishers.fromPublisher(BodyPublishers.ofByteArrays(body), length);
            switch (post(signal, request.copy().timeout(tryFor).POST(publisher).build())) {
                case Outcome.Sent sent -> {
                    long rejected = Math.min(sent.rejected(), items);
                    counters.exported(signal, items - rejected);
                    counters.dropped(signal, rejected);
                    return;
                }
                case Outcome.Refused refused -> {
                    counters.failedExport(signal);
                    counters.dropped(signal, items);
                    return;
                }
                case Outcome.Failed failed -> {
                    counters.failedExport(signal);
                    Duration delay = Backoff.delay(attempt, failed.retryAfter(), Instant.now());
                    if (attempt >= Backoff.MAX_ATTEMPTS || !shutdown.pause(delay)) {
                        counters.dropped(signal, items);
                        return;
                    }
                }
            }
        }
    }

    private Outcome post(Signal signal, HttpRequest request) throws InterruptedException {
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) { // refused, reset, timed out: retryable, as the collector may be restarting
            return new Outcome.Failed(null);
        } catch (RuntimeException e) { // the client refused the request itself: another try would not help
            return new Outcome.Refused();
        }
        byte[] body = readAndClose(response.body());
        int status = response.statusCode();
        if (status / 100 == 2) {
            return new Outcome.Sent(rejected(signal, body));
        }
        return RETRYABLE.contains(status)
                ? new Outcome.Failed(response.headers().firstValue("Retry-After").orElse(null)) : new Outcome.Refused();
    }

    /**
     * The start of a response's body, read so that the connection can serve the next export;
     * never fails, as the status alone decides what became of the export.
     */
    private static byte[] readAndClose(InputStream body) {
        try (body) {
            return body.readNBytes(MAX_RESPONSE_BYTES);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /**
     * {@code partialSuccess.rejectedSpans} or {@code rejectedDataPoints}: an int64, so a string
     * in proto3 JSON, though some collectors write a number. 0 when absent or unreadable.
     */
    static long rejected(Signal signal, byte[] body) {
        String field = signal == Signal.TRACES ? "rejectedSpans" : "rejectedDataPoints";
        try {
            JsonValue value = Json.parse(body) instanceof JsonObject response
                    ? response.object("partialSuccess").map(partial -> partial.get(field)).orElse(null) : null;
            return switch (value) {
                case JsonNumber n when n.isLong() -> Math.max(n.longValue(), 0);
                case JsonString s when s.value().matches("[0-9]{1,18}") -> Long.parseLong(s.value());
                case null, default -> 0;
            };
        } catch (JsonException e) {
            return 0; // an empty body is the usual full success
        }
    }

    /** Stops the HTTP client's threads; the exporter's thread calls it when it ends. */
    void close() {
        http.shutdownNow();
    }
}
