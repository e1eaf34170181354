package gateway.http;

import com.sun.net.httpserver.HttpExchange;
import gateway.json.JsonValue;
import gateway.observe.Metrics;
import gateway.observe.RequestSummary;
import gateway.telemetry.RequestTrace;
import gateway.telemetry.Telemetry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * One request as the gateway sees it: the JDK's {@link HttpExchange} behind a small
 * surface (its id, a bounded body, JSON or event-stream answers), plus the facts the
 * log line and the metrics need once it has ended.
 */
public final class Exchange {
    private final HttpExchange http;
    private final String requestId;
    private final Instant arrival = Instant.now();
    private final long startNanos = System.nanoTime();
    private String route = "unmatched";
    private int status;
    /** Volatile: read by the thread that cuts streams at shutdown. */
    private volatile EventStream eventStream;
    private long firstFrameNanos = -1;
    private long backendWaitNanos;
    private final Metrics metrics;
    private final Departures departures;
    private final RequestFacts facts = new RequestFacts();
    private ApiError error;
    private boolean clientCancelled;
    private boolean connectionFailed;
    private final Teardown teardown;
    private Map<String, String> pathParameters = Map.of();
    private final RequestTrace trace;
    /** Formatted on first use. */
    private String clientAddress;

    Exchange(HttpExchange http, Metrics metrics, Departures departures, Telemetry telemetry) {
        this.http = http;
        this.metrics = metrics;
        this.departures = departures;
        this.teardown = new Teardown(http);
        this.requestId = RequestId.of(http.getRequestHeaders());
        String traceparent = header("traceparent");
        this.trace = telemetry.begin(traceparent, traceparent == null ? null : header("tracestate"), path(), startNanos, arrival);
        // On every answer, errors and streams included: the request's id, and its span in its
        // trace (W3C Trace Context's response header), so a client can find both in the log.
        http.getResponseHeaders().set("X-Request-ID", requestId);
        http.getResponseHeaders().set("traceresponse", trace.traceparent());
    }


    public String requestId() {
        return requestId;
    }

    /** The request's place in its trace, and what its spans will say. */
    public RequestTrace trace() {
        return trace;
    }

    public String method() {
        return http.getRequestMethod();
    }

    public String path() {
        return http.getRequestURI().getPath();
    }

    /** The raw query string, or {@code null}. */
    public String query() {
        return http.getRequestURI().getRawQuery();
    }

    /** A named segment of the route's path, such as {@code id} of {@code /admin/keys/{id}}; {@code null} when none. */
    public String pathParameter(String name) {
        return pathParameters.get(name);
    }

    void pathParameters(Map<String, String> parameters) {
        this.pathParameters = parameters;
    }

    /** The client's IP address. */
    public String clientAddress() {
        if (clientAddress == null) { // asked two or three times a request; formatting it is not free
            clientAddress = http.getRemoteAddress().getAddress().getHostAddress();
        }
        return clientAddress;
    }

    /** Sets a response header; call before the answer starts. */
    public void responseHeader(String name, String value) {
        http.getResponseHeaders().set(name, value);
    }

    /** The first value of a request header, or {@code null}. */
    public String header(String name) {
        return http.getRequestHeaders().getFirst(name);
    }

    /**
     * Reads the whole body, refusing more than {@code maxBytes}: from {@code Content-Length}
     * before reading, and otherwise (chunked bodies) as soon as the limit is crossed.
     */
    public byte[] readBody(int maxBytes) throws IOException {
        // A chunked body has no length: up to the most there may be. The JDK server has refused malformed lengths.
        String length = header("Content-Length");
        long declared = length == null ? maxBytes : Long.parseLong(length.strip());
        if (declared > maxBytes) {
            throw ApiError.requestTooLarge(maxBytes);
        }
        InputStream in = http.getRequestBody();
        // Asked for its length: readNBytes allocates (and zeroes) up to 16 KiB at a time for what it is asked.
        byte[] body = in.readNBytes((int) declared);
        if (body.length == maxBytes && in.read() != -1) {
            throw ApiError.requestTooLarge(maxBytes);
        }
        teardown.bodyRead();
        return body;
    }

    /** Answers with a JSON body. */
    public void respond(int status, JsonValue body) throws IOException {
        respond(status, "application/json", body.toJson());
    }

    /** Answers with a text body of the given type. */
    public void respond(int status, String contentType, String body) throws IOException {
        respond(status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Answers with {@code body} as it is; {@code null} for none, as in a 304. */
    public void respond(int status, String contentType, byte[] body) throws IOException {
        if (body == null) {
            respondEmpty(status);
            return;
        }
        http.getResponseHeaders().set("Content-Type", contentType);
        sendHeaders(status, body.length);
        http.getResponseBody().write(body);
    }

    /** Answers with headers only, such as 204 to a preflight. */
    void respondEmpty(int status) throws IOException {
        sendHeaders(status, -1); // -1: no body
    }

    /**
     * Starts a 200 event-stream answer. After this, failures can only be reported
     * inside the stream.
     */
    public EventStream openEventStream() throws IOException {
        var headers = http.getResponseHeaders();
        headers.set("Content-Type", "text/event-stream; charset=utf-8");
        headers.set("Cache-Control", "no-cache");
        // Tells nginx and similar proxies in front of us not to buffer the stream.
        headers.set("X-Accel-Buffering", "no");
        sendHeaders(200, 0); // 0: chunked, length unknown
        metrics.streamOpened();
        eventStream = new EventStream(http.getResponseBody(), () -> firstFrameNanos = System.nanoTime() - startNanos);
        return eventStream;
    }

    /**
     * Reports a failure: as a JSON error when nothing was sent yet, as a last event
     * when a stream is open. After a plain answer has started there is nothing to do
     * but end it.
     */
    void fail(ApiError failure) throws IOException {
        error = failure;
        if (eventStream != null) {
            eventStream.sendError(failure);
        } else if (status == 0) {
            failure.headers().forEach(http.getResponseHeaders()::set);
            respond(failure.status(), failure.toJson());
        }
    }

    /**
     * Notes that the connection failed before the answer was complete: the client went
     * away, unless the gateway itself cut the stream at shutdown.
     */
    void cancelledByClient() {
        connectionFailed = true;
        ApiError cut = eventStream == null ? null : eventStream.cutBy();
        if (cut != null) {
            error = cut;
        } else {
            clientCancelled = true;
        }
    }

    /** From another thread: ends an open event stream with {@code failure}; see {@link EventStream#cut}. */
    void cutAtShutdown(ApiError failure) {
        EventStream open = eventStream;
        if (open != null) {
            open.cut(failure);
        }
    }

    private void sendHeaders(int status, long length) throws IOException {
        if (this.status != 0) {
            throw new IllegalStateException("response already started with status " + this.status);
        }
        this.status = status;
        teardown.beforeAnswer();
        // The gateway's own time so far, for a client to see what the hop costs.
        long overheadMicros = Math.max(0, System.nanoTime() - startNanos - backendWaitNanos) / 1000;
        http.getResponseHeaders().set("X-Gateway-Overhead-Ms", millis(overheadMicros));
        http.sendResponseHeaders(status, length);
    }

    /** Microseconds as milliseconds with three decimals: 1234 is "1.234" (String.format cost 3% of a request's CPU). */
    static String millis(long micros) {
        long fraction = micros % 1000;
        return micros / 1000 + (fraction < 10 ? ".00" : fraction < 100 ? ".0" : ".") + fraction;
    }

    /** Completes the answer once the request is logged (see {@link Teardown}). */
    void finish() {
        if (!teardown.finish()) {
            connectionFailed = true;
        }
    }

    /** False when the connection cannot carry another request: it broke, or it ends with an early answer. */
    boolean reusable() {
        return !connectionFailed && !teardown.closesConnection();
    }

    /** After an early answer, before the connection is dropped: see {@link Teardown#linger}. */
    void lingerBeforeDrop() {
        if (teardown.closesConnection() && !connectionFailed) {
            teardown.linger();
        }
    }

    /** True once an event stream was opened (it is counted in flight until the exchange ends). */
    boolean openedEventStream() {
        return eventStream != null;
    }

    /**
     * Adds time spent waiting on the backend. Called on the request's own thread, and
     * the rest of the request's time is the gateway's overhead.
     */
    public void addBackendWait(long nanos) {
        backendWaitNanos += nanos;
    }

    void route(String route) {
        this.route = route;
    }

    /** What the log line and the metrics will say of this request, recorded as it is served. */
    public RequestFacts facts() {
        return facts;
    }

    /** Records where the reply came from, and how many backends were tried; tells the client which answered. */
    public void backend(String backend, int attempts) {
        facts.backend(backend, attempts);
        if (status == 0) {
            // A client (the playground, a benchmark) can see which backend answered; names are the operator's labels.
            http.getResponseHeaders().set("X-Gateway-Backend", backend);
        }
    }

    /**
     * Runs {@code onDeparture} if the client is seen to close its connection while nothing
     * has been sent to it (see {@link Departures}).
     *
     * @return what stops the watch
     */
    public Runnable watchDeparture(Runnable onDeparture) {
        return departures.watch(http.getLocalAddress(), http.getRemoteAddress(), onDeparture);
    }

    /** The facts of this exchange, taken once its last byte is written. */
    RequestSummary summary() {
        return new RequestSummary(arrival, requestId, trace.traceId(), trace.spanId(), method(), path(), route, status,
                System.nanoTime() - startNanos, firstFrameNanos, backendWaitNanos, facts.model(), facts.stream(),
                facts.backend(), facts.attempts(), facts.queueNanos(), facts.promptTokens(), facts.completionTokens(),
                facts.cachedTokens(), facts.tokensEstimated(), facts.caller(), clientAddress(), outcome(),
                error == null ? null : error.code());
    }

    private String outcome() {
        return clientCancelled ? "client_cancelled" : error == null ? "ok" : error.outcome();
    }
}
