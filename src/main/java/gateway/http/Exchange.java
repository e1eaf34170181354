package gateway.http;

import com.sun.net.httpserver.HttpExchange;
import gateway.json.JsonValue;
import gateway.observe.Metrics;
import gateway.observe.RequestSummary;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

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
    private String model;
    private boolean stream;
    private String backend;
    private int attempts;
    private long queueNanos;
    private long promptTokens = -1;
    private long completionTokens = -1;
    private long cachedTokens = -1;
    private boolean tokensEstimated;
    private String caller;
    private ApiError error;
    private boolean clientCancelled;
    private boolean connectionFailed;
    private boolean bodyRead;
    /** The answer went out before the body had arrived: the connection ends with it. */
    private boolean closesConnection;

    /** The most of an unread body that is read and dropped after an early answer, before the connection is cut. */
    static final long LINGER_BYTES = 1 << 20;

    Exchange(HttpExchange http, Metrics metrics, Departures departures) {
        this.http = http;
        this.metrics = metrics;
        this.departures = departures;
        this.requestId = RequestId.of(http.getRequestHeaders());
        // On every answer, errors and streams included.
        http.getResponseHeaders().set("X-Request-ID", requestId);
    }


    public String requestId() {
        return requestId;
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

    /** The client's IP address. */
    public String clientAddress() {
        return http.getRemoteAddress().getAddress().getHostAddress();
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
        String declared = header("Content-Length");
        if (declared != null && declared.strip().length() > 0) {
            try {
                if (Long.parseLong(declared.strip()) > maxBytes) {
                    throw ApiError.requestTooLarge(maxBytes);
                }
            } catch (NumberFormatException e) {
                // the JDK server has already rejected malformed lengths; nothing to add
            }
        }
        InputStream in = http.getRequestBody();
        byte[] body = in.readNBytes(maxBytes);
        if (body.length == maxBytes && in.read() != -1) {
            throw ApiError.requestTooLarge(maxBytes);
        }
        bodyRead = true;
        return body;
    }

    /** Answers with a JSON body. */
    public void respond(int status, JsonValue body) throws IOException {
        respond(status, "application/json", body.toJson());
    }

    /** Answers with a text body of the given type. */
    public void respond(int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        http.getResponseHeaders().set("Content-Type", contentType);
        sendHeaders(status, bytes.length);
        http.getResponseBody().write(bytes);
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
        if (bodyStillArriving()) {
            http.getResponseHeaders().set("Connection", "close");
            closesConnection = true;
        }
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

    /**
     * True when the request has a body that was not read and has not all arrived: an
     * answer given before reading it (401, 413, 429, 503) must not wait for it.
     */
    private boolean bodyStillArriving() throws IOException {
        if (bodyRead) {
            return false;
        }
        String length = header("Content-Length");
        if (header("Transfer-Encoding") != null || length == null) {
            return header("Transfer-Encoding") != null; // chunked: its end cannot be seen without reading
        }
        // Already all here (a small request): the JDK server reads it off without waiting.
        long declared = Long.parseLong(length.strip()); // the JDK server has checked its form
        return declared > 0 && http.getRequestBody().available() < declared;
    }

    /**
     * Completes the answer once the request is logged: closes the exchange, so that the
     * connection can carry the next request, or, after an early answer, only flushes it.
     *
     * <p>An answer given while the request's body was still arriving carries
     * {@code Connection: close}. Closing such an exchange would make the JDK server read
     * the rest of the body before it sends the answer, so a client that waits for the
     * answer before sending more would wait for ever; the answer is flushed instead, and
     * the connection ended by {@link #lingerAndDrop()}.
     */
    void finish() {
        if (!closesConnection) {
            http.close();
            return;
        }
        try {
            http.getResponseBody().flush();
        } catch (IOException clientGone) {
            connectionFailed = true;
        }
    }

    /** False when the connection cannot carry another request: it broke, or it ends with an early answer. */
    boolean reusable() {
        return !connectionFailed && !closesConnection;
    }

    /**
     * After an early answer: reads and drops what the client still sends until it closes
     * its side ({@link #LINGER_BYTES} at most, and the server's request timeout), before
     * the connection is dropped. Closing a socket with unread input resets it, and a reset
     * can destroy the answer at the client before it is read (RFC 9112, section 9.6).
     */
    void lingerBeforeDrop() {
        if (!closesConnection || connectionFailed) {
            return;
        }
        try {
            InputStream unread = http.getRequestBody();
            byte[] buffer = new byte[8192];
            for (long dropped = 0, n; dropped < LINGER_BYTES && (n = unread.read(buffer)) >= 0; dropped += n) {
                // dropped
            }
        } catch (IOException clientClosed) {
            // its side is closed: the answer was delivered, or cannot be
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

    /** Records the model a chat request asked for. */
    public void model(String model) {
        this.model = model;
    }

    /** Records where the reply came from, and how many backends were tried. */
    public void backend(String backend, int attempts) {
        this.backend = backend;
        this.attempts = attempts;
        if (status == 0) {
            // A client (the playground, a benchmark) can see which backend answered; names are the operator's labels.
            http.getResponseHeaders().set("X-Gateway-Backend", backend);
        }
    }

    /** Adds time spent waiting for a backend's free slot. */
    public void addQueueWait(long nanos) {
        queueNanos += nanos;
    }

    /** Records the prompt tokens the backend found in its cache. */
    public void cachedTokens(long tokens) {
        this.cachedTokens = tokens;
    }

    /** Records whether the request asked for a stream. */
    public void stream(boolean stream) {
        this.stream = stream;
    }

    /** Records who is calling: the API key's name, never the key. */
    public void caller(String caller) {
        this.caller = caller;
    }

    /** Who is calling: the API key's name, or null when keys are off. */
    public String caller() {
        return caller;
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

    /** Prompt plus completion tokens recorded so far (0 when unknown). */
    public long tokensUsed() {
        return Math.max(0, promptTokens) + Math.max(0, completionTokens);
    }

    /** Records token usage, exact or estimated. */
    public void usage(long promptTokens, long completionTokens, boolean estimated) {
        this.promptTokens = promptTokens;
        this.completionTokens = completionTokens;
        this.tokensEstimated = estimated;
    }

    /** The facts of this exchange, taken once its last byte is written. */
    RequestSummary summary() {
        return new RequestSummary(arrival, requestId, method(), path(), route, status,
                System.nanoTime() - startNanos, firstFrameNanos, backendWaitNanos, model, stream, backend, attempts, queueNanos,
                promptTokens, completionTokens, cachedTokens, tokensEstimated, caller, clientAddress(), outcome(),
                error == null ? null : error.code());
    }

    private String outcome() {
        if (clientCancelled) {
            return "client_cancelled";
        } else if (error == null) {
            return "ok";
        } else if (error.status() == 500) {
            return "internal_error";
        } else if (error.status() == 429) {
            return "rate_limited";
        } else if ("overloaded".equals(error.code()) || "shutting_down".equals(error.code())) {
            return error.code();
        } else if ("queue_timeout".equals(error.code())) {
            return "overloaded"; // every backend stayed busy: the fleet, not the gateway, is overloaded
        } else if (error.type().equals("api_error")) {
            return "backend_error";
        }
        return "invalid_request";
    }
}
