package gateway.telemetry;

import static org.junit.jupiter.api.Assertions.fail;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import gateway.json.Json;
import gateway.json.JsonArray;
import gateway.json.JsonException;
import gateway.json.JsonObject;
import gateway.json.JsonValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A stand-in OpenTelemetry collector for tests: an OTLP/HTTP JSON receiver on 127.0.0.1 that
 * records every request and checks it strictly ({@link OtlpShapes}), keeping each violation
 * as a problem for {@link #assertNoProblems()}. Point an exporter at {@link #uri()}; it
 * answers {@code POST /v1/traces} and {@code POST /v1/metrics} with 200 and {@code {}},
 * unless told to answer otherwise ({@link #answer}, {@link #rejectPartially}, {@link #hang}).
 *
 * <pre>{@code
 * try (var collector = OtlpReceiver.start()) {
 *     ... OTEL_EXPORTER_OTLP_ENDPOINT = collector.uri() ...
 *     JsonObject span = collector.awaitSpan(s -> s.string("name").orElse("").startsWith("chat"), Duration.ofSeconds(5));
 *     collector.assertNoProblems();
 * }
 * }</pre>
 */
public final class OtlpReceiver implements AutoCloseable {
    /** One request as it came, with its answer's status (0 for a request left hanging). */
    public record Received(String method, String path, Map<String, List<String>> headers, JsonValue body, int status) {
        /** The first value of a header, by case-insensitive name, or {@code null}. */
        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.getFirst();
        }

        /** The spans of a traces export, in order; none for anything else (a malformed export's problems say why). */
        public List<JsonObject> spans() {
            var spans = new ArrayList<JsonObject>();
            if (path.equals("/v1/traces")) {
                for (JsonValue resourceSpans : members(body, "resourceSpans")) {
                    for (JsonValue scopeSpans : members(resourceSpans, "scopeSpans")) {
                        members(scopeSpans, "spans").forEach(span -> spans.add((JsonObject) span));
                    }
                }
            }
            return spans;
        }

        /** The objects in the array {@code owner.name}, or none when it is not there. */
        private static List<JsonValue> members(JsonValue owner, String name) {
            return owner instanceof JsonObject o
                    ? o.array(name).map(JsonArray::values).orElse(List.of()).stream().filter(JsonObject.class::isInstance).toList()
                    : List.of();
        }

        boolean accepted() {
            return status / 100 == 2;
        }
    }

    private record Answer(int status, String retryAfter, String body) {
        static final Answer OK = new Answer(200, null, "{}");
        static final Answer HANG = new Answer(0, null, null);
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final ArrayDeque<Answer> scripted = new ArrayDeque<>(); // guarded by this
    private final List<Received> requests = new ArrayList<>(); // guarded by this
    private final List<String> problems = new ArrayList<>(); // guarded by this
    private boolean hanging; // guarded by this

    private OtlpReceiver(HttpServer server) {
        this.server = server;
    }

    /** A receiver on a free port of 127.0.0.1. */
    public static OtlpReceiver start() {
        try {
            var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            var receiver = new OtlpReceiver(server);
            server.setExecutor(receiver.executor); // a hung exchange holds a virtual thread, not a platform one
            server.createContext("/", receiver::handle);
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The base URI, such as {@code http://127.0.0.1:40123}: the value of {@code OTEL_EXPORTER_OTLP_ENDPOINT}. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Answers the next {@code times} requests with {@code status}, and {@code Retry-After} when not {@code null}. */
    public synchronized void answer(int status, String retryAfter, int times) {
        for (int i = 0; i < times; i++) {
            scripted.add(new Answer(status, retryAfter, "{}"));
        }
    }

    /** Answers the next request with 200 and a partial success that rejects {@code rejected} items. */
    public synchronized void rejectPartially(long rejected) {
        scripted.add(new Answer(200, null, """
                {"partialSuccess":{"rejectedSpans":"%d","rejectedDataPoints":"%d","errorMessage":"too many"}}"""
                .formatted(rejected, rejected)));
    }

    /** From now on, reads each request and never answers it: a collector that hangs, until {@link #close()}. */
    public synchronized void hang() {
        hanging = true;
    }

    public synchronized List<Received> requests() {
        return List.copyOf(requests);
    }

    /** Each request's headers, by case-insensitive name, in order of arrival. */
    public synchronized List<Map<String, List<String>>> headers() {
        return requests.stream().map(Received::headers).toList();
    }

    public synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    /** Fails with every problem seen when any request broke the OTLP rules. */
    public void assertNoProblems() {
        List<String> seen = problems();
        if (!seen.isEmpty()) {
            fail("the OTLP receiver saw " + seen.size() + " problems:\n  " + String.join("\n  ", seen));
        }
    }

    /** Every span of the traces requests answered with success, in order of arrival. */
    public synchronized List<JsonObject> spans() {
        return requests.stream().filter(Received::accepted).flatMap(r -> r.spans().stream()).toList();
    }

    /** The bodies of the metrics requests answered with success, in order of arrival. */
    public synchronized List<JsonObject> metricExports() {
        return accepted("/v1/metrics");
    }

    private List<JsonObject> accepted(String path) {
        return requests.stream()
                .filter(r -> r.accepted() && r.path().equals(path) && r.body() instanceof JsonObject)
                .map(r -> (JsonObject) r.body())
                .toList();
    }

    /** Waits until at least {@code n} spans have been accepted; returns them all. */
    public List<JsonObject> awaitSpans(int n, Duration timeout) {
        return await(() -> spans().size() >= n, this::spans, timeout, n + " spans");
    }

    /** Waits for an accepted span that matches {@code which}. */
    public JsonObject awaitSpan(Predicate<JsonObject> which, Duration timeout) {
        return await(() -> spans().stream().anyMatch(which), () -> spans().stream().filter(which).findFirst().orElseThrow(),
                timeout, "a matching span");
    }

    /** Waits until at least {@code n} metrics exports have been accepted; returns them all. */
    public List<JsonObject> awaitMetricExports(int n, Duration timeout) {
        return await(() -> metricExports().size() >= n, this::metricExports, timeout, n + " metrics exports");
    }

    /** Waits until at least {@code n} requests have come, whatever they were answered. */
    public List<Received> awaitRequests(int n, Duration timeout) {
        return await(() -> requests().size() >= n, this::requests, timeout, n + " requests");
    }

    private synchronized <T> T await(BooleanSupplier condition, Supplier<T> result, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (!condition.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    fail("waited " + timeout.toMillis() + " ms for " + what + "; got " + requests.size() + " requests, "
                            + spans().size() + " spans, problems: " + problems);
                }
                TimeUnit.NANOSECONDS.timedWait(this, left); // notified by each request
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted while waiting for " + what);
        }
        return result.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Answer answer = record(exchange, body);
            if (answer == Answer.HANG) {
                closed.await();
                return;
            }
            if (answer.retryAfter() != null) {
                exchange.getResponseHeaders().set("Retry-After", answer.retryAfter());
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            byte[] reply = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), reply.length);
            exchange.getResponseBody().write(reply);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Checks and keeps a request, wakes the waiters, and picks its answer. */
    private synchronized Answer record(HttpExchange exchange, byte[] body) {
        Answer answer = hanging ? Answer.HANG : scripted.isEmpty() ? Answer.OK : scripted.poll();
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        var headers = new TreeMap<String, List<String>>(String.CASE_INSENSITIVE_ORDER);
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, List.copyOf(values)));
        String where = "request " + (requests.size() + 1) + " (" + method + " " + path + ")";
        JsonValue json = null;
        List<String> found = new ArrayList<>();
        if (!method.equals("POST")) {
            found.add("expected POST");
        }
        String contentType = headers.getOrDefault("Content-Type", List.of("")).getFirst();
        if (!contentType.split(";")[0].strip().equalsIgnoreCase("application/json")) {
            found.add("expected Content-Type application/json, not '" + contentType + "'");
        }
        try {
            json = Json.parse(body);
            switch (path) {
                case "/v1/traces" -> found.addAll(OtlpShapes.traces(json));
                case "/v1/metrics" -> found.addAll(OtlpShapes.metrics(json));
                default -> found.add("expected /v1/traces or /v1/metrics");
            }
        } catch (JsonException e) {
            found.add("the body is not JSON: " + e.getMessage());
        }
        found.forEach(problem -> problems.add(where + ": " + problem));
        requests.add(new Received(method, path, headers, json, answer.status()));
        notifyAll();
        return answer;
    }

    /** Stops the server and ends every hung exchange. */
    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
